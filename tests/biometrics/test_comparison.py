"""Genuine pairs outscore impostor pairs; scores survive rotation and translation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from scomm.biometrics import (
    MATCH_THRESHOLD,
    Template,
    compare,
    compare_many,
    compare_prepared,
    comparison,
    extract,
    load_image,
    prepare,
    stack,
)
from scomm.biometrics import parameters as P
from scomm.biometrics.comparison import ROW_BYTES, TERM_BYTES, PreparedTemplate, consensus_pairs
from scomm.biometrics.flow import flow_factor, flow_overlap, unknown_flow_factor
from scomm.errors import TemplateError

from .conftest import FVC, FVC_PPI, needs_data


def _scores(t: dict[tuple[int, int], Template]) -> tuple[list[float], list[float]]:
    genuine = [compare(t[(f, i)], t[(f, j)]) for f in range(101, 105) for i in range(1, 5) for j in range(i + 1, 5)]
    impostor = [compare(t[(f, 1)], t[(g, 1)]) for f in range(101, 105) for g in range(f + 1, 105)]
    return genuine, impostor


@needs_data
def test_genuine_pairs_score_above_impostor_pairs(fvc_templates: dict[tuple[int, int], Template]) -> None:
    genuine, impostor = _scores(fvc_templates)
    worst_impostor = max(impostor)
    above = np.mean(np.array(genuine) > worst_impostor)
    assert above >= 0.75
    assert np.median(genuine) > 2 * np.median(impostor)


@needs_data
def test_impostor_pairs_stay_below_the_threshold(fvc_templates: dict[tuple[int, int], Template]) -> None:
    _, impostor = _scores(fvc_templates)
    assert max(impostor) < MATCH_THRESHOLD


def test_a_template_matches_itself_strongly_and_scores_are_non_negative() -> None:
    rng = np.random.default_rng(7)
    t = Template(rng.uniform(20, 280, 40), rng.uniform(20, 380, 40), rng.uniform(0, 2 * np.pi, 40),
                 np.ones(40, np.uint8), np.ones(40), 300, 400)
    assert compare(t, t) > 0.8 * unknown_flow_factor()  # no ridge-flow grid: the minutiae score x the factor
    empty = Template([], [], [], [], [], 300, 400)
    assert compare(t, empty) == 0.0


def _rigid(t: Template, theta: float, tx: float, ty: float) -> Template:
    """Rotate counter-clockwise by theta (template convention: y down) about the centre, then shift."""
    cx, cy = t.width / 2, t.height / 2
    dx, dy = t.x - cx, -(t.y - cy)
    c, s = np.cos(theta), np.sin(theta)
    x = cx + c * dx - s * dy + tx
    y = cy - (s * dx + c * dy) + ty
    return Template(x, y, t.angle + theta, t.kind, t.reliability, t.width + 200, t.height + 200)


@pytest.mark.parametrize(("theta", "tx", "ty"), [(0.5, 30, -20), (-1.2, -15, 40), (0.0, 60, 60)])
def test_rotated_and_shifted_template_keeps_its_score(theta: float, tx: float, ty: float) -> None:
    rng = np.random.default_rng(3)
    t = Template(rng.uniform(40, 260, 45), rng.uniform(40, 360, 45), rng.uniform(0, 2 * np.pi, 45),
                 np.ones(45, np.uint8), np.ones(45), 300, 400)
    assert compare(t, _rigid(t, theta, tx + 100, ty + 100)) > 0.8 * unknown_flow_factor()


def test_upside_down_is_not_a_pair() -> None:
    """Impressions are captured upright, so the matcher refuses rotations beyond 90 degrees."""
    rng = np.random.default_rng(3)
    t = Template(rng.uniform(40, 260, 45), rng.uniform(40, 360, 45), rng.uniform(0, 2 * np.pi, 45),
                 np.ones(45, np.uint8), np.ones(45), 300, 400)
    assert compare(t, _rigid(t, np.pi, 100, 100)) < MATCH_THRESHOLD


@needs_data
def test_rotating_the_image_keeps_the_genuine_score_high(fvc_templates: dict[tuple[int, int], Template]) -> None:
    from PIL import Image

    img, _ = load_image(FVC / "102_2.tif")
    rotated = np.asarray(Image.fromarray(img).rotate(25, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255))
    shifted = np.pad(rotated, ((40, 0), (0, 60)), constant_values=255)
    t = extract(shifted, FVC_PPI)
    ref = fvc_templates[(102, 1)]
    assert compare(t, ref) >= MATCH_THRESHOLD
    assert compare(t, fvc_templates[(102, 2)]) >= MATCH_THRESHOLD


@needs_data
def test_compare_many_equals_one_by_one(fvc_templates: dict[tuple[int, int], Template]) -> None:
    prepared = [prepare(t) for t in fvc_templates.values()]
    probe = prepared[0]
    many = compare_many(probe, stack(prepared))
    single = [compare_prepared(probe, r) for r in prepared]
    assert np.array_equal(many, np.array(single, np.float32))  # integer local terms: no summation-order noise
    assert np.array_equal(compare_many(probe, prepared), many)
    # an empty reference scores 0 and leaves its neighbours' scores (and search indexes) intact
    empty = prepare(Template([], [], [], [], [], 300, 400))
    mixed = compare_many(probe, stack([prepared[1], empty, prepared[2]]))
    assert mixed[1] == 0.0
    assert mixed[0] == many[1] and mixed[2] == many[2]


def _reference_cylinders(t: Template) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MCC cylinders by the textbook broadcasting over (minutia, cell, neighbour): (values, valid, usable)."""
    x, y, a = t.x.astype(np.float64), t.y.astype(np.float64), t.angle.astype(np.float64)
    ns, r = P.CYLINDER_CELLS, P.CYLINDER_RADIUS
    c = (np.arange(ns) - (ns - 1) / 2) * (2 * r / ns)
    gx, gy = np.meshgrid(c, c)
    keep = np.hypot(gx, gy) <= r
    cells = np.column_stack([gx[keep], gy[keep]])
    ux, uy = np.cos(a), -np.sin(a)
    cx = x[:, None] + cells[None, :, 0] * ux[:, None] + cells[None, :, 1] * -uy[:, None]
    cy = y[:, None] + cells[None, :, 0] * uy[:, None] + cells[None, :, 1] * ux[:, None]
    d2 = (cx[:, :, None] - x[None, None, :]) ** 2 + (cy[:, :, None] - y[None, None, :]) ** 2
    ss, sd, nd = P.CYLINDER_SIGMA_S, P.CYLINDER_SIGMA_D, P.CYLINDER_DIRECTIONS
    gs = np.exp(-d2 / (2 * ss * ss)) / (ss * np.sqrt(2 * np.pi))
    n = len(x)
    neighbour = (np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) <= r + 3 * ss) & ~np.eye(n, dtype=bool)
    gs *= neighbour[:, None, :]

    def wrap(v: np.ndarray) -> np.ndarray:
        return np.mod(v + np.pi, 2 * np.pi) - np.pi

    bins = -np.pi + (np.arange(nd) + 0.5) * 2 * np.pi / nd
    dtheta = wrap(a[None, :] - a[:, None])
    e = wrap(bins[None, None, :] - dtheta[:, :, None])
    gd = np.exp(-e * e / (2 * sd * sd)) / (sd * np.sqrt(2 * np.pi)) * (2 * np.pi / nd)
    raw = np.einsum("mct,mtk->mck", gs, gd)
    valid = d2.min(axis=2) <= P.CYLINDER_VALID_DISTANCE ** 2
    values = 1.0 / (1.0 + np.exp(-P.CYLINDER_TAU * (raw - P.CYLINDER_MU))) * valid[:, :, None]
    usable = (valid.mean(axis=1) >= P.CYLINDER_MIN_VALID_CELLS) & (neighbour.sum(axis=1) >= P.CYLINDER_MIN_NEIGHBOURS)
    return values.reshape(n, -1), valid, usable


def test_prepared_cylinders_are_the_mcc_formula_quantised() -> None:
    """prepare's neighbour loops (separable Gaussians, 7-bit values) against the plain formula."""
    rng = np.random.default_rng(11)
    # 42 minutiae in a print plus 3 isolated ones (no neighbours: not usable)
    x = np.concatenate([rng.uniform(20, 280, 42), [600, 800, 1000]])
    y = np.concatenate([rng.uniform(20, 380, 42), [900, 700, 500]])
    t = Template(x, y, rng.uniform(0, 2 * np.pi, 45), np.ones(45, np.uint8), np.ones(45), 1100, 1000)
    values, valid, usable = _reference_cylinders(t)
    order = np.lexsort((t.angle, t.x, t.y))  # prepare stores the minutiae in raster order
    values, valid, usable = values[order], valid[order], usable[order]
    p = prepare(t)
    width = values.shape[1]
    assert p.cylinders.dtype == np.uint8 and p.cylinders.shape == (45, ROW_BYTES)
    assert np.abs(p.cylinders[:, :width].astype(int) - np.rint(values * P.CYLINDER_LEVELS)).max() <= 1
    assert not p.cylinders[:, width:].any()
    bits = np.array([[(int(v) >> c) & 1 for c in range(valid.shape[1])] for v in p.valid], bool)
    assert np.array_equal(bits, valid)
    assert np.array_equal(p.usable, usable)
    assert 0 < usable.sum() < 45  # both branches tested


def test_vectorised_and_portable_byte_products_agree() -> None:
    """The AVX-512 VNNI path (where the CPU has it) and the plain loop give the same integers."""
    from numba import njit

    rng = np.random.default_rng(5)
    nc, nd = comparison.N_CELLS, P.CYLINDER_DIRECTIONS

    def rows(n: int) -> np.ndarray:
        cyl = np.zeros((n, ROW_BYTES), np.uint8)
        cyl[:, :nc * nd] = rng.integers(0, P.CYLINDER_LEVELS + 1, (n, nc * nd))
        bits = rng.integers(0, 2 ** 62, n, dtype=np.uint64) & np.uint64(2 ** nc - 1)
        valid = ((bits[:, None] >> np.arange(nc, dtype=np.uint64)) & np.uint64(1)).astype(bool)
        cyl[:, :nc * nd] *= np.repeat(valid, nd, axis=1)  # zero on invalid cells, as prepare writes them
        return np.asarray(comparison._terms(cyl, bits, nc, nd))

    a = rows(6)
    b = rows(7).view(np.int8)
    assert a.shape[1] == TERM_BYTES and a.max() <= 127
    plain = comparison._local_terms_plain

    @njit
    def both(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.zeros((a.shape[0], b.shape[0], 3), np.int64)
        y = np.zeros((a.shape[0], b.shape[0], 3), np.int64)
        for i in range(a.shape[0]):
            for j in range(b.shape[0]):
                x[i, j, 0], x[i, j, 1], x[i, j, 2] = plain(a, i, b, j)
                y[i, j, 0], y[i, j, 1], y[i, j, 2] = comparison._local_terms(a, i, b, j)
        return x, y

    x, y = both(a, b)
    assert np.array_equal(x, y)
    # the loop form (one probe row against a list of reference rows), both builds
    run, run_plain = comparison._local_terms_run, comparison._local_terms_run_plain

    @njit
    def runs(a: np.ndarray, b: np.ndarray, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = np.zeros((3, 6), np.int32)
        out_plain = np.zeros((3, 6), np.int32)
        run(a, 3, b, 1, cand, 4, out)  # row 3 of a against rows 1 + cand[:4] of b
        run_plain(a, 3, b, 1, cand, 4, out_plain)
        return out, out_plain

    cand = np.array([4, 0, 5, 2, 3], np.int64)
    for out in runs(a, b, cand):
        assert np.array_equal(out[:, :4].T, x[3, 1 + cand[:4]]) and not out[:, 4:].any()
    # and the plain loop is the intended sums: cylinder dot, then energies on common cells
    k = comparison._CYL_CHUNKS * 64
    mask_a, mask_b = a[0, -64:].astype(np.int64), b[0, -64:].astype(np.int64)
    dig_a = a[0, k:k + 192].astype(np.int64).reshape(3, 64)
    dig_b = b[0, k:k + 192].astype(np.int64).reshape(3, 64)
    assert x[0, 0, 0] == int(a[0, :k].astype(np.int64) @ b[0, :k].astype(np.int64))
    assert x[0, 0, 1] == int(sum((dig_a[d] << (7 * d)) @ mask_b for d in range(3)))
    assert x[0, 0, 2] == int(sum(mask_a @ (dig_b[d] << (7 * d)) for d in range(3)))


@needs_data
def test_the_score_does_not_depend_on_the_order_minutiae_are_listed_in(
        fvc_templates: dict[tuple[int, int], Template]) -> None:
    """Templates from other systems list minutiae their own way; the greedy pairing must not see it."""
    rng = np.random.default_rng(5)

    def shuffled(t: Template) -> Template:
        k = rng.permutation(len(t.x))
        return Template(t.x[k], t.y[k], t.angle[k], t.kind[k], t.reliability[k], t.width, t.height, flow=t.flow)

    pairs = [((101, 1), (101, 2)), ((103, 3), (103, 4)), ((101, 1), (104, 1)), ((102, 2), (104, 3))]
    for a, b in pairs:
        p, r = fvc_templates[a], fvc_templates[b]
        want = compare(p, r)
        for _ in range(3):
            assert compare(shuffled(p), shuffled(r)) == want


def test_prepared_template_round_trips_through_bytes() -> None:
    rng = np.random.default_rng(9)
    t = Template(rng.uniform(20, 280, 40), rng.uniform(20, 380, 40), rng.uniform(0, 2 * np.pi, 40),
                 rng.integers(0, 3, 40).astype(np.uint8), np.ones(40), 300, 400,
                 flow=rng.integers(0, 256, (5, 7)).astype(np.uint8))
    p = prepare(t)
    data = p.to_bytes()
    assert len(data) < 400 * len(p)  # vs ~1.3 KB a minutia as float32 descriptors
    q = PreparedTemplate.from_bytes(data)
    for name in ("x", "y", "angle", "cylinders", "valid", "usable", "flow", "kind", "reliability"):
        assert np.array_equal(getattr(p, name), getattr(q, name)) and getattr(p, name).dtype == getattr(q, name).dtype
    assert compare_prepared(q, p) == compare_prepared(p, p)
    with pytest.raises(TemplateError):
        PreparedTemplate.from_bytes(data[:-1])
    stale = bytearray(data)
    stale[4] ^= 1  # another descriptor version
    with pytest.raises(TemplateError):
        PreparedTemplate.from_bytes(bytes(stale))


def _pair_plain(sim: np.ndarray, px: np.ndarray, py: np.ndarray, pa: np.ndarray, rx: np.ndarray, ry: np.ndarray,
                ra: np.ndarray, anchor: tuple[float, float, float, float, float], pk: np.ndarray,
                rk: np.ndarray, pw: np.ndarray, rw: np.ndarray) -> float:
    """The pairing's definition as a plain scan of every reference minutia (original order), for the test below."""
    return _pairs_plain(sim, px, py, pa, rx, ry, ra, anchor, pk, rk, pw, rw)[0]


def test_banded_pairing_equals_a_plain_scan() -> None:
    """The compiled pairing reads only the grid cells around each mapped minutia and packs its choice into an
    integer key; it must pair exactly as scanning every reference minutia would, ties included."""
    rng = np.random.default_rng(11)
    n_p, n_r = 40, 50
    px, py = rng.uniform(0, 300, n_p).astype(np.float32), rng.uniform(0, 400, n_p).astype(np.float32)
    pa = rng.uniform(0, 2 * np.pi, n_p).astype(np.float32)
    ref = Template(rng.uniform(0, 300, n_r), rng.uniform(0, 400, n_r), rng.uniform(0, 2 * np.pi, n_r),
                   rng.integers(0, 3, n_r).astype(np.uint8), rng.choice([0.0, 0.3, 0.9], n_r), 300, 400)
    prepared = prepare(ref)
    batch = stack([prepared])
    pk = rng.integers(0, 3, n_p).astype(np.uint8)  # kinds: unknown, ending, bifurcation
    pw = rng.choice([0.2, 0.6, 1.0], n_p)  # overlap weights
    # similarities on a coarse grid, so that equal weights (ties) occur
    sim = (rng.integers(0, 4, (n_p, n_r)) / 4).astype(np.float32)
    # wider than the reference, as the batch's scratch (the vector scan reads whole vectors past a run's end)
    sim_sorted = np.zeros((n_p, n_r + comparison.SCAN_LANES), np.float32)
    sim_sorted[:, batch.position] = sim
    pair_p, pair_r = np.empty(n_p, np.int64), np.empty(n_p, np.int64)
    taken = np.zeros(n_r + comparison.SCAN_LANES, np.uint8)
    near_r = np.zeros(n_r + comparison.SCAN_LANES, np.uint8)
    p64 = pa.astype(np.float64)
    for _ in range(25):
        i, j = int(rng.integers(n_p)), int(rng.integers(n_r))
        anchor = (float(px[i]), float(py[i]), float(batch.x[j]), float(batch.y[j]),
                  float(rng.uniform(-1.5, 1.5)))
        want = _pair_plain(sim, px, py, pa, batch.x, batch.y, batch.angle, anchor, pk, prepared.kind, pw,
                           prepared.overlap_weights())
        got, n = comparison._pair_under(
            sim_sorted, px, py, np.cos(p64), np.sin(p64), batch.ref_sorted, batch.tie, 0, n_r, batch.cell_start, 0,
            float(batch.grid_origin[0, 0]), float(batch.grid_origin[0, 1]), int(batch.grid_shape[0, 0]),
            int(batch.grid_shape[0, 1]), *anchor, P.PAIR_DISTANCE_PX, P.PAIR_DISTANCE_SLOPE,
            float(np.cos(P.PAIR_ANGLE)), P.OVERLAP_DISTANCE_PX, float(P.MIN_OVERLAP), P.PAIR_BASE_WEIGHT,
            pair_p, pair_r, taken, near_r, pk, batch.kind_sorted, float(P.MINUTIA_TYPE_WEIGHT), pw, batch.weight_sorted)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12)
        assert n == len(set(pair_r[:n].tolist()))  # one-to-one


def test_vector_direction_walk_keeps_exactly_the_pairs_a_plain_loop_keeps() -> None:
    """_walk_window (16 rows a step, compress store, padded reads) against a plain loop over the same
    direction-ordered rows, windows of every length from 0 across both references of a batch."""
    from numba import njit

    rng = np.random.default_rng(13)
    refs = [prepare(Template(rng.uniform(0, 300, n), rng.uniform(0, 400, n), rng.uniform(0, 2 * np.pi, n),
                             np.ones(n, np.uint8), np.ones(n), 300, 400)) for n in (37, 23)]
    batch = stack(refs)
    walk = comparison._walk_window
    min_common = int(np.ceil(P.CYLINDER_MIN_COMMON * comparison.N_CELLS))
    cos_max = np.float32(np.cos(P.MAX_ROTATION))

    @njit
    def walk_all(d_cos: np.ndarray, d_sin: np.ndarray, d_bits: np.ndarray, d_usable: np.ndarray, order: np.ndarray,
                 s0: int, lo: int, hi: int, pc: np.float32, ps: np.float32, bits: np.uint64) -> np.ndarray:
        cand = np.full(64, -1, np.int64)
        n = walk(d_cos, d_sin, d_bits, d_usable, order, s0, lo, hi, pc, ps, bits, cos_max, min_common, cand, 0)
        return cand[:n]

    def run(s0: int, lo: int, hi: int, pc: np.float32, ps: np.float32, bits: np.uint64) -> np.ndarray:
        return walk_all(batch.d_cos, batch.d_sin, batch.d_bits, batch.d_usable, batch.a_order, s0, lo, hi, pc, ps,
                        bits)

    for k, ref in enumerate(refs):
        s0 = int(batch.offsets[k])
        for _ in range(20):
            angle = np.float32(rng.uniform(0, 2 * np.pi))
            pc, ps = np.cos(angle), np.sin(angle)
            bits = np.uint64(rng.integers(0, 2 ** 62)) | refs[0].valid[0]
            lo = int(rng.integers(0, len(ref) + 1))
            hi = int(rng.integers(lo, len(ref) + 1))
            rows = batch.a_order[s0 + lo:s0 + hi].astype(np.int64)
            common = np.array([bin(int(bits & v)).count("1") for v in ref.valid[rows]], np.int64)
            keep = (ref.usable[rows] & (pc * np.cos(ref.angle[rows]) + ps * np.sin(ref.angle[rows]) >= cos_max)
                    & (common >= min_common))
            assert np.array_equal(run(s0, lo, hi, pc, ps, bits), rows[keep])


def _pairs_plain(sim: np.ndarray, px: np.ndarray, py: np.ndarray, pa: np.ndarray, rx: np.ndarray, ry: np.ndarray,
                 ra: np.ndarray, anchor: tuple[float, float, float, float, float], pk: np.ndarray | None = None,
                 rk: np.ndarray | None = None, pw: np.ndarray | None = None,
                 rw: np.ndarray | None = None) -> tuple[float, list[tuple[int, int]]]:
    """The pairing's score by its definition, a plain scan of every reference minutia (original order),
    and its pairs (probe, reference; original indices). ``pk``/``rk`` are the minutiae's kinds (none:
    all unknown); a pair's weight takes MINUTIA_TYPE_WEIGHT's factor after the choice. ``pw``/``rw``
    are what each minutia counts for in the overlap (none: 1)."""
    pk = np.zeros(len(px), np.uint8) if pk is None else pk
    rk = np.zeros(len(rx), np.uint8) if rk is None else rk
    pw = np.ones(len(px)) if pw is None else pw
    rw = np.ones(len(rx)) if rw is None else rw
    ax, ay, bx, by, rot = anchor
    c, s = np.cos(rot), np.sin(rot)
    taken = np.zeros(len(rx), bool)
    near_r = np.zeros(len(rx), bool)
    total, near_p, pairs = 0.0, 0.0, []
    base = P.PAIR_BASE_WEIGHT
    for a in range(len(px)):
        dx, dy = px[a] - ax, -(py[a] - ay)
        tx, ty = bx + c * dx - s * dy, by - (s * dx + c * dy)
        d2 = (tx - rx) ** 2 + (ty - ry) ** 2
        near = d2 <= P.OVERLAP_DISTANCE_PX ** 2
        near_r |= near
        near_p += pw[a] if near.any() else 0.0
        tol = P.PAIR_DISTANCE_PX + P.PAIR_DISTANCE_SLOPE * np.hypot(dx, dy)
        ok = near & (d2 <= tol * tol) & ~taken & (np.cos(pa[a] + rot - ra) >= np.cos(P.PAIR_ANGLE))
        if ok.any():
            w = np.where(ok, base + (1 - base) * sim[a].astype(np.float64), -1.0)
            b = int(np.argmax(w))  # the first of the heaviest: lowest index
            taken[b] = True
            known = pk[a] != 0 and rk[b] != 0
            t = P.MINUTIA_TYPE_WEIGHT
            total += w[b] * ((1 + t if pk[a] == rk[b] else 1 - t) if known else 1.0)
            pairs.append((a, b))
    m = float(P.MIN_OVERLAP)
    return total * total / (max(near_p, m) * max(float(np.sum(rw[near_r])), m)) * min(1.0, total / m), pairs


def _similarities_plain(p: PreparedTemplate, r: PreparedTemplate) -> np.ndarray:
    """MCC local similarities of every pair from the quantised cylinders (0 where not comparable)."""
    nc, nd = comparison.N_CELLS, P.CYLINDER_DIRECTIONS
    cp = p.cylinders[:, :nc * nd].astype(np.int64)
    cr = r.cylinders[:, :nc * nd].astype(np.int64)
    vp = ((p.valid[:, None] >> np.arange(nc, dtype=np.uint64)) & np.uint64(1)).astype(np.int64)
    vr = ((r.valid[:, None] >> np.arange(nc, dtype=np.uint64)) & np.uint64(1)).astype(np.int64)
    dot = cp @ cr.T  # cylinders are zero on invalid cells: the sum runs over the common ones
    e1 = (cp ** 2).reshape(len(p), nc, nd).sum(2) @ vr.T
    e2 = vp @ (cr ** 2).reshape(len(r), nc, nd).sum(2).T
    with np.errstate(invalid="ignore", divide="ignore"):
        den = np.sqrt(e1.astype(np.float32)) + np.sqrt(e2.astype(np.float32))
        v = np.float32(1) - np.sqrt((e1 + e2).astype(np.float32) - (2 * dot).astype(np.float32)) / den
    v = np.where(den > 0, v, np.float32(0))
    common = vp @ vr.T
    pcos, psin, rcos, rsin = np.cos(p.angle), np.sin(p.angle), np.cos(r.angle), np.sin(r.angle)
    ok = (p.usable[:, None] & r.usable[None, :] & (common >= int(np.ceil(P.CYLINDER_MIN_COMMON * nc)))
          & (pcos[:, None] * rcos[None, :] + psin[:, None] * rsin[None, :] >= np.float32(np.cos(P.MAX_ROTATION))))
    return np.where(ok, v, np.float32(0)).astype(np.float32)


PairsPlain = Callable[..., tuple[float, list[tuple[int, int]]]]


def _score_plain(p: PreparedTemplate, r: PreparedTemplate, sim: np.ndarray | None = None,
                 pairs_of: PairsPlain = _pairs_plain) -> float:
    """compare_prepared by its definition, in NumPy with no search index, vector instruction or packing:
    the local similarities (:func:`_similarities_plain`, or ``sim``), the best ALIGN_HYPOTHESES as
    anchors (skipping pairs an earlier alignment already paired), then one Procrustes refinement when the
    best alignment has at least 3 pairs and scores at least REFIT_MIN_SCORE, then the local consensus
    to CONSENSUS_POWER (:func:`_consensus_plain`), then, when that product reaches FLOW_MIN_SCORE, the
    ridge-flow factor under the alignment that gave the score, scaled by the overlap it was measured on
    (flow_factor; FLOW_UNKNOWN_AGREEMENT's factor without one). ``pairs_of`` is the
    pairing under one alignment (bench/pairing_bestfirst.py passes others)."""
    sim = _similarities_plain(p, r) if sim is None else sim
    score, alignment = _score_and_alignment_plain(p, r, sim, pairs_of)
    if score > 0 and P.CONSENSUS_CANDIDATES > 0:
        score *= _consensus_plain(sim, consensus_pairs(len(p), len(r))) ** P.CONSENSUS_POWER
    if alignment is not None and P.FLOW_AGREEMENT_WEIGHT > 0:
        measured = flow_overlap(p.flow, r.flow, alignment) if score >= P.FLOW_MIN_SCORE else None
        score *= unknown_flow_factor() if measured is None else flow_factor(*measured)
    return score


def _consensus_plain(sim: np.ndarray, n: int) -> float:
    """The consensus factor by its definition: the CONSENSUS_CANDIDATES best local pairs (ties: lowest
    row-major index), taken best first when neither minutia is taken yet, until ``n``; their sum over n."""
    flat = sim.ravel()
    best = sorted((i for i in range(flat.size) if flat[i] > 0), key=lambda i: (-flat[i], i))
    rows: set[int] = set()
    cols: set[int] = set()
    total = 0.0
    for idx in best[:P.CONSENSUS_CANDIDATES]:
        a, b = divmod(idx, sim.shape[1])
        if len(rows) == n:
            break
        if a in rows or b in cols:
            continue
        rows.add(a)
        cols.add(b)
        total += float(flat[idx])
    return total / n


def _score_and_alignment_plain(p: PreparedTemplate, r: PreparedTemplate, sim: np.ndarray | None,
                               pairs_of: PairsPlain) -> tuple[float, tuple[float, float, float, float, float] | None]:
    """The minutiae score by its definition (see :func:`_score_plain`) and the alignment that gave it."""
    sim = _similarities_plain(p, r) if sim is None else sim
    flat = sim.ravel()
    tops = sorted((i for i in range(flat.size) if flat[i] > 0), key=lambda i: (-flat[i], i))[:P.ALIGN_HYPOTHESES]
    best, best_pairs, covered, best_anchor = 0.0, [], set(), None
    for idx in tops:
        i, j = divmod(idx, len(r))
        if (i, j) in covered:
            continue
        anchor = (float(p.x[i]), float(p.y[i]), float(r.x[j]), float(r.y[j]), float(r.angle[j] - p.angle[i]))
        score, pairs = pairs_of(sim, p.x, p.y, p.angle, r.x, r.y, r.angle, anchor, p.kind, r.kind, p.overlap_weights(),
                                 r.overlap_weights())
        covered.update(pairs)
        if score > best:
            best, best_pairs, best_anchor = score, pairs, anchor
    if len(best_pairs) < 3 or best < P.REFIT_MIN_SCORE:
        return best, best_anchor
    ia, ib = np.array(best_pairs).T
    mp = np.array([p.x[ia].astype(np.float64).mean(), p.y[ia].astype(np.float64).mean()])
    mr = np.array([r.x[ib].astype(np.float64).mean(), r.y[ib].astype(np.float64).mean()])
    u1, v1 = p.x[ia] - mp[0], -(p.y[ia] - mp[1])
    u2, v2 = r.x[ib] - mr[0], -(r.y[ib] - mr[1])
    rot = float(np.arctan2(np.sum(u1 * v2 - v1 * u2), np.sum(u1 * u2 + v1 * v2)))
    refit = (float(mp[0]), float(mp[1]), float(mr[0]), float(mr[1]), rot)
    score, _ = pairs_of(sim, p.x, p.y, p.angle, r.x, r.y, r.angle, refit, p.kind, r.kind, p.overlap_weights(),
                         r.overlap_weights())
    return (score, refit) if score > best else (best, best_anchor)


@needs_data
def test_compare_many_equals_the_plain_definition_on_real_prints(
        fvc_templates: dict[tuple[int, int], Template]) -> None:
    """Every fast path at once (VNNI or portable byte products, vectorised similarities, the grid-indexed
    pairing, packed keys, the batch layout) against :func:`_score_plain`, on genuine and impostor pairs."""
    prepared = [prepare(t) for t in fvc_templates.values()]
    batch = stack(prepared)
    for probe in prepared[::5]:
        fast = compare_many(probe, batch)
        plain = [_score_plain(probe, r) for r in prepared]
        assert fast == pytest.approx(np.array(plain), rel=1e-5, abs=1e-7)
        assert np.sum(np.array(plain) > MATCH_THRESHOLD) >= 3  # its own finger's impressions among them


@needs_data
def test_the_refit_gate_only_lowers_scores_below_it(fvc_templates: dict[tuple[int, int], Template],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipping the refit for best alignments under REFIT_MIN_SCORE leaves every score at or above the
    gate as it was with the refit always on, and can only lower the others (the refit only raises the
    minutiae score; the ridge-flow factor after it is off here, as it may move either way)."""
    monkeypatch.setattr(P, "FLOW_AGREEMENT_WEIGHT", 0.0)
    gate = P.REFIT_MIN_SCORE
    assert gate > 0
    prepared = [prepare(t) for t in fvc_templates.values()]
    batch = stack(prepared)
    gated = np.stack([compare_many(p, batch) for p in prepared[::4]])
    monkeypatch.setattr(P, "REFIT_MIN_SCORE", 0.0)
    always = np.stack([compare_many(p, batch) for p in prepared[::4]])
    assert np.all(gated <= always)
    high = gated >= gate
    assert np.array_equal(gated[high], always[high])
    assert np.any(gated < always)  # some low alignments are refitted no more


@needs_data
def test_minutia_kinds_weigh_pairs_as_evidence_not_as_a_condition(fvc_templates: dict[tuple[int, int], Template]) -> None:
    """Same kinds raise a genuine pair's score, flipped kinds lower it without losing the pairs, and
    unknown kinds (ISO 'other') fall in between."""
    p, r = fvc_templates[(101, 1)], fvc_templates[(101, 2)]

    def with_kinds(t: Template, kind: np.ndarray) -> Template:
        return Template(t.x, t.y, t.angle, kind.astype(np.uint8), t.reliability, t.width, t.height, flow=t.flow)

    flipped = with_kinds(r, np.where(r.kind == 1, 2, np.where(r.kind == 2, 1, r.kind)))
    unknown = with_kinds(r, np.zeros(len(r)))
    same, none, other = compare(p, r), compare(p, unknown), compare(p, flipped)
    assert same > none > other > MATCH_THRESHOLD


def test_consensus_pairs_grow_with_the_smaller_template() -> None:
    """n_P follows MCC's sigmoid of the smaller minutia count: 4 for a sliver, 12 for a full print."""
    assert consensus_pairs(3, 90) == consensus_pairs(90, 3) == P.CONSENSUS_MIN_PAIRS
    assert consensus_pairs(20, 20) == (P.CONSENSUS_MIN_PAIRS + P.CONSENSUS_MAX_PAIRS) // 2
    assert consensus_pairs(80, 200) == P.CONSENSUS_MAX_PAIRS
    counts = [consensus_pairs(m, 100) for m in range(1, 100)]
    assert counts == sorted(counts)


@pytest.mark.parametrize("seed", range(6))
def test_the_compiled_consensus_is_its_plain_definition(seed: int) -> None:
    """Greedy one-to-one picks from the best CONSENSUS_CANDIDATES local pairs (coarse values, so ties
    are decided by the lowest row-major index; conflicting rows and columns are skipped; a sum
    short of n picks is divided by n all the same), against :func:`_consensus_plain`."""
    from scomm.biometrics.comparison import _consensus

    rng = np.random.default_rng(seed)
    n_p, n_r = rng.integers(2, 30, 2)
    sim = (np.round(rng.random((n_p, n_r)) * 8) / 8 * (rng.random((n_p, n_r)) < 0.3)).astype(np.float32)
    sim[0, :] = np.maximum(sim[0, :], 0.9)  # one probe minutia alike everywhere: its row must count once
    n = consensus_pairs(int(n_p), int(n_r))
    flat = sim.ravel()
    best = sorted((i for i in range(flat.size) if flat[i] > 0), key=lambda i: (-flat[i], i))[:P.CONSENSUS_CANDIDATES]
    kl = max(1, min(P.CONSENSUS_CANDIDATES, flat.size))
    top_v = np.full(kl, -1.0)
    top_i = np.zeros(kl, np.int64)
    top_v[:len(best)] = flat[best]
    top_i[:len(best)] = best
    got = _consensus(top_v, top_i, kl, int(n_r), n, np.empty(n, np.int64), np.empty(n, np.int64))
    assert got == pytest.approx(_consensus_plain(sim, n), abs=1e-12)
    assert 0.0 <= got <= 1.0
