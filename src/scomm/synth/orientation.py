"""Ridge orientation fields consistent with a finger's singular points.

The zero-pole model of Sherlock & Monro (1993): the ridge orientation at z is
theta0 + 1/2 (sum of arg(z - core) - sum of arg(z - delta)), which winds by +pi around
a core and -pi around a delta. Plain arches have no singular points and get an analytic
arch profile instead. A smooth low-order random perturbation gives each finger its own
flow (the bare model is too regular, cf. Vizcaya & Gerhardt 1996).

Angles are in the template convention: counter-clockwise from the x axis with y up
(the master frame), which is the image convention of scomm.biometrics.template.

Fields of many fingers are evaluated together (``OrientationStack``): galleries of
millions of fingers cannot afford a Python call per finger per step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scomm.synth import parameters as P

Array = NDArray[np.float64]
MAX_SINGULAR = 2   # cores (and deltas) per finger: whorls have two


@dataclass(frozen=True)
class OrientationModel:
    """Everything needed to evaluate a finger's orientation field anywhere."""

    cores: Array            # (k, 2) master frame
    deltas: Array           # (m, 2)
    arch_amplitude: float   # > 0 only for plain arches
    arch_width: float
    arch_centre: Array      # (2,)
    wave: Array             # (3, 4): kx, ky, phase, amplitude of the perturbation terms

    def at(self, u: Array, v: Array) -> Array:
        """Orientation (radians, modulo pi, in [0, pi)) at points (u, v) of the master frame."""
        stack = OrientationStack.of([self])
        u = np.asarray(u, dtype=np.float64)
        v = np.asarray(v, dtype=np.float64)
        shape = np.broadcast(u, v).shape
        uu = np.broadcast_to(u, shape).ravel()
        vv = np.broadcast_to(v, shape).ravel()
        return stack.at(np.zeros(uu.shape[0], dtype=np.intp), uu, vv).reshape(shape)


@dataclass(frozen=True)
class OrientationStack:
    """The orientation models of many fingers as padded arrays."""

    sing: Array     # (F, 2 * MAX_SINGULAR, 2) cores then deltas, padded
    weight: Array   # (F, 2 * MAX_SINGULAR): +1/2 core, -1/2 delta, 0 padding
    arch: Array     # (F, 4): amplitude, width, centre x, centre y
    wave: Array     # (F, 3, 4)

    @classmethod
    def of(cls, models: Sequence[OrientationModel]) -> OrientationStack:
        f = len(models)
        sing = np.zeros((f, 2 * MAX_SINGULAR, 2))
        weight = np.zeros((f, 2 * MAX_SINGULAR))
        arch = np.zeros((f, 4))
        wave = np.zeros((f, 3, 4))
        for i, m in enumerate(models):
            nc, nd = len(m.cores), len(m.deltas)
            sing[i, :nc] = m.cores
            weight[i, :nc] = 0.5
            sing[i, MAX_SINGULAR:MAX_SINGULAR + nd] = m.deltas
            weight[i, MAX_SINGULAR:MAX_SINGULAR + nd] = -0.5
            arch[i] = (m.arch_amplitude, m.arch_width, m.arch_centre[0], m.arch_centre[1])
            wave[i] = m.wave
        return cls(sing, weight, arch, wave)

    def at(self, finger: NDArray[np.intp], u: Array, v: Array, wrap: bool = True) -> Array:
        """Orientation modulo pi at points (u, v), point i belonging to finger ``finger[i]``.

        With ``wrap=False`` the angle is left unwrapped: a direction field that is continuous
        except across rays from the singular points (the branch cuts of arctan2).
        """
        s = self.sing[finger]
        theta = (self.weight[finger] * np.arctan2(v[:, None] - s[:, :, 1], u[:, None] - s[:, :, 0])).sum(axis=1)
        a = self.arch[finger]
        du = (u - a[:, 2]) / a[:, 1]
        dv = (v - a[:, 3]) / (2.2 * a[:, 1])
        theta += np.arctan(a[:, 0] / a[:, 1] * (-2.0 * du) * np.exp(-du * du - dv * dv))
        w = self.wave[finger]
        theta += (w[:, :, 3] * np.sin(w[:, :, 0] * u[:, None] + w[:, :, 1] * v[:, None] + w[:, :, 2])).sum(axis=1)
        return np.mod(theta, np.pi) if wrap else theta


def orientation_model(rng: np.random.Generator, cores: Array, deltas: Array,
                      is_arch: bool) -> OrientationModel:
    """Draw the free parameters of a finger's orientation field around its singular points."""
    k = 2 * np.pi / P.ORIENTATION_PERTURBATION_SCALE
    r = rng.normal(0.0, 1.0, (4, 3))
    wave = np.column_stack([r[0] * k, r[1] * k, rng.uniform(0, 2 * np.pi, 3),
                            r[3] * (P.ORIENTATION_PERTURBATION / np.sqrt(3.0))])
    if is_arch:
        amp = max(8.0, float(rng.normal(*P.ARCH_AMPLITUDE)))
        width = max(50.0, float(rng.normal(*P.ARCH_WIDTH)))
        centre = np.array([rng.normal(0.0, 12.0), rng.normal(0.0, 20.0)])
    else:
        amp, width, centre = 0.0, 1.0, np.zeros(2)
    return OrientationModel(cores, deltas, amp, width, centre, wave)
