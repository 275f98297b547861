"""Small simulated tenprints for search tests: random minutiae and a distorted re-take.

A mate is the same minutiae rotated, shifted, jittered, with some lost and some
spurious ones added, seen through a window, which is what a second impression
of the same finger does to a template.
"""

from __future__ import annotations

import numpy as np

from scomm.biometrics.template import FingerPosition, Template

WIDTH, HEIGHT = 416, 512


def finger(rng: np.random.Generator, n: int = 45) -> np.ndarray:
    """Random minutiae (n, 3) spread over a finger-sized area, at least 10 px apart."""
    pts: list[tuple[float, float, float]] = []
    while len(pts) < n:
        x, y = rng.uniform(30, WIDTH - 30), rng.uniform(30, HEIGHT - 30)
        if all((x - p[0]) ** 2 + (y - p[1]) ** 2 > 100 for p in pts):
            pts.append((x, y, rng.uniform(0, 2 * np.pi)))
    return np.array(pts)


def impression(rng: np.random.Generator, master: np.ndarray, position: int, quality: int = 60,
               rotate: float = 0.35, shift: float = 30.0, jitter: float = 3.0,
               drop: float = 0.2, spurious: float = 0.15) -> Template:
    """One impression of ``master``: rigid move, jitter, missed and spurious minutiae."""
    theta = rng.uniform(-rotate, rotate)
    c, s = np.cos(theta), np.sin(theta)
    cx, cy = WIDTH / 2, HEIGHT / 2
    x = c * (master[:, 0] - cx) - s * (master[:, 1] - cy) + cx + rng.uniform(-shift, shift)
    y = s * (master[:, 0] - cx) + c * (master[:, 1] - cy) + cy + rng.uniform(-shift, shift)
    x = x + rng.normal(0, jitter, len(x))
    y = y + rng.normal(0, jitter, len(y))
    a = master[:, 2] + theta + rng.normal(0, 0.1, len(x))
    keep = (rng.random(len(x)) > drop) & (x > 0) & (x < WIDTH) & (y > 0) & (y < HEIGHT)
    n_sp = rng.poisson(spurious * len(x))
    sp = finger(rng, n_sp) if n_sp else np.zeros((0, 3))
    m = np.concatenate([np.stack([x[keep], y[keep], a[keep]], axis=1), sp])
    rel = np.full(len(m), 0.8)
    kind = np.ones(len(m))
    return Template.from_minutiae(np.column_stack([m, kind, rel]), WIDTH, HEIGHT, quality=quality,
                                  position=FingerPosition(position))


def person(seed: int) -> dict[int, np.ndarray]:
    """Ten master fingers of one simulated person."""
    rng = np.random.default_rng(seed)
    return {p: finger(rng, int(rng.integers(30, 60))) for p in range(1, 11)}


def tenprint(seed: int, take: int, fingers: tuple[int, ...] = tuple(range(1, 11))) -> dict[FingerPosition, Template]:
    """Impression number ``take`` of the simulated person ``seed``."""
    masters = person(seed)
    rng = np.random.default_rng((seed, take))
    return {FingerPosition(p): impression(rng, masters[p], p, quality=int(rng.integers(30, 95))) for p in fingers}
