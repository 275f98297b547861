"""500 ppi images of synthetic impressions, drawn from the same parameters as templates.

The master's ridge field is grown once and cached; an impression image only resamples
it through the impression's inverse geometry (scomm.synth.impression) and adds what a
sensor sees: the contact area with a soft edge and pressure fall-off, dry skin (thin,
broken ridges) or wet skin (thick, merged ridges) in patches, the background and the
sensor's noise and blur. Ridges are dark on a white background.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import numba
import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from scomm.biometrics.template import FingerPosition, ImpressionType
from scomm.synth import parameters as P
from scomm.synth.errors import SynthesisError
from scomm.synth.impression import ImpressionParams, is_rolled
from scomm.synth.master import Master, make_masters
from scomm.synth.person import Person
from scomm.synth.ridges import master_ridges
from scomm.synth.seeds import Stream, rng
from scomm.synth.templates import impression_of

F32 = NDArray[np.float32]
Array = NDArray[np.float64]

_CACHE: OrderedDict[tuple[int, int, int], F32] = OrderedDict()
_CACHE_LOCK = Lock()


def master_image(person: Person, position: FingerPosition) -> F32:
    """The finger's grown ridge field (cached: growing costs about a second)."""
    key = (person.seed, person.person_id, int(position))
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    # Grow from the canonical master of this seed and person, whatever minutiae the given
    # Person carries (image_matched_person replaces them with those read from these ridges).
    canonical = make_masters(person.seed, person.person_id, [FingerPosition(int(position))],
                             person.spec.dominant)[0]
    ridges = master_ridges(canonical)
    with _CACHE_LOCK:
        _CACHE[key] = ridges
        while len(_CACHE) > P.MASTER_CACHE_SIZE:
            _CACHE.popitem(last=False)
    return ridges


def render_impression(person: Person, position: FingerPosition, impression_seed: int,
                      kind: ImpressionType = ImpressionType.LIVESCAN_ROLLED,
                      size: tuple[int, int] = P.DEFAULT_SIZE) -> NDArray[np.uint8]:
    """The 500 ppi grey image (height, width) = (size[1], size[0]) of one impression.

    With the default size, the image and impression_template(person, position,
    impression_seed, kind) describe the same impression in the same pixel frame; another
    size frames the same impression around the same centre.
    """
    if size[0] < 16 or size[1] < 16:
        raise SynthesisError(f"image size must be at least 16x16, got {size[0]}x{size[1]}")
    pos = FingerPosition(int(position))
    imp = impression_of(person, pos, impression_seed, kind, size)
    m = person.master(pos)
    ridges = master_image(person, pos)
    g = rng(person.seed, person.person_id, int(pos), impression_seed, Stream.TEXTURE, int(kind))
    return _render(m, ridges, imp, g, _creases(person, pos))


@numba.njit(cache=True, nogil=True, inline="always")
def _knot(k: F32, y: int, x: int, h: int, w: int) -> float:  # pragma: no cover - compiled
    """Bilinear value at pixel (y, x) of a knot grid spanning the image edge to edge."""
    ky = k.shape[0] - 1
    kx = k.shape[1] - 1
    py = (y + 0.5) / h * ky
    px = (x + 0.5) / w * kx
    iy = min(int(py), ky - 1)
    ix = min(int(px), kx - 1)
    ty = py - iy
    tx = px - ix
    return ((1 - ty) * ((1 - tx) * k[iy, ix] + tx * k[iy, ix + 1])
            + ty * ((1 - tx) * k[iy + 1, ix] + tx * k[iy + 1, ix + 1]))


@numba.njit(cache=True, nogil=True)
def _compose(ku: F32, kv: F32, ridges: F32, cu: float, cv: float, au: float, av: float, hw: float,
             hh: float, wet: float, dryness: float, press: float, wobble: F32, patches: F32,
             fine: F32, background: F32, ridge_level: float, creases: Array,
             out: F32) -> None:  # pragma: no cover
    h, w = out.shape
    ch, cw = ridges.shape
    for y in range(h):
        for x in range(w):
            uu = _knot(ku, y, x, h, w)
            vv = _knot(kv, y, x, h, w)
            # bilinear sample of the ridge field (canvas x = u + cw/2 - 0.5, y = ch/2 - 0.5 - v)
            fx = uu + cw / 2 - 0.5
            fy = ch / 2 - 0.5 - vv
            ix = int(np.floor(fx))
            iy = int(np.floor(fy))
            r = 0.0
            if ix >= 0 and iy >= 0 and ix + 1 < cw and iy + 1 < ch:
                tx = fx - ix
                ty = fy - iy
                r = ((1 - ty) * ((1 - tx) * ridges[iy, ix] + tx * ridges[iy, ix + 1])
                     + ty * ((1 - tx) * ridges[iy + 1, ix] + tx * ridges[iy + 1, ix + 1]))
            rc = np.sqrt(((uu - cu) / au) ** 2 + ((vv - cv) / av) ** 2)
            rf = np.sqrt((uu / hw) ** 2 + (vv / hh) ** 2)
            rm = max(rc, rf)
            contact = min(max((1.0 - rm + 0.04 * _knot(wobble, y, x, h, w)) * 14.0, 0.0), 1.0)
            pressure = min(max(1.0 - 0.6 * rm ** 4, 0.0), 1.0)
            tau = (-0.45 * wet + 0.18 * _knot(patches, y, x, h, w) + (0.15 + 0.8 * dryness) * fine[y, x]
                   - 0.25 * (press - 0.5) - 0.2 * (1.0 - pressure))
            ink = 1.0 / (1.0 + np.exp(-5.0 * (r - tau)))
            for c in range(creases.shape[0]):
                # a crease: a pale band across the ridges, fixed on the skin (master frame)
                dist = (uu - creases[c, 0]) * np.sin(creases[c, 2]) - (vv - creases[c, 1]) * np.cos(creases[c, 2])
                ink *= 1.0 - creases[c, 4] * np.exp(-dist * dist / (2.0 * creases[c, 3] ** 2))
            dark = ink * contact * (0.75 + 0.25 * pressure)
            bg = 0.94 + 0.03 * _knot(background, y, x, h, w)
            out[y, x] = bg - dark * (bg - ridge_level)


def _creases(person: Person, position: FingerPosition) -> Array:
    """The finger's flexion creases and scars: (k, 5) rows of centre u, v, angle, half-width,
    depth in the master frame. They belong to the skin, so every impression shows them."""
    g = rng(person.seed, person.person_id, int(position), 0, Stream.TEXTURE, P.CREASE_VARIANT)
    m = person.master(position)
    k = int(g.poisson(P.CREASES_PER_FINGER))
    out = np.zeros((k, 5))
    out[:, 0] = g.normal(0.0, 0.3 * m.half_width, k)
    out[:, 1] = g.uniform(-0.9, 0.4, k) * m.half_height
    out[:, 2] = g.normal(0.0, 0.35, k)
    out[:, 3] = g.uniform(1.0, 3.0, k)
    out[:, 4] = g.uniform(0.5, 0.95, k)
    return out


def _render(m: Master, ridges: F32, imp: ImpressionParams, g: np.random.Generator,
            creases: Array) -> NDArray[np.uint8]:
    h, w = imp.height, imp.width
    # The geometry is smooth: invert it on a coarse grid and interpolate.
    ky, kx = max(2, h // _KNOT), max(2, w // _KNOT)
    ys = (np.arange(ky + 1) / ky * h)[:, None] * np.ones((1, kx + 1))
    xs = (np.arange(kx + 1) / kx * w)[None, :] * np.ones((ky + 1, 1))
    # Knots sit on pixel edges; pixel i's centre is image coordinate i (as extractors count).
    ku, kv = imp.inverse(xs - 0.5, ys - 0.5)
    wobble = g.standard_normal((7, 7)).astype(np.float32)        # contact edge irregularity
    patches = g.standard_normal((11, 11)).astype(np.float32)     # dry/wet patches
    background = g.standard_normal((4, 4)).astype(np.float32)    # uneven illumination
    fine = ndimage.gaussian_filter(g.standard_normal((h, w), dtype=np.float32), 1.2) * np.float32(2.5)
    blur = float(g.uniform(0.6, 1.1))
    wet = 2.0 * imp.skin - 1.0
    ridge_level = 0.12 + 0.12 * g.random() + (0.1 if is_rolled(imp.kind) else 0.0) * (1.0 - imp.pressure)
    img = np.empty((h, w), dtype=np.float32)
    _compose(ku.astype(np.float32), kv.astype(np.float32), ridges, float(imp.centre[0]), float(imp.centre[1]), float(imp.axes[0]),
             float(imp.axes[1]), m.half_width, m.half_height, wet, max(-wet, 0.0), imp.pressure,
             wobble, patches, fine, background, ridge_level, creases, img)
    img = ndimage.gaussian_filter(img, blur)
    img += np.float32(imp.noise) * g.standard_normal((h, w), dtype=np.float32)
    return np.clip(img * np.float32(255.0), 0, 255).astype(np.uint8)


_KNOT = 8   # px between knots of the coarse inverse-geometry grid (the warp is smooth at 8 px)
