"""Fit the first-stage descriptor model (centring + half-whitened PCA) on synthetic tenprints.

Rerunnable: ``PYTHONPATH=src python bench/search_fit_descriptor.py`` rewrites
src/scomm/biometrics/search/descriptor_model.json and prints the separation the
model gives on held-out synthetic persons, next to the unfitted histogram's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.descriptor import MODEL_FILE, encode_model, hellinger, raw_histograms
from scomm.synth import tenprint_templates_batch

OUT = Path(__file__).resolve().parents[1] / "src/scomm/biometrics/search" / MODEL_FILE


def hellinger_of(seed: int, ids: list[int], impression: int) -> np.ndarray:
    prints = tenprint_templates_batch(seed, ids, impression)
    flat = [t[p] for t in prints for p in sorted(t)]
    return hellinger(raw_histograms(flat)).reshape(len(ids), 10, -1)


def separation(a: np.ndarray, b: np.ndarray, mean: np.ndarray, proj: np.ndarray) -> tuple[float, float]:
    """Per-finger d' and tenprint z of mates (a[i], b[i]) against non-mates."""
    def emb(x: np.ndarray) -> np.ndarray:
        v = (x - mean) @ proj
        return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)
    ea, eb = emb(a), emb(b)
    s = np.einsum("qfd,nfd->qnf", ea, eb)
    n = len(a)
    mate = np.eye(n, dtype=bool)
    finger_gen, finger_imp = s[mate], s[~mate]
    ten = s.sum(-1)
    d = (finger_gen.mean() - finger_imp.mean()) / finger_imp.std()
    z = (ten[mate].mean() - ten[~mate].mean()) / ten[~mate].std()
    return float(d), float(z)


def main() -> None:
    t0 = time.perf_counter()
    ids = list(range(P.FIT_FIRST_PERSON, P.FIT_FIRST_PERSON + P.FIT_PERSONS))
    a = hellinger_of(P.FIT_SEED, ids, 0)
    b = hellinger_of(P.FIT_SEED, ids, 1)
    x = np.concatenate([a, b]).reshape(-1, P.RAW_DESCRIPTOR_LENGTH)
    x = x[x.any(axis=1)]
    mean = x.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov((x - mean).T))
    order = np.argsort(values)[::-1][: P.DESCRIPTOR_LENGTH]
    proj = vectors[:, order] / np.maximum(values[order], 1e-12) ** (P.WHITENING_POWER / 2)
    proj /= np.abs(proj).max()  # scale is irrelevant (descriptors are normalised); keep float16 in range
    source = (f"half-whitened PCA (power {P.WHITENING_POWER}) of {len(x)} synthetic finger impressions, "
              f"scomm.synth seed {P.FIT_SEED}, persons {ids[0]}..{ids[-1]}, impressions 0 and 1")
    OUT.write_text(encode_model(mean, proj, source))
    held = list(range(P.FIT_FIRST_PERSON + 10 * P.FIT_PERSONS, P.FIT_FIRST_PERSON + 10 * P.FIT_PERSONS + 1000))
    ha, hb = hellinger_of(P.FIT_SEED + 1, held, 0), hellinger_of(P.FIT_SEED + 1, held, 1)
    eye = np.eye(P.RAW_DESCRIPTOR_LENGTH)
    print(f"wrote {OUT} in {time.perf_counter() - t0:.0f} s")
    print(f"{'descriptor':32s} {'finger d-prime':>15s} {'tenprint z':>11s}  (1,000 held-out persons)")
    for name, m, pr in (("raw Hellinger, uncentred", np.zeros_like(mean), eye),
                        ("centred", mean, eye),
                        ("fitted model (stored)", mean, proj.astype(np.float16).astype(np.float64))):
        d, z = separation(ha, hb, m, pr)
        print(f"{name:32s} {d:15.2f} {z:11.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
