"""Master ridge images grown by iterative Gabor filtering around the master's minutiae.

As in SFinGe (Cappelli, Maio & Maltoni), ridges are grown from seeds by repeatedly
filtering with a Gabor filter tuned, pixel by pixel, to the local orientation and ridge
period. Here the seeds are the master's own minutiae: each is painted as a phase spiral
(cos(2 pi n / T + s arg(t + i n)), a ridge ending; its negative, a bifurcation) and kept
pinned while the filtering fills the rest of the finger, so the ridges carry the minutiae
the template path reports. Where growth fronts meet out of phase, the filtering makes
a few extra minutiae of its own, as real skin does.

The ridge field is a float image in [-1, 1], +1 on ridge centres, on a canvas centred on
the finger (master frame: canvas x = W/2 + u, canvas y = H/2 - v).
"""

from __future__ import annotations

from functools import lru_cache

import numba
import numpy as np
from numpy.typing import NDArray

from scomm.synth import parameters as P
from scomm.synth.master import Master

Array = NDArray[np.float64]
F32 = NDArray[np.float32]

_PERIODS = np.linspace(P.RIDGE_PERIOD_LIMITS[0], P.RIDGE_PERIOD_LIMITS[1], 10)
_RADIUS = 8


@lru_cache(maxsize=1)
def _bank() -> F32:
    """Even Gabor kernels, (orientation bin, period bin, 2R+1, 2R+1), zero-mean, unit L1."""
    n = P.GABOR_ORIENTATIONS * 2
    r = np.arange(-_RADIUS, _RADIUS + 1, dtype=np.float64)
    yy, xx = np.meshgrid(r, r, indexing="ij")
    out = np.zeros((n, len(_PERIODS), 2 * _RADIUS + 1, 2 * _RADIUS + 1), dtype=np.float32)
    for i in range(n):
        th = np.pi * i / n                       # ridge direction, counter-clockwise, y up
        nx, ny = -np.sin(th), -np.cos(th)        # ridge normal in canvas (y down) coordinates
        d = xx * nx + yy * ny
        env = np.exp(-(xx * xx + yy * yy) / (2 * P.GABOR_SIGMA ** 2))
        for j, t in enumerate(_PERIODS):
            k = env * np.cos(2 * np.pi * d / t)
            k -= env * (k.sum() / env.sum())
            out[i, j] = (k / np.abs(k).sum()).astype(np.float32)
    return out


@numba.njit(cache=True, nogil=True, parallel=True)
def _filter(img: F32, obin: NDArray[np.int16], pbin: NDArray[np.int16], mask: NDArray[np.bool_],
            bank: F32, out: F32) -> None:  # pragma: no cover - compiled
    h, w = img.shape
    r = (bank.shape[2] - 1) // 2
    for y in numba.prange(h):
        for x in range(w):
            if not mask[y, x]:
                out[y, x] = 0.0
                continue
            k = bank[obin[y, x], pbin[y, x]]
            acc = 0.0
            for dy in range(-r, r + 1):
                yy = y + dy
                if yy < 0 or yy >= h:
                    continue
                for dx in range(-r, r + 1):
                    xx = x + dx
                    if xx < 0 or xx >= w:
                        continue
                    acc += k[dy + r, dx + r] * img[yy, xx]
            out[y, x] = acc


def canvas_size(master: Master) -> tuple[int, int]:
    """(width, height) of the master's canvas: the finger plus a margin, even sizes."""
    w = 2 * int(np.ceil(master.half_width + 24))
    h = 2 * int(np.ceil(master.half_height + 24))
    return w, h


def canvas_grid(master: Master) -> tuple[Array, Array]:
    """Master-frame coordinates (u, v) of every canvas pixel."""
    w, h = canvas_size(master)
    u = np.arange(w, dtype=np.float64) - w / 2 + 0.5
    v = h / 2 - 0.5 - np.arange(h, dtype=np.float64)
    return np.meshgrid(u, v)


def _seed_pattern(master: Master, u: Array, v: Array) -> tuple[Array, Array]:
    """Painted minutiae (value) and how firmly each pixel is pinned (weight, 0..1).

    Minutia i is the phase spiral cos(phase_i + k nu_i . d + charge_i (arg d - flow_i)),
    with the phases the master synchronised so that neighbouring spirals meet in step.
    """
    value = np.zeros(u.shape)
    weight = np.zeros(u.shape)
    h, w = u.shape
    radius = P.SEED_RADIUS * master.period
    ri = int(np.ceil(radius)) + 1
    period = master.period_at(master.mx, master.my)
    for mx, my, a, ph, ch, t in zip(master.mx, master.my, master.mangle, master.mphase,
                                    master.mcharge, period, strict=True):
        flow = a - np.pi * (ch < 0)
        cx = int(np.rint(mx + w / 2 - 0.5))
        cy = int(np.rint(h / 2 - 0.5 - my))
        y0, y1 = max(cy - ri, 0), min(cy + ri + 1, h)
        x0, x1 = max(cx - ri, 0), min(cx + ri + 1, w)
        du = u[y0:y1, x0:x1] - mx
        dv = v[y0:y1, x0:x1] - my
        d = np.hypot(du, dv)
        wgt = np.clip(1.5 - d / radius * 1.5, 0.0, 1.0)
        lin = 2 * np.pi / t * (-np.sin(flow) * du + np.cos(flow) * dv)
        patt = np.cos(ph + lin + ch * (np.arctan2(dv, du) - flow))
        sel = wgt > weight[y0:y1, x0:x1]
        value[y0:y1, x0:x1][sel] = patt[sel]
        weight[y0:y1, x0:x1][sel] = wgt[sel]
    return value, weight


def master_ridges(master: Master, iterations: int = P.GABOR_ITERATIONS) -> F32:
    """Grow the master's ridge field (float32 in [-1, 1], canvas of ``canvas_size``)."""
    u, v = canvas_grid(master)
    theta = master.orientation.at(u, v)
    n = P.GABOR_ORIENTATIONS * 2
    obin = (np.round(theta / np.pi * n).astype(np.int64) % n).astype(np.int16)
    period = master.period_at(u, v)
    pbin = np.clip(np.round((period - _PERIODS[0]) / (_PERIODS[1] - _PERIODS[0])), 0,
                   len(_PERIODS) - 1).astype(np.int16)
    mask = master.inside(u, v, 1.0 + 16.0 / master.half_width)
    value, weight = _seed_pattern(master, u, v)
    img = (value * weight).astype(np.float32)
    out = np.zeros_like(img)
    bank = _bank()
    free = 1
    for it in range(iterations):
        _filter(img, obin, pbin, mask, bank, out)
        active = np.abs(out[mask])
        scale = float(np.percentile(active, 90)) if active.size else 1.0
        img = np.tanh(2.0 * out / max(scale, 1e-6)).astype(np.float32)
        if it < iterations - free:
            img = (weight * value + (1.0 - weight) * img).astype(np.float32)
    return img
