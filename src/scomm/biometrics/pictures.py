"""Pictures of every extraction stage, to see why two prints matched or did not.

``save_pictures(extract_features(image, ppi), folder)`` writes one PNG a stage,
named after the stage's module (mask, orientation, enhanced, ridges,
skeleton with minutiae, and the ridge-flow grid the template carries), in the
spirit of SourceAFIS's transparency logs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from scomm.biometrics import parameters as P
from scomm.biometrics.extraction import Features
from scomm.biometrics.flow import FLOW_COS2, FLOW_SIN2, FLOW_WEIGHT, flow_grid
from scomm.biometrics.template import MinutiaKind


def _grey(values: NDArray[np.generic]) -> NDArray[np.uint8]:
    v = np.asarray(values, dtype=np.float64)
    lo, hi = float(v.min()), float(v.max())
    return np.zeros(v.shape, np.uint8) if hi <= lo else ((v - lo) * (255.0 / (hi - lo))).astype(np.uint8)


def minutiae_picture(features: Features) -> NDArray[np.uint8]:
    """RGB picture: the image, its skeleton in red, endings green, bifurcations blue, directions yellow."""
    img = np.clip(features.image, 0, 255).astype(np.uint8)
    rgb = np.stack([img] * 3, axis=-1)
    rgb[~features.mask] //= 2
    rgb[features.skeleton] = (255, 80, 80)
    h, w = img.shape
    for x, y, angle, kind, _ in features.minutiae:
        for step in range(1, 12):
            xx, yy = int(np.rint(x + step * np.cos(angle))), int(np.rint(y - step * np.sin(angle)))
            if 0 <= xx < w and 0 <= yy < h:
                rgb[yy, xx] = (255, 255, 0)
        colour = (0, 220, 0) if kind == MinutiaKind.ENDING else (0, 80, 255)
        rgb[max(0, int(y) - 2) : int(y) + 3, max(0, int(x) - 2) : int(x) + 3] = colour
    return rgb


def flow_picture(features: Features) -> NDArray[np.uint8]:
    """RGB picture of the ridge-flow grid as the template stores it: a segment a cell along the ridge
    orientation, brighter cyan where the orientation is more coherent (it weighs more in comparison)."""
    img = np.clip(features.image, 0, 255).astype(np.uint8) // 2
    rgb = np.stack([img] * 3, axis=-1)
    grid = flow_grid(features.orientation, features.coherence, features.mask)
    cell = P.FLOW_CELL_PX
    h, w = img.shape
    for r, c in zip(*np.nonzero(grid)):
        code = grid[r, c]
        theta = np.arctan2(FLOW_SIN2[code], FLOW_COS2[code]) / 2  # template convention: y up
        colour = np.array([0, 255, 255]) * (0.35 + 0.65 * FLOW_WEIGHT[code])
        cx, cy = c * cell + cell // 2, r * cell + cell // 2
        for t in np.linspace(-0.4 * cell, 0.4 * cell, cell):
            xx, yy = int(np.rint(cx + t * np.cos(theta))), int(np.rint(cy - t * np.sin(theta)))
            if 0 <= xx < w and 0 <= yy < h:
                rgb[yy, xx] = colour.astype(np.uint8)
    return rgb


def save_pictures(features: Features, folder: Path) -> list[Path]:
    """Write one PNG a stage into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stages: dict[str, NDArray[np.uint8]] = {
        "image": _grey(features.image),
        "segmentation": (features.mask * 255).astype(np.uint8),
        "orientation": _grey(features.orientation),
        "coherence": _grey(features.coherence),
        "enhancement": _grey(-features.enhanced),
        "skeleton": ((~features.skeleton) * 255).astype(np.uint8),
        "minutiae": minutiae_picture(features),
        "flow": flow_picture(features),
    }
    paths = []
    for name, picture in stages.items():
        path = folder / f"{name}.png"
        Image.fromarray(picture).save(path)
        paths.append(path)
    return paths
