"""Cut a plain slap (four fingers, or two thumbs, pressed at once) into single fingertips.

Every ten-print card and most live-scan bookings carry plain impressions beside
the rolled ones: FBI practice compares the two to catch rolled prints taken in
the wrong boxes, and a plain print is the only one of a finger when its rolled
box is blank. A slap image holds several fingertips, their middle phalanges
below them and, on scanned cards, captions, handwriting and punch holes, so it
has to be cut into fingertips before anything can be compared.

The method is deliberately simple and explainable: ridge texture is where the
grey level varies strongly over a block; a large morphological opening removes
anything thinner than a fingertip (captions, pen strokes) and separates
fingertips that only touch through such marks; regions in the same column are
one finger, of which the topmost is the tip; the tips, ordered from left to
right, are the hand's fingers in the order a slap shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from scomm.biometrics import parameters as P
from scomm.biometrics.image import to_reference_resolution
from scomm.biometrics.segmentation import local_deviation
from scomm.biometrics.template import FingerPosition
from scomm.errors import ImageError

SLAP_FINGERS: dict[int, tuple[FingerPosition, ...]] = {
    11: (FingerPosition.RIGHT_THUMB,),
    12: (FingerPosition.LEFT_THUMB,),
    13: (FingerPosition.RIGHT_INDEX, FingerPosition.RIGHT_MIDDLE, FingerPosition.RIGHT_RING, FingerPosition.RIGHT_LITTLE),
    14: (FingerPosition.LEFT_LITTLE, FingerPosition.LEFT_RING, FingerPosition.LEFT_MIDDLE, FingerPosition.LEFT_INDEX),
    15: (FingerPosition.LEFT_THUMB, FingerPosition.RIGHT_THUMB),
}
"""Plain-impression position (ANSI/NIST-ITL FGP 11-15) -> the fingers it shows, left to right.

A slap is seen as an inked card shows it (the finger's pad seen from below the
glass): the right hand reads index to little from the left, the left hand
little to index; the two-thumb slap has the left thumb on the left.
"""


@dataclass(frozen=True, eq=False)
class SlapFinger:
    """One fingertip cut from a slap: its finger, the crop (500 ppi) and where it was."""

    position: FingerPosition
    image: NDArray[np.uint8]
    box: tuple[int, int, int, int]
    """x0, y0, x1, y1 of the crop in the slap image resampled to 500 ppi."""


def segment_slap(image: NDArray[np.generic], slap_position: int, ppi: int = 500) -> list[SlapFinger]:
    """The fingertips of a plain slap, one per finger the position shows.

    Raises ImageError when fewer fingertips are found than the slap should
    hold (a missing or unreadable finger cannot be told apart from a
    mis-cut one, so nothing is guessed); when more regions are found, the
    largest are kept.
    """
    try:
        fingers = SLAP_FINGERS[int(slap_position)]
    except KeyError:
        raise ImageError(f"finger position {slap_position} is not a plain slap (11-15)") from None
    grey = to_reference_resolution(image, ppi)
    tips = _fingertip_boxes(grey)
    if len(tips) < len(fingers):
        raise ImageError(
            f"slap {slap_position}: found {len(tips)} fingertip(s), expected {len(fingers)}; "
            "segment it by hand or send single-finger images"
        )
    tips = sorted(tips, key=lambda t: t[1], reverse=True)[: len(fingers)]
    tips.sort(key=lambda t: t[0][0])
    h, w = grey.shape
    m = P.SLAP_MARGIN_PX
    out: list[SlapFinger] = []
    for finger, ((x0, y0, x1, y1), _area) in zip(fingers, tips, strict=True):
        box = (max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m))
        crop = np.clip(grey[box[1] : box[3], box[0] : box[2]], 0, 255).astype(np.uint8)
        out.append(SlapFinger(finger, crop, box))
    return out


def _fingertip_boxes(grey: NDArray[np.float32]) -> list[tuple[tuple[int, int, int, int], int]]:
    """Boxes (x0, y0, x1, y1) and areas of the topmost ridge region of every finger column."""
    step = P.SLAP_CELL
    h, w = grey.shape
    hh, ww = h // step * step, w // step * step
    if hh < 2 * step or ww < 2 * step:
        return []
    dev = local_deviation(grey, P.BLOCK)
    cells = dev[:hh, :ww].reshape(hh // step, step, ww // step, step).mean(axis=(1, 3))
    mask = cells > max(P.SLAP_FOREGROUND_FRACTION * float(np.percentile(cells, 95)), 1e-6)
    mask = ndimage.binary_closing(mask, structure=np.ones((3, 3), bool))
    r = max(1, round(P.SLAP_OPENING_RADIUS_PX / step))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    mask = ndimage.binary_opening(mask, structure=xx * xx + yy * yy <= r * r)
    mask = ndimage.binary_fill_holes(mask)
    labels, _n = ndimage.label(mask)
    regions: list[tuple[tuple[int, int, int, int], int]] = []
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        area = int((labels[sl] == k).sum()) * step * step
        if area < P.SLAP_MIN_TIP_PX:
            continue
        regions.append(((sl[1].start * step, sl[0].start * step, sl[1].stop * step, sl[0].stop * step), area))
    regions.sort(key=lambda reg: reg[0][1])  # top first: a tip is above its own middle phalanx
    tips: list[tuple[tuple[int, int, int, int], int]] = []
    for box, area in regions:
        if not any(_same_column(box, kept) for kept, _ in tips):
            tips.append((box, area))
    return tips


def _same_column(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    narrower = min(a[2] - a[0], b[2] - b[0])
    return overlap > P.SLAP_SAME_COLUMN * narrower
