"""Pattern classes of a person's ten fingers and the singular points each class implies.

Classes follow real-world frequencies (see parameters.CLASS_FREQUENCY) and are
correlated within a person: each person has a dominant class that most fingers repeat,
loops open toward the little finger (ulnar) on most fingers of each hand, and each finger
position has its own leaning (whorls on thumbs and ring fingers, arches on index fingers).

Coordinates are the master frame: finger centre at the origin, x to the right of the
print, y toward the fingertip (up), pixels at 500 ppi.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.template import FingerPosition
from scomm.synth import parameters as P


class PatternClass(IntEnum):
    """The five NIST/Henry classes the generator draws from."""

    ARCH = 1
    TENTED_ARCH = 2
    LEFT_LOOP = 3
    RIGHT_LOOP = 4
    WHORL = 5


# General kinds (loops merged): the person-level trait.
_GENERAL = ("arch", "tented_arch", "loop", "whorl")


def _general_prior() -> NDArray[np.float64]:
    f = P.CLASS_FREQUENCY
    p = np.array([f["arch"], f["tented_arch"], f["left_loop"] + f["right_loop"], f["whorl"]])
    return p / p.sum()


_GENERAL_PRIOR = _general_prior()
_GENERAL_CDF = np.cumsum(_GENERAL_PRIOR)
_FINGER_CDF = [np.cumsum(_GENERAL_PRIOR * f) / np.sum(_GENERAL_PRIOR * f) for f in P.FINGER_CLASS_FACTORS]


def _pick(r: float, cdf: NDArray[np.float64]) -> int:
    return min(int(np.searchsorted(cdf, r, side="right")), len(cdf) - 1)


def finger_index(position: FingerPosition) -> int:
    """0 = thumb .. 4 = little, for either hand."""
    return (int(position) - 1) % 5


def is_right_hand(position: FingerPosition) -> bool:
    return 1 <= int(position) <= 5


def dominant_general_class(rng: np.random.Generator) -> int:
    """The person's dominant general class (0 arch, 1 tented, 2 loop, 3 whorl)."""
    return _pick(rng.random(), _GENERAL_CDF)


def finger_class(rng: np.random.Generator, position: FingerPosition, dominant: int) -> PatternClass:
    """Draw one finger's class, repeating the person's dominant class often."""
    idx = finger_index(position)
    r = rng.random(3)
    general = dominant if r[0] < P.PERSON_CLASS_REPEAT else _pick(r[1], _FINGER_CDF[idx])
    ulnar = r[2] < P.ULNAR_LOOP_SHARE[idx]
    if general == 0:
        return PatternClass.ARCH
    if general == 1:
        return PatternClass.TENTED_ARCH
    if general == 3:
        return PatternClass.WHORL
    # On the print of a right hand the little finger is on the right: an ulnar loop of the
    # right hand opens to the right (a right loop), of the left hand to the left.
    opens_right = ulnar == is_right_hand(position)
    return PatternClass.RIGHT_LOOP if opens_right else PatternClass.LEFT_LOOP


def _n(rng: np.random.Generator, ms: tuple[float, float]) -> float:
    return float(rng.normal(ms[0], ms[1]))


def singular_points(rng: np.random.Generator, cls: PatternClass,
                    half_width: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Cores and deltas (each (k, 2), master frame) for a finger of class ``cls``.

    A loop's delta lies on the side opposite its opening: a left loop (ridges enter and
    leave on the left) has its delta to the lower right of the core.
    """
    scale = half_width / P.FINGER_HALF_WIDTH[0]
    core = np.array([_n(rng, P.CORE_OFFSET[0]), _n(rng, P.CORE_OFFSET[1])]) * scale
    empty = np.zeros((0, 2))
    if cls == PatternClass.ARCH:
        return empty, empty
    if cls == PatternClass.TENTED_ARCH:
        delta = core + np.array([rng.normal(0, 5.0), -abs(_n(rng, P.TENTED_DELTA_DY))]) * scale
        return core[None, :], delta[None, :]
    if cls in (PatternClass.LEFT_LOOP, PatternClass.RIGHT_LOOP):
        side = 1.0 if cls == PatternClass.LEFT_LOOP else -1.0
        delta = core + np.array([side * abs(_n(rng, P.LOOP_DELTA_DX)),
                                 -abs(_n(rng, P.LOOP_DELTA_DY))]) * scale
        return core[None, :], delta[None, :]
    gap = abs(_n(rng, P.WHORL_CORE_GAP)) * scale
    tilt = rng.normal(0.0, 0.5)
    off = 0.5 * gap * np.array([np.sin(tilt), np.cos(tilt)])
    cores = np.stack([core + off, core - off])
    deltas = np.stack([
        core + np.array([-abs(_n(rng, P.WHORL_DELTA_DX)), -abs(_n(rng, P.WHORL_DELTA_DY))]) * scale,
        core + np.array([abs(_n(rng, P.WHORL_DELTA_DX)), -abs(_n(rng, P.WHORL_DELTA_DY))]) * scale,
    ])
    return cores, deltas
