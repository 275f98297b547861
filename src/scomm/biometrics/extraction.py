"""Feature extraction: from a grayscale image to a minutiae :class:`Template`.

The whole pipeline, in order, one stage per module::

    resample to 500 ppi -> check usable -> segmentation mask -> orientation
    field + coherence -> ridge period -> Gabor enhancement -> binarised ridges
    -> skeleton -> minutiae (direction, type, reliability; border and
    cluster filters) -> quality
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics import parameters as P
from scomm.biometrics.enhancement import enhance, normalize
from scomm.biometrics.flow import flow_grid
from scomm.biometrics.image import to_reference_resolution
from scomm.biometrics.minutiae import detect_minutiae, filter_context, ridge_clarity
from scomm.biometrics.orientation import local_period, orientation_field, ridge_period
from scomm.biometrics.quality import impression_quality
from scomm.biometrics.segmentation import extended_mask, segmentation_mask
from scomm.biometrics.skeleton import binarize, thin
from scomm.biometrics.template import FingerPosition, ImpressionType, Template
from scomm.errors import ImageError


@dataclass(frozen=True)
class Features:
    """Every intermediate of one extraction, for inspection and debugging pictures."""

    image: NDArray[np.float32]
    mask: NDArray[np.bool_]
    orientation: NDArray[np.float32]
    coherence: NDArray[np.float32]
    period: float
    period_map: NDArray[np.float32]
    enhanced: NDArray[np.float32]
    ridges: NDArray[np.bool_]
    skeleton: NDArray[np.bool_]
    minutiae: NDArray[np.float64]
    quality: int


@dataclass(frozen=True)
class RidgeStructure:
    """The image at 500 ppi with its mask, orientation field and ridge period: what
    every extractor needs, and proof that the image is a usable fingerprint."""

    image: NDArray[np.float32]
    mask: NDArray[np.bool_]
    orientation: NDArray[np.float32]
    coherence: NDArray[np.float32]
    period: float


def ridge_structure(image: NDArray[np.generic], ppi: int = 500) -> RidgeStructure:
    """Resample, segment and measure the ridge flow; raise ImageError if there is no usable print."""
    img = to_reference_resolution(image, ppi)
    h, w = img.shape
    if min(h, w) < P.MIN_SIDE_PX:
        raise ImageError(f"image is too small: {w}x{h} px at 500 ppi, need at least {P.MIN_SIDE_PX} px a side")
    if float(img.std()) < P.MIN_CONTRAST:
        raise ImageError(f"image is blank: grey-level deviation {img.std():.1f} below {P.MIN_CONTRAST}")
    mask = segmentation_mask(img)
    area = int(mask.sum())
    if area < P.MIN_FOREGROUND_PX:
        raise ImageError(f"too little fingerprint area: {area} px at 500 ppi, need {P.MIN_FOREGROUND_PX}")
    orientation, coherence = orientation_field(img)
    mean_coherence = float(coherence[mask].mean())
    if mean_coherence < P.MIN_COHERENCE:
        raise ImageError(f"no ridge pattern: mean orientation coherence {mean_coherence:.2f} below {P.MIN_COHERENCE}")
    period, band_share = ridge_period(img, mask)
    if band_share < P.MIN_RIDGE_BAND_SHARE:
        raise ImageError(f"no ridge pattern: only {band_share:.0%} of the texture's energy is at ridge spacing "
                         f"(need {P.MIN_RIDGE_BAND_SHARE:.0%})")
    return RidgeStructure(img, mask, orientation, coherence, period)


def enhanced_ridges(r: RidgeStructure) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """Ridge-period map, locally normalised image and Gabor-enhanced image: what minutiae
    detection and impression quality both start from."""
    return _enhanced_ridges(r, detection_area(r))


def _enhanced_ridges(r: RidgeStructure, area: NDArray[np.bool_]) -> tuple[
        NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """:func:`enhanced_ridges` on a detection area the caller has computed already (it is a
    distance transform once ``MASK_EXTENSION_PX`` is positive: worth computing once)."""
    period_map = (local_period(r.image, r.mask, r.period) if P.LOCAL_PERIOD
                  else np.full(r.image.shape, r.period, np.float32))
    normalized = normalize(r.image, area)
    enhanced = enhance(r.image, r.orientation, period_map if P.LOCAL_PERIOD else r.period, area, normalized)
    return period_map, normalized, enhanced


def detection_area(r: RidgeStructure) -> NDArray[np.bool_]:
    """Where ridges are enhanced and skeletonised: the foreground grown by ``MASK_EXTENSION_PX``."""
    return extended_mask(r.mask, P.MASK_EXTENSION_PX)


def ridge_quality(r: RidgeStructure) -> int:
    """Impression quality of a ridge structure (for extractors that do not run the Gabor stage)."""
    _, normalized, enhanced = enhanced_ridges(r)
    return impression_quality(normalized, enhanced, r.mask)


def extract_features(image: NDArray[np.generic], ppi: int = 500) -> Features:
    """Run the pipeline and keep every intermediate (``extract`` keeps only the template)."""
    r = ridge_structure(image, ppi)
    area = detection_area(r)
    period_map, normalized, enhanced = _enhanced_ridges(r, area)
    ridges = binarize(enhanced, area)
    skeleton = thin(ridges)
    clarity = ridge_clarity(enhanced, r.mask)
    context = (filter_context(enhanced, normalized, r.mask, skeleton, period_map, r.period, clarity)
               if P.MINUTIA_FILTER else None)
    minutiae = detect_minutiae(skeleton, r.orientation, r.coherence, r.mask, clarity, context, area)
    quality = impression_quality(normalized, enhanced, r.mask)
    return Features(r.image, r.mask, r.orientation, r.coherence, r.period, period_map, enhanced, ridges, skeleton,
                    minutiae, quality)


def extract(
    image: NDArray[np.generic],
    ppi: int = 500,
    position: FingerPosition = FingerPosition.UNKNOWN,
    impression: ImpressionType = ImpressionType.LIVESCAN_ROLLED,
) -> Template:
    """Minutiae template of one impression (coordinates at 500 ppi); raises ImageError if unusable."""
    f = extract_features(image, ppi)
    h, w = f.image.shape
    m = f.minutiae.astype(np.float32)
    return Template(m[:, 0], m[:, 1], m[:, 2], m[:, 3].astype(np.uint8), m[:, 4], w, h,
                    quality=f.quality, position=position, impression=impression,
                    flow=flow_grid(f.orientation, f.coherence, f.mask))
