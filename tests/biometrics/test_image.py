"""Decoding images in every supported format, and refusing unusable ones."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from scomm.biometrics import extract, load_image
from scomm.biometrics.image import to_reference_resolution
from scomm.errors import ImageError

from .conftest import FVC, FVC_PPI, needs_data


def _encode(arr: np.ndarray, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt, **kw)
    return buf.getvalue()


@needs_data
@pytest.mark.parametrize("fmt", ["PNG", "TIFF", "BMP", "JPEG", "WSQ"])
def test_every_supported_format_decodes_to_the_same_grey_image(fmt: str) -> None:
    import wsq  # noqa: F401  (registers the WSQ codec with Pillow)

    img, _ = load_image(FVC / "101_1.tif")
    data = _encode(img, fmt, **({"dpi": (500, 500)} if fmt != "WSQ" else {}))
    out, ppi = load_image(data)
    assert out.dtype == np.uint8 and out.shape == img.shape
    lossy = fmt in ("JPEG", "WSQ")
    assert np.abs(out.astype(int) - img.astype(int)).mean() < (8 if lossy else 0.01)
    if fmt in ("PNG", "TIFF", "JPEG", "BMP"):
        assert ppi == 500


def test_implausible_metadata_resolution_is_taken_as_500_ppi(tmp_path: object) -> None:
    arr = np.full((200, 200), 128, np.uint8)
    _, ppi = load_image(_encode(arr, "TIFF", dpi=(1, 1)))
    assert ppi == 500


def test_resolution_is_read_from_metadata() -> None:
    arr = np.full((200, 200), 128, np.uint8)
    _, ppi = load_image(_encode(arr, "PNG", dpi=(1000, 1000)))
    assert ppi == 1000


def test_undecodable_bytes_raise_image_error_naming_the_formats() -> None:
    with pytest.raises(ImageError, match="cannot decode"):
        load_image(b"this is not an image at all")


def test_missing_file_raises_image_error(tmp_path: object) -> None:
    with pytest.raises(ImageError, match="not found"):
        load_image("/nonexistent/finger.png")


def test_rescaling_569_ppi_gives_500_ppi_size() -> None:
    img = np.zeros((560, 296), np.uint8)
    out = to_reference_resolution(img, FVC_PPI)
    assert out.shape == (round(560 * 500 / 569), round(296 * 500 / 569))


@pytest.mark.parametrize(
    ("name", "image", "reason"),
    [
        ("blank", np.full((400, 300), 200, np.uint8), "blank"),
        ("tiny", np.random.default_rng(1).integers(0, 255, (40, 40)).astype(np.uint8), "too small"),
        ("noise", np.random.default_rng(2).integers(0, 255, (400, 300)).astype(np.uint8), "ridge pattern"),
    ],
)
def test_unusable_images_are_refused_with_a_reason(name: str, image: np.ndarray, reason: str) -> None:
    with pytest.raises(ImageError, match=reason):
        extract(image)


def test_a_photo_like_smooth_gradient_is_refused() -> None:
    yy, xx = np.mgrid[0:400, 0:300]
    image = (xx * 0.5 + yy * 0.3).astype(np.uint8)
    with pytest.raises(ImageError):
        extract(image)


@needs_data
def test_corrupted_file_is_refused(tmp_path: object) -> None:
    data = (FVC / "101_1.tif").read_bytes()
    with pytest.raises(ImageError):
        img, ppi = load_image(data[: len(data) // 3])
        extract(img, ppi)
