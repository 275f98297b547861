"""Pictures of the extraction stages: one PNG a stage, the ridge-flow grid drawn where the print is."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from scomm.biometrics import load_image
from scomm.biometrics.extraction import extract_features
from scomm.biometrics.pictures import flow_picture, save_pictures

from .conftest import FVC, FVC_PPI, needs_data


@needs_data
def test_every_stage_is_written_and_the_flow_is_drawn_on_the_print_only(tmp_path: Path) -> None:
    img, _ = load_image(FVC / "101_1.tif")
    f = extract_features(img, FVC_PPI)
    paths = save_pictures(f, tmp_path)
    assert {p.stem for p in paths} >= {"image", "minutiae", "flow"}
    assert all(Image.open(p).size == (f.image.shape[1], f.image.shape[0]) for p in paths)
    flow = flow_picture(f)
    drawn = (flow[..., 1] > flow[..., 0]) & (flow[..., 2] > flow[..., 0])  # cyan segments
    assert drawn.sum() > 1000
    assert drawn[f.mask].mean() > 10 * max(drawn[~f.mask].mean(), 1e-6)
