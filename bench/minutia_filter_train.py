"""Train the learned minutia scorer (src/scomm/biometrics/minutia_filter.py) on synthetic images.

Ground truth comes from scomm's generator, never from the FVC / SFinGe sets:
each finger's true minutiae are read from its grown ridge field
(``scomm.synth.fidelity.ridge_minutiae``, i.e. what the images really show,
including the growth's own minutiae), moved into each impression's pixel frame
by the impression's geometry (``impression_of(...).forward``) and cut to the
contact area and the frame. A candidate from scomm's extractor is *true* when a
ground-truth minutia lies within 8 px and 45 degrees (the agreement rule of
bench/extractor_eval.py).

Persons are split: the first ``--train`` persons train, the rest validate. The
script prints training and validation log-loss and ROC AUC for a logistic
regression and a small MLP, next to the AUC of the hand-made reliability, and
writes the chosen model (``--out``). ``--transfer`` also prints the AUC of the
score against agreement with cached LEADER minutiae on the shared sets: a
diagnostic of how the synthetic training transfers, not used for fitting.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/minutia_filter_train.py \
        --out src/scomm/biometrics/data/minutia_filter.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from scipy import optimize

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

AGREE_PX = 8.0
AGREE_RAD = np.pi / 4
SEED = 20261123  # synthetic population for training (any seed the repo's tests do not pin)


def candidates(img: np.ndarray, ppi: int = 500) -> tuple[np.ndarray, np.ndarray] | None:
    """Candidate minutiae (x, y, angle, kind, hand-made reliability) and their scorer features."""
    from scomm.biometrics.extraction import enhanced_ridges, ridge_structure
    from scomm.biometrics.minutiae import filter_context, minutia_candidates, ridge_clarity
    from scomm.biometrics.skeleton import binarize, thin
    from scomm.errors import ImageError

    try:
        r = ridge_structure(img, ppi)
    except ImageError:
        return None
    period_map, normalized, enhanced = enhanced_ridges(r)
    skeleton = thin(binarize(enhanced, r.mask))
    clarity = ridge_clarity(enhanced, r.mask)
    ctx = filter_context(enhanced, normalized, r.mask, skeleton, period_map, r.period, clarity)
    m, f = minutia_candidates(skeleton, r.orientation, r.coherence, r.mask, clarity, ctx)
    assert f is not None
    return m, f


def degrade(img: np.ndarray, g: np.random.Generator) -> np.ndarray:
    """Damage of the kinds real prints show and the generator's images lack (it renders clean
    ridges): smudged (blurred, dark) and dry (broken, pale) patches, creases, sensor noise.
    The geometry is unchanged, so the ground truth still holds; the extractor then makes the
    false minutiae the scorer must learn to recognise."""
    from scipy import ndimage

    h, w = img.shape
    out = img.astype(np.float32)
    yy, xx = np.mgrid[:h, :w]
    for _ in range(g.integers(2, 6)):
        cy, cx = g.uniform(0.25, 0.75) * h, g.uniform(0.25, 0.75) * w
        ry, rx = g.uniform(25, 70), g.uniform(25, 70)
        blob = np.exp(-(((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2) ** 2).astype(np.float32)
        if g.random() < 0.5:  # wet smudge: ridges flow together
            other = ndimage.gaussian_filter(out, g.uniform(2.5, 5.0)) * g.uniform(0.5, 0.85)
        else:  # dry patch: ridges break up
            other = np.maximum(out, ndimage.gaussian_filter(g.uniform(120, 255, out.shape), 1.5)).astype(np.float32)
        out = (1 - blob) * out + blob * other
    for _ in range(g.integers(1, 4)):  # creases: pale lines across the ridges
        a, c = g.uniform(0, np.pi), g.uniform(0.3, 0.7) * np.array([h, w])
        dist = np.abs((yy - c[0]) * np.cos(a) - (xx - c[1]) * np.sin(a))
        out = np.where(dist < g.uniform(1.5, 4.0), np.maximum(out, 200), out)
    out += g.normal(0, g.uniform(5, 30), out.shape)
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def labels(m: np.ndarray, gx: np.ndarray, gy: np.ndarray, ga: np.ndarray) -> np.ndarray:
    if m.shape[0] == 0 or gx.size == 0:
        return np.zeros(m.shape[0], bool)
    d = np.hypot(m[:, None, 0] - gx[None, :], m[:, None, 1] - gy[None, :])
    da = np.abs(np.mod(m[:, None, 2] - ga[None, :] + np.pi, 2 * np.pi) - np.pi)
    return np.asarray(((d <= AGREE_PX) & (da <= AGREE_RAD)).any(axis=1))


def synthetic_dataset(persons: int, impressions: int, cache: Path) -> dict[str, np.ndarray]:
    """Features, labels and group (person) of every candidate in the synthetic images."""
    if cache.exists():
        return dict(np.load(cache))
    from scomm.biometrics.template import FingerPosition, ImpressionType
    from scomm.synth import impression_of, make_person, render_impression
    from scomm.synth.fidelity import ridge_minutiae
    from scomm.synth.rendering import master_image

    feats, labs, groups, rels, imgs = [], [], [], [], []
    t0 = time.time()
    n_img = 0
    for pid in range(persons):
        person = make_person(SEED, pid)
        for pos in (pid % 10 + 1, (pid + 5) % 10 + 1):
            position = FingerPosition(pos)
            master = ridge_minutiae(person.master(position), master_image(person, position))
            for k in range(impressions):
                # mostly plain livescan impressions (like the evaluation sets), one rolled a finger
                kind = ImpressionType.LIVESCAN_ROLLED if k == impressions - 1 else ImpressionType.LIVESCAN_PLAIN
                img = render_impression(person, position, k, kind)
                if k % 5 in (1, 2, 3):  # three impressions of five damaged
                    img = degrade(img, np.random.default_rng([SEED, pid, pos, k]))
                imp = impression_of(person, position, k, kind)
                inside = imp.in_contact(master.mx, master.my, master)
                gx, gy, ga = imp.forward(master.mx[inside], master.my[inside], master.mangle[inside])
                frame = (gx >= 0) & (gy >= 0) & (gx < imp.width) & (gy < imp.height)
                got = candidates(img)
                if got is None:
                    continue
                m, f = got
                feats.append(f)
                labs.append(labels(m, gx[frame], gy[frame], ga[frame]))
                groups.append(np.full(m.shape[0], pid))
                rels.append(m[:, 4])
                imgs.append(np.full(m.shape[0], n_img))
                n_img += 1
        print(f"  person {pid + 1}/{persons}: {n_img} images, {sum(len(x) for x in labs)} candidates, "
              f"{time.time() - t0:.0f} s", flush=True)
    data = {"x": np.concatenate(feats), "y": np.concatenate(labs).astype(np.float64),
            "group": np.concatenate(groups), "rel": np.concatenate(rels), "image": np.concatenate(imgs)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, **data)
    return data


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC by ranks (ties averaged)."""
    from scipy.stats import rankdata

    pos = y > 0.5
    r = rankdata(score)
    n1, n0 = int(pos.sum()), int((~pos).sum())
    return float((r[pos].sum() - n1 * (n1 + 1) / 2) / max(n1 * n0, 1))


def fit(x: np.ndarray, y: np.ndarray, hidden: int, l2: float, seed: int):  # type: ignore[no-untyped-def]
    """Logistic regression (hidden=0) or a tanh MLP, L-BFGS on the mean log-loss + L2."""
    from scomm.biometrics.minutia_filter import MinutiaModel

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    n, d = z.shape
    g = np.random.default_rng(seed)
    if hidden == 0:
        theta0 = np.zeros(d + 1)
    else:
        theta0 = np.concatenate([g.normal(0, 1 / np.sqrt(d), d * hidden), np.zeros(hidden),
                                 g.normal(0, 1 / np.sqrt(hidden), hidden), [0.0]])

    def unpack(t: np.ndarray):  # type: ignore[no-untyped-def]
        if hidden == 0:
            return t[:d].reshape(d, 1), t[d:d + 1], np.zeros(0), 0.0
        w1 = t[:d * hidden].reshape(d, hidden)
        b1 = t[d * hidden:d * hidden + hidden]
        w2 = t[d * hidden + hidden:d * hidden + 2 * hidden]
        return w1, b1, w2, float(t[-1])

    def loss(t: np.ndarray) -> tuple[float, np.ndarray]:
        w1, b1, w2, b2 = unpack(t)
        if hidden == 0:
            logit = z @ w1[:, 0] + b1[0]
        else:
            hid = np.tanh(z @ w1 + b1)
            logit = hid @ w2 + b2
        p = 1 / (1 + np.exp(-logit))
        ll = float(np.mean(np.logaddexp(0, logit) - y * logit))
        dl = (p - y) / n
        if hidden == 0:
            grad = np.concatenate([z.T @ dl, [dl.sum()]])
            wsq = w1
        else:
            dh = np.outer(dl, w2) * (1 - hid ** 2)
            grad = np.concatenate([(z.T @ dh).ravel(), dh.sum(axis=0), hid.T @ dl, [dl.sum()]])
            wsq = np.concatenate([w1.ravel(), w2])
        reg = l2 * float(np.sum(wsq ** 2))
        greg = np.zeros_like(t)
        if hidden == 0:
            greg[:d] = 2 * l2 * t[:d]
        else:
            greg[:d * hidden] = 2 * l2 * t[:d * hidden]
            greg[d * hidden + hidden:d * hidden + 2 * hidden] = 2 * l2 * t[d * hidden + hidden:d * hidden + 2 * hidden]
        return ll + reg, grad + greg

    res = optimize.minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    w1, b1, w2, b2 = unpack(res.x)
    return MinutiaModel(mean, scale, w1, np.atleast_1d(b1), w2, b2)


def logloss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def transfer(model, cache: Path) -> None:  # type: ignore[no-untyped-def]
    """AUC of the score against agreement with LEADER's minutiae on the shared sets (diagnostic only)."""
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder

    for s in ("fvc2002-db2b", "sfinge-db4b"):
        leader = json.loads((cache / f"{s}.json").read_text())
        sc, rel, lab = [], [], []
        for (f, i), path in read_fvc_folder(Path("../shared/data") / s).items():
            got = candidates(load_at_500ppi(path))
            row = leader.get(f"{f}_{i}")
            if got is None or row is None:
                continue
            m, feats = got
            lab.append(labels(m, np.asarray(row[0]), np.asarray(row[1]), np.asarray(row[2])))
            sc.append(model.score(feats))
            rel.append(m[:, 4])
        y = np.concatenate(lab).astype(float)
        print(f"transfer {s}: candidates {y.size}, agree with LEADER {y.mean():.2f}; AUC against that: "
              f"learned {auc(np.concatenate(sc), y):.3f}, hand-made reliability {auc(np.concatenate(rel), y):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=40)
    parser.add_argument("--impressions", type=int, default=5)
    parser.add_argument("--train", type=int, default=30, help="persons used for training (the rest validate)")
    parser.add_argument("--hidden", type=int, default=None, help="force the MLP width (0: logistic regression)")
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--data", type=Path, default=None,
                        help="cache of the extracted candidates (default: a /tmp file named after the settings)")
    parser.add_argument("--border-px", type=int, default=None,
                        help="look for candidates down to this distance from the mask border (BORDER_CANDIDATE_PX)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--transfer", action="store_true")
    parser.add_argument("--leader-cache", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "scomm-bench" / "leader")
    args = parser.parse_args()
    from scomm.biometrics import parameters as P

    if args.border_px is not None:
        P.BORDER_CANDIDATE_PX = args.border_px
    cache = args.data or Path(f"/tmp/minutia_filter_data_b{P.BORDER_CANDIDATE_PX}_{args.persons}x{args.impressions}.npz")
    data = synthetic_dataset(args.persons, args.impressions, cache)
    x, y, grp = data["x"], data["y"], data["group"]
    tr, va = grp < args.train, grp >= args.train
    print(f"candidates: train {tr.sum()} ({y[tr].mean():.2f} true), validation {va.sum()} ({y[va].mean():.2f} true); "
          f"{len(np.unique(data['image']))} images")
    print(f"hand-made reliability: AUC train {auc(data['rel'][tr], y[tr]):.3f}, validation {auc(data['rel'][va], y[va]):.3f}")
    best = None
    for hidden in ([args.hidden] if args.hidden is not None else [0, 4, 8]):
        model = fit(x[tr], y[tr], hidden, args.l2, seed=hidden)
        ptr, pva = model.score(x[tr]), model.score(x[va])
        print(f"hidden {hidden}: log-loss train {logloss(ptr, y[tr]):.4f} validation {logloss(pva, y[va]):.4f}; "
              f"AUC train {auc(ptr, y[tr]):.3f} validation {auc(pva, y[va]):.3f}", flush=True)
        if best is None or logloss(pva, y[va]) < best[0] - 0.002:  # prefer the smaller model unless clearly better
            best = (logloss(pva, y[va]), hidden, model)
    assert best is not None
    _, hidden, model = best
    print(f"chosen: hidden {hidden}")
    if hidden == 0:
        from scomm.biometrics.minutia_filter import FEATURE_NAMES

        for name, w in sorted(zip(FEATURE_NAMES, model.w1[:, 0], strict=True), key=lambda t: -abs(t[1])):
            print(f"  {name:18s} {w:+.3f}")
    # refit the chosen size on all persons for the shipped model
    final = fit(x, y, hidden, args.l2, seed=hidden)
    if args.transfer:
        transfer(final, args.leader_cache)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(final.to_json(trained_on=f"scomm.synth seed {SEED}, {args.persons} persons x 2 fingers x "
                                          f"{args.impressions} impressions, {x.shape[0]} candidates",
                                          script="bench/minutia_filter_train.py", hidden=hidden, l2=args.l2) + "\n")
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
