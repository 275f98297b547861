"""How real do scomm's synthetic fingerprints look to scomm's own extractor and matcher?

Runs the FVC protocol (genuine: all 28 pairs of each finger's 8 impressions, 280 in all;
impostor: first impressions of different fingers, 45) on two real-world yardsticks and on
a synthetic set of the same shape, and prints minutiae counts, ridge periods, score
distributions and EER. Also checks the two fidelities against each other: templates
extracted from rendered images compared with the template path's templates.

    PYTHONPATH=src python bench/synth_realism.py [--seed 0]
"""

from __future__ import annotations

import argparse
import itertools
import platform
import time
from pathlib import Path

import numpy as np

from scomm.biometrics import Template, compare, load_image
from scomm.biometrics.evaluation import eer
from scomm.biometrics.extraction import extract_features
from scomm.biometrics.template import FingerPosition, ImpressionType
from scomm.synth import Person, impression_template, make_person, master_image, render_impression
from scomm.synth.fidelity import ridge_minutiae

DATA = Path("../shared/data")
PLAIN = ImpressionType.LIVESCAN_PLAIN


def _template(img: np.ndarray, ppi: int) -> tuple[Template, float]:
    f = extract_features(img, ppi)
    h, w = f.image.shape
    m = f.minutiae.astype(np.float32)
    t = Template(m[:, 0], m[:, 1], m[:, 2], m[:, 3].astype(np.uint8), m[:, 4], w, h, quality=f.quality)
    return t, float(f.period)


def fvc_protocol(templates: dict[tuple[int, int], Template]) -> tuple[np.ndarray, np.ndarray]:
    fingers = sorted({f for f, _ in templates})
    gen = [compare(templates[f, a], templates[f, b])
           for f in fingers for a, b in itertools.combinations(range(1, 9), 2)]
    imp = [compare(templates[a, 1], templates[b, 1]) for a, b in itertools.combinations(fingers, 2)]
    return np.array(gen), np.array(imp)


def real_set(name: str) -> tuple[dict[tuple[int, int], Template], list[float]]:
    out: dict[tuple[int, int], Template] = {}
    periods = []
    for path in sorted((DATA / name).glob("*_*.tif")):
        f, k = (int(p) for p in path.stem.split("_"))
        img, ppi = load_image(path)
        out[f, k], per = _template(img, ppi)
        periods.append(per)
    return out, periods


def synthetic_set(seed: int) -> tuple[dict[tuple[int, int], Template], list[float],
                                       dict[tuple[int, int], Template], dict[tuple[int, int], Template]]:
    out: dict[tuple[int, int], Template] = {}
    direct: dict[tuple[int, int], Template] = {}
    matched: dict[tuple[int, int], Template] = {}
    periods = []
    for p in range(10):
        person = make_person(seed, p)
        pos = FingerPosition(p % 10 + 1)
        # image_matched_person for this one finger (the bench images only one per person)
        read = Person(person.spec, {pos: ridge_minutiae(person.master(pos), master_image(person, pos))})
        for k in range(1, 9):
            img = render_impression(person, pos, k, PLAIN)
            out[p, k], per = _template(img, 500)
            periods.append(per)
            direct[p, k] = impression_template(person, pos, k, PLAIN)
            matched[p, k] = impression_template(read, pos, k, PLAIN)
    return out, periods, direct, matched


def row(name: str, templates: dict[tuple[int, int], Template], periods: list[float]) -> str:
    g, i = fvc_protocol(templates)
    counts = [len(t) for t in templates.values()]
    return (f"| {name} | {np.mean(counts):.0f} ± {np.std(counts):.0f} | {np.median(periods):.2f} | "
            f"{np.median(g):.3f} | {np.percentile(g, 10):.3f} | {np.median(i):.3f} | {i.max():.3f} | "
            f"{100 * eer(g, i):.1f}% |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--synthetic-only", action="store_true", help="skip the two real sets")
    args = ap.parse_args()
    with open("/proc/cpuinfo") as fh:
        cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?")
    print(f"machine: {platform.node()}, nproc {len(__import__('os').sched_getaffinity(0))}, {cpu}")
    t0 = time.time()
    rows = [("| set | minutiae per image | ridge period (px) | genuine median | genuine 10th pct | "
             "impostor median | impostor max | EER |"), "|---|---|---|---|---|---|---|---|"]
    for name in () if args.synthetic_only else ("fvc2002-db2b", "sfinge-db4b"):
        t, per = real_set(name)
        rows.append(row(name, t, per))
    syn, per, direct, matched = synthetic_set(args.seed)
    rows.append(row(f"scomm synth seed {args.seed} (images)", syn, per))
    rows.append(row(f"scomm synth seed {args.seed} (template path)", direct, [float("nan")]))
    print("\n".join(rows))
    # Cross-fidelity: the template path's template vs the image's extracted template, same
    # impression (genuine) and other fingers' (impostor).
    same = [compare(syn[k], direct[k]) for k in syn]
    other = [compare(syn[p, 1], direct[q, 1]) for p, q in itertools.permutations(range(10), 2)]
    print(f"\nimage-extracted vs template-path, same impression: median {np.median(same):.3f}, "
          f"min {np.min(same):.3f}; different fingers: median {np.median(other):.3f}, "
          f"max {np.max(other):.3f}; EER {100 * eer(same, other):.1f}%")
    # The same with image_matched_person's templates, against another impression (k + 1).
    same = [compare(syn[p, k], matched[p, k % 8 + 1]) for p, k in syn]
    other = [compare(syn[p, 1], matched[q, 2]) for p, q in itertools.permutations(range(10), 2)]
    print(f"image-extracted vs image_matched_person templates, another impression: median "
          f"{np.median(same):.3f}, min {np.min(same):.3f}; different fingers: median {np.median(other):.3f}, "
          f"max {np.max(other):.3f}; EER {100 * eer(same, other):.1f}%")
    print(f"({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
