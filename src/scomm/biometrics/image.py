"""Fingerprint images: decoding from any supported format and resampling to 500 ppi.

Decoding is the only I/O of the biometric core; everything downstream works on
arrays. WSQ (the FBI's format inside ANSI/NIST transactions) is read through the
``wsq`` Pillow plugin, the rest by Pillow itself.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from scomm.biometrics import parameters as P
from scomm.biometrics.template import REFERENCE_PPI
from scomm.errors import ImageError

_SUPPORTED = "WSQ, PNG, TIFF, BMP, JPEG"


def _register_wsq() -> None:
    """Importing ``wsq`` registers the WSQ codec with Pillow (it has no other API we need)."""
    import wsq  # noqa: F401


def _ppi_from_info(info: Mapping[Any, object]) -> int | None:
    for key in ("dpi", "resolution"):
        value = info.get(key)
        if isinstance(value, tuple) and value:
            try:
                ppi = round(float(value[0]))
            except (TypeError, ValueError):
                continue
            if P.PLAUSIBLE_PPI[0] <= ppi <= P.PLAUSIBLE_PPI[1]:
                return ppi
    return None


def load_image(source: str | Path | bytes) -> tuple[NDArray[np.uint8], int]:
    """Decode a fingerprint image to 8-bit grayscale and report its resolution.

    ``source`` is a path or the encoded bytes. The resolution comes from the
    file's metadata when it is plausible, else 500 ppi is assumed (the caller
    who knows better, e.g. from an ANSI/NIST record, passes its own ppi to
    :func:`scomm.biometrics.extract`).
    """
    _register_wsq()
    name = "<bytes>" if isinstance(source, (bytes, bytearray)) else str(source)
    img: Image.Image
    try:
        if isinstance(source, (bytes, bytearray)):
            img = Image.open(io.BytesIO(bytes(source)))
        else:
            img = Image.open(Path(source))
        img.load()
    except FileNotFoundError as exc:
        raise ImageError(f"{name}: file not found") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"{name}: cannot decode image ({_SUPPORTED} supported): {exc}") from exc
    ppi = _ppi_from_info(img.info) or REFERENCE_PPI
    if img.mode not in ("L", "I;16", "I", "F"):
        img = img.convert("L")
    arr = np.asarray(img)
    if arr.dtype != np.uint8:
        a = arr.astype(np.float64)
        lo, hi = float(a.min()), float(a.max())
        arr = np.zeros(a.shape, np.uint8) if hi <= lo else ((a - lo) * (255.0 / (hi - lo))).astype(np.uint8)
    return np.ascontiguousarray(arr), ppi


def to_reference_resolution(image: NDArray[np.generic], ppi: int) -> NDArray[np.float32]:
    """Resample to 500 ppi (bilinear), so every later constant is in 500 ppi pixels."""
    if image.ndim != 2:
        raise ImageError(f"image must be 2-D grayscale, got shape {image.shape}")
    if ppi <= 0:
        raise ImageError(f"image resolution must be positive, got {ppi} ppi")
    img = np.asarray(image, dtype=np.float32)
    if abs(ppi - REFERENCE_PPI) <= 5:
        return img
    h, w = img.shape
    nh, nw = max(1, round(h * REFERENCE_PPI / ppi)), max(1, round(w * REFERENCE_PPI / ppi))
    pil = Image.fromarray(img, mode="F").resize((nw, nh), Image.Resampling.BILINEAR)
    return np.asarray(pil, dtype=np.float32)


def to_reference_grey(image: NDArray[np.generic], ppi: int) -> NDArray[np.uint8]:
    """:func:`to_reference_resolution` rounded back to 8-bit grey: an image at 500 ppi to hand on."""
    return np.clip(to_reference_resolution(image, ppi) + 0.5, 0, 255).astype(np.uint8)
