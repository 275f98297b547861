"""Impressions: where and how a finger touched the sensor.

One ImpressionParams, drawn from the impression's own random stream, drives both
fidelities: the template path moves the master's minutiae with ``forward`` and the image
path samples the master ridges through ``inverse``, so a template and an image of the
same impression agree minutia for minutia.

The geometric model, in the master frame (y up):

1. plastic distortion (Cappelli, Maio & Maltoni 2001): points in the close-contact
   ellipse stay, points outside the transition band move by a small rigid transform,
   the band blends the two with a raised-cosine brake;
2. a rigid placement: rotation about the contact centre, then translation so the contact
   centre lands near the frame centre;
3. the frame: image x = W/2 + X, image y = H/2 - Y (image y points down).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.template import ImpressionType
from scomm.synth import parameters as P
from scomm.synth.master import Master

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Geometry:
    """The geometric part of one or many impressions; each field is a scalar or an array
    holding, for every point, the value of the impression it belongs to."""

    cu: Array | float
    cv: Array | float
    au: Array | float
    av: Array | float
    rotation: Array | float
    su: Array | float
    sv: Array | float
    drotation: Array | float
    dsu: Array | float
    dsv: Array | float
    half_w: Array | float
    half_h: Array | float

    def distort(self, u: Array, v: Array) -> tuple[Array, Array, Array]:
        """Plastic distortion: returns moved points and the brake (0 inside, 1 outside)."""
        du, dv = u - self.cu, v - self.cv
        r = np.sqrt((du / self.au) ** 2 + (dv / self.av) ** 2)
        t = np.clip((r - P.DISTORTION_CORE_SCALE) / P.DISTORTION_BAND, 0.0, 1.0)
        b = 0.5 * (1.0 - np.cos(np.pi * t))
        c, s = np.cos(self.drotation), np.sin(self.drotation)
        tu = c * du - s * dv + self.dsu - du
        tv = s * du + c * dv + self.dsv - dv
        return u + b * tu, v + b * tv, b

    def forward(self, u: Array, v: Array, angle: Array) -> tuple[Array, Array, Array]:
        du, dv, b = self.distort(u, v)
        du = du - self.cu
        dv = dv - self.cv
        c, s = np.cos(self.rotation), np.sin(self.rotation)
        x = self.half_w + c * du - s * dv + self.su
        y = self.half_h - (s * du + c * dv + self.sv)
        a = np.mod(angle + self.rotation + b * self.drotation, 2 * np.pi)
        return x, y, a


def is_rolled(kind: ImpressionType) -> bool:
    return kind in (ImpressionType.LIVESCAN_ROLLED, ImpressionType.NONLIVE_ROLLED)


@dataclass(frozen=True)
class ImpressionParams:
    """Everything random about one impression of one finger."""

    kind: ImpressionType
    width: int
    height: int
    centre: Array            # contact centre, master frame
    axes: Array              # contact ellipse half-axes
    rotation: float          # placement rotation (rad, counter-clockwise)
    shift: Array             # frame offset of the contact centre from the frame centre (px)
    distortion_rotation: float
    distortion_shift: Array
    skin: float              # 0 very dry .. 1 very wet
    pressure: float          # 0 light .. 1 heavy
    noise: float             # sensor noise sd, grey levels of a 0..1 image
    quality: int

    @property
    def bad_skin(self) -> float:
        return abs(2.0 * self.skin - 1.0)

    # --- geometry --------------------------------------------------------
    def _geometry(self) -> Geometry:
        return Geometry(self.centre[0], self.centre[1], self.axes[0], self.axes[1], self.rotation,
                        self.shift[0], self.shift[1], self.distortion_rotation,
                        self.distortion_shift[0], self.distortion_shift[1],
                        0.5 * self.width, 0.5 * self.height)

    def forward(self, u: Array, v: Array, angle: Array) -> tuple[Array, Array, Array]:
        """Master-frame points and angles to image pixels (x right, y down) and angles."""
        return self._geometry().forward(u, v, angle)

    def inverse(self, x: Array, y: Array, iterations: int = 4) -> tuple[Array, Array]:
        """Image pixels to master-frame points (the distortion inverted by fixed point)."""
        X = x - 0.5 * self.width - self.shift[0]
        Y = (0.5 * self.height - y) - self.shift[1]
        c, s = np.cos(self.rotation), np.sin(self.rotation)
        qu = self.centre[0] + c * X + s * Y
        qv = self.centre[1] - s * X + c * Y
        u, v = qu, qv
        geo = self._geometry()
        for _ in range(iterations):
            du, dv, _b = geo.distort(u, v)
            u, v = u + (qu - du), v + (qv - dv)
        return u, v

    def in_contact(self, u: Array, v: Array, master: Master, margin: float = 0.0) -> NDArray[np.bool_]:
        """Whether master-frame points touched the sensor (``margin`` px inside the edge)."""
        ru = np.maximum(self.axes[0] - margin, 1.0)
        rv = np.maximum(self.axes[1] - margin, 1.0)
        ell = ((u - self.centre[0]) / ru) ** 2 + ((v - self.centre[1]) / rv) ** 2 <= 1.0
        shrink = 1.0 - margin / master.half_width
        return ell & master.inside(u, v, shrink)


def impression_params(master: Master, g: np.random.Generator, kind: ImpressionType,
                      size: tuple[int, int] = P.DEFAULT_SIZE) -> ImpressionParams:
    """Draw one impression of ``master`` from generator ``g``."""
    rolled = is_rolled(kind)
    if rolled:
        centre = np.array([g.normal(0.0, 6.0), g.normal(0.1 * master.half_height, 10.0)])
        scale = g.uniform(*P.ROLLED_CONTACT_SCALE, size=2)
        rot_sd, shift_sd = P.ROLLED_ROTATION_SD, P.ROLLED_TRANSLATION_SD
    else:
        anchor = master.cores.mean(axis=0) if len(master.cores) else np.array([0.0, 0.0])
        centre = anchor + g.normal(0.0, P.PLAIN_CONTACT_CENTRE_SD, 2)
        scale = g.uniform(*P.PLAIN_CONTACT_SCALE, size=2)
        rot_sd, shift_sd = P.PLAIN_ROTATION_SD, P.PLAIN_TRANSLATION_SD
    axes = np.array([master.half_width, master.half_height]) * scale
    rotation = float(np.clip(g.normal(0.0, rot_sd), -P.ROTATION_LIMIT, P.ROTATION_LIMIT))
    shift = g.normal(0.0, shift_sd, 2)
    drot = float(g.normal(0.0, P.DISTORTION_ROTATION_SD))
    dshift = g.normal(0.0, P.DISTORTION_SHIFT_SD, 2)
    skin = float(g.beta(*P.SKIN_BETA))
    pressure = float(g.uniform(0.0, 1.0))
    noise = float(g.uniform(0.02, 0.08))
    bad = abs(2.0 * skin - 1.0)
    q = 92.0 - 40.0 * bad ** 2 - 15.0 * abs(rotation) / P.ROTATION_LIMIT + g.normal(0.0, 4.0)
    return ImpressionParams(kind, int(size[0]), int(size[1]), centre, axes, rotation, shift,
                            drot, dshift, skin, pressure, noise, int(np.clip(round(q), 10, 99)))
