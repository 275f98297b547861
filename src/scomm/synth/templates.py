"""Minutiae templates of synthetic impressions, without rendering any image.

An impression template is the master's true minutiae moved by the impression's geometry
(scomm.synth.impression), cut to the contact area and the frame, then given the errors a
real extractor makes: position and angle jitter, missed minutiae (more near the contact
edge and on dry or wet skin), spurious ones, and ending/bifurcation confusions (dry
skin breaks ridges into endings, wet skin bridges them into bifurcations).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.template import FingerPosition, ImpressionType, MinutiaKind, Template
from scomm.synth import parameters as P
from scomm.synth.errors import SynthesisError
from scomm.synth.impression import Geometry, ImpressionParams, impression_params
from scomm.synth.master import Master
from scomm.synth.orientation import OrientationStack
from scomm.synth.person import FINGERS, Person, make_people
from scomm.synth.seeds import Stream, rng

Array = NDArray[np.float64]


def impression_of(person: Person, position: FingerPosition, impression_seed: int,
                  kind: ImpressionType = ImpressionType.LIVESCAN_ROLLED,
                  size: tuple[int, int] = P.DEFAULT_SIZE) -> ImpressionParams:
    """The impression parameters shared by the template and the image of one impression."""
    pos = _position(position)
    g = rng(person.seed, person.person_id, int(pos), impression_seed, Stream.IMPRESSION, int(kind))
    return impression_params(person.master(pos), g, ImpressionType(int(kind)), size)


def _position(position: FingerPosition) -> FingerPosition:
    p = int(position)
    if not 1 <= p <= 10:
        raise SynthesisError(f"finger position must be 1..10, got {p}")
    return FingerPosition(p)


def impression_template(person: Person, position: FingerPosition, impression_seed: int,
                        kind: ImpressionType = ImpressionType.LIVESCAN_ROLLED) -> Template:
    """The minutiae template an extractor would produce from this impression."""
    return _templates([(person, _position(position))], impression_seed, ImpressionType(int(kind)))[0]


def tenprint_templates(person: Person, impression_seed: int,
                       kind: ImpressionType = ImpressionType.LIVESCAN_ROLLED) -> dict[FingerPosition, Template]:
    """Templates of all ten fingers of one tenprint capture."""
    got = _templates([(person, f) for f in FINGERS], impression_seed, ImpressionType(int(kind)))
    return dict(zip(FINGERS, got, strict=True))


def tenprint_templates_batch(seed: int, person_ids: Sequence[int], impression_seed: int,
                             kind: ImpressionType = ImpressionType.LIVESCAN_ROLLED,
                             workers: int = 1) -> list[dict[FingerPosition, Template]]:
    """Tenprint templates of many persons (galleries): exactly what make_person and
    tenprint_templates give for each id, computed in vectorised chunks, with no image.
    ``workers`` > 1 spreads the chunks over that many processes."""
    ids = [int(p) for p in person_ids]
    if workers < 1:
        raise SynthesisError(f"workers must be at least 1, got {workers}")
    chunks = [(seed, ids[s:s + _CHUNK], impression_seed, int(kind)) for s in range(0, len(ids), _CHUNK)]
    if workers == 1 or len(chunks) < 2:
        parts = [_chunk(c) for c in chunks]
    else:
        import multiprocessing

        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with ctx.Pool(min(workers, len(chunks))) as pool:
            parts = pool.map(_chunk, chunks)
    return [d for part in parts for d in part]


def _chunk(job: tuple[int, list[int], int, int]) -> list[dict[FingerPosition, Template]]:
    seed, ids, impression_seed, kind = job
    persons = make_people(seed, ids)
    got = _templates([(p, f) for p in persons for f in FINGERS], impression_seed, ImpressionType(kind))
    return [dict(zip(FINGERS, got[10 * i:10 * i + 10], strict=True)) for i in range(len(persons))]


_CHUNK = 64   # persons per vectorised pass: big enough to amortise NumPy calls, small for cache


def _templates(fingers: Sequence[tuple[Person, FingerPosition]], impression_seed: int,
               kind: ImpressionType) -> list[Template]:
    """Observe many impressions at once. Each finger draws from its own stream in a fixed
    order (placement, per-minutia errors, spurious minutiae), so the result for a finger
    does not depend on which others share the pass."""
    masters = [p.master(f) for p, f in fingers]
    gens = [rng(p.seed, p.person_id, int(f), impression_seed, Stream.IMPRESSION, int(kind)) for p, f in fingers]
    imps = [impression_params(m, g, kind, P.DEFAULT_SIZE) for m, g in zip(masters, gens, strict=True)]
    counts = np.array([m.mx.shape[0] for m in masters])
    fid = np.repeat(np.arange(len(masters)), counts)
    u = np.concatenate([m.mx for m in masters])
    v = np.concatenate([m.my for m in masters])
    ang = np.concatenate([m.mangle for m in masters])
    kind_t = np.concatenate([m.mkind for m in masters])
    draws = [(g.random((4, n)), g.standard_normal((3, n))) for g, n in zip(gens, counts, strict=True)]
    r = np.concatenate([d[0] for d in draws], axis=1)
    z = np.concatenate([d[1] for d in draws], axis=1)
    par = _Stacked(masters, imps)
    geo = par.geometry(fid)
    touched = par.in_contact(fid, u, v, 0.0)
    inner = par.in_contact(fid, u, v, P.BORDER_BAND)
    bad = par.bad[fid]
    keep = touched & (r[0] >= P.MISSING_RATE + P.MISSING_RATE_BAD_SKIN * bad)
    keep &= inner | (r[1] >= P.BORDER_MISSING_RATE)
    toward = np.where(par.wet[fid], MinutiaKind.BIFURCATION, MinutiaKind.ENDING).astype(np.uint8)
    flip = (r[2] < P.TYPE_FLIP_RATE * (1.0 + 2.0 * bad)) & (kind_t != toward)
    kind_t = np.where(flip, toward, kind_t)
    x, y, a = geo.forward(u, v, ang)
    x = x + P.POSITION_JITTER * z[0]
    y = y + P.POSITION_JITTER * z[1]
    a = a + P.ANGLE_JITTER * z[2]
    rel = (0.6 + 0.4 * r[3]) * (1.0 - 0.3 * bad)
    # Spurious minutiae, uniform over the contact ellipse, along the ridge flow.
    ntouched = np.bincount(fid[touched], minlength=len(masters))
    lam = np.maximum(ntouched, 1) * (P.SPURIOUS_RATE + P.SPURIOUS_RATE_BAD_SKIN * par.bad)
    sp = [(g.poisson(lam_i), g) for g, lam_i in zip(gens, lam, strict=True)]
    sdraw = [(g.random((5, n)), g.standard_normal(n)) for n, g in sp]
    sfid = np.repeat(np.arange(len(masters)), [n for n, _g in sp])
    sr = np.concatenate([d[0] for d in sdraw], axis=1)
    sz = np.concatenate([d[1] for d in sdraw])
    rad = np.sqrt(sr[0])
    t = 2 * np.pi * sr[1]
    su = par.cu[sfid] + par.au[sfid] * rad * np.cos(t)
    sv = par.cv[sfid] + par.av[sfid] * rad * np.sin(t)
    stack = OrientationStack.of([m.orientation for m in masters])
    sa = stack.at(sfid, su, sv) + np.pi * (sr[2] < 0.5) + P.ANGLE_JITTER * sz
    sx, sy, sa = par.geometry(sfid).forward(su, sv, sa)
    sok = par.on_finger(sfid, su, sv)
    sk = np.where(sr[3] < P.ENDING_SHARE, MinutiaKind.ENDING, MinutiaKind.BIFURCATION).astype(np.uint8)
    srel = 0.2 + 0.5 * sr[4]
    allf = np.concatenate([fid[keep], sfid[sok]])
    ax = np.concatenate([x[keep], sx[sok]])
    ay = np.concatenate([y[keep], sy[sok]])
    aa = np.concatenate([a[keep], sa[sok]])
    ak = np.concatenate([kind_t[keep], sk[sok]])
    ar = np.concatenate([rel[keep], srel[sok]])
    w = par.width[allf]
    h = par.height[allf]
    inside = (ax >= P.FRAME_MARGIN) & (ax < w - P.FRAME_MARGIN) & (ay >= P.FRAME_MARGIN) & (ay < h - P.FRAME_MARGIN)
    order = np.lexsort((ax[inside], ay[inside], allf[inside]))
    sel = np.flatnonzero(inside)[order]
    allf, ax, ay, aa, ak, ar = allf[sel], ax[sel], ay[sel], aa[sel], ak[sel], ar[sel]
    bounds = np.searchsorted(allf, np.arange(len(masters) + 1))
    out = []
    for i, (m, imp) in enumerate(zip(masters, imps, strict=True)):
        q = slice(bounds[i], bounds[i + 1])
        out.append(Template(ax[q], ay[q], aa[q], ak[q], ar[q], imp.width, imp.height,
                            quality=imp.quality, position=m.position, impression=imp.kind))
    return out


class _Stacked:
    """Per-impression values of many impressions, as arrays indexed by impression."""

    def __init__(self, masters: Sequence[Master], imps: Sequence[ImpressionParams]) -> None:
        self.cu = np.array([i.centre[0] for i in imps])
        self.cv = np.array([i.centre[1] for i in imps])
        self.au = np.array([i.axes[0] for i in imps])
        self.av = np.array([i.axes[1] for i in imps])
        self.rot = np.array([i.rotation for i in imps])
        self.su = np.array([i.shift[0] for i in imps])
        self.sv = np.array([i.shift[1] for i in imps])
        self.drot = np.array([i.distortion_rotation for i in imps])
        self.dsu = np.array([i.distortion_shift[0] for i in imps])
        self.dsv = np.array([i.distortion_shift[1] for i in imps])
        self.width = np.array([i.width for i in imps], dtype=np.float64)
        self.height = np.array([i.height for i in imps], dtype=np.float64)
        self.bad = np.array([i.bad_skin for i in imps])
        self.wet = np.array([i.skin > 0.5 for i in imps])
        self.hw = np.array([m.half_width for m in masters])
        self.hh = np.array([m.half_height for m in masters])

    def geometry(self, f: NDArray[np.intp]) -> Geometry:
        return Geometry(self.cu[f], self.cv[f], self.au[f], self.av[f], self.rot[f], self.su[f],
                        self.sv[f], self.drot[f], self.dsu[f], self.dsv[f],
                        0.5 * self.width[f], 0.5 * self.height[f])

    def on_finger(self, f: NDArray[np.intp], u: Array, v: Array, margin: float = 0.0) -> NDArray[np.bool_]:
        shrink = 1.0 - margin / self.hw[f]
        return (u / (shrink * self.hw[f])) ** 2 + (v / (shrink * self.hh[f])) ** 2 <= 1.0

    def in_contact(self, f: NDArray[np.intp], u: Array, v: Array, margin: float) -> NDArray[np.bool_]:
        ru = np.maximum(self.au[f] - margin, 1.0)
        rv = np.maximum(self.av[f] - margin, 1.0)
        ell = ((u - self.cu[f]) / ru) ** 2 + ((v - self.cv[f]) / rv) ** 2 <= 1.0
        return ell & self.on_finger(f, u, v, margin)
