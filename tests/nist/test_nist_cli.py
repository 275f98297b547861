from __future__ import annotations

from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from scomm.cli import app

from .conftest import SAMPLE

runner = CliRunner()


def test_dump_shows_records_fields_and_images() -> None:
    result = runner.invoke(app, ["nist", "dump", str(SAMPLE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "version 0500, TOT AMN" in result.output
    assert "record 16: Type-14" in result.output and "14.013" in result.output
    assert "1608x1000" in result.output and "<42297 bytes binary>" in result.output


def test_images_writes_one_png_per_image(tmp_path: Path) -> None:
    result = runner.invoke(app, ["nist", "images", str(SAMPLE), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.png"))
    assert len(files) == 14
    with Image.open(tmp_path / "out" / "r03_type14_fgp1_imp3.png") as im:
        assert im.size == (804, 752) and im.mode == "L"


def test_a_broken_file_is_reported_by_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.eft"
    broken.write_bytes(SAMPLE.read_bytes()[:5000])
    result = runner.invoke(app, ["nist", "dump", str(broken)])
    assert result.exit_code != 0
    assert "record 3 (Type-14) field 14.001 LEN" in str(result.exception)


def test_dump_can_show_a_file_whose_images_fail_validation(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    start = 273 + 57 + 42465  # record 4
    forged = data[:start] + data[start:].replace(b"14.013:2\x1d", b"14.013:1\x1d", 1)
    path = tmp_path / "twice.eft"
    path.write_bytes(forged)
    assert runner.invoke(app, ["nist", "dump", str(path)]).exit_code != 0
    result = runner.invoke(app, ["nist", "dump", "--no-validate", str(path)])
    assert result.exit_code == 0, result.output


def test_check_accepts_the_card_and_a_car_made_from_it(tmp_path: Path, car_bytes: bytes) -> None:
    result = runner.invoke(app, ["nist", "check", str(SAMPLE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "TOT AMN is not a booking" in result.output
    car = tmp_path / "car.eft"
    car.write_bytes(car_bytes)
    result = runner.invoke(app, ["nist", "check", str(car)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "valid CAR booking" in result.output and "10 fingers" in result.output


def test_make_car_turns_the_card_into_a_booking(tmp_path: Path) -> None:
    from datetime import date

    from scomm.nist.booking import read_booking
    from scomm.pipeline.submission import validate_submission

    out = tmp_path / "car.eft"
    result = runner.invoke(app, [
        "nist", "make-car", str(SAMPLE), str(out), "--tcn", "MD20010808001", "--name", "DOE,JANE A",
        "--arrest-date", "2001-08-07", "--charge", "2399 LARCENY", "--charge", "DISORDERLY",
        "--dob", "1980-02-29", "--sex", "F", "--pob", "MX",
    ])
    assert result.exit_code == 0, result.output
    sub = read_booking(out)
    validate_submission(sub, today=date(2026, 1, 1))
    assert (sub.subject.last_name, sub.subject.first_name, sub.subject.middle_name) == ("DOE", "JANE", "A")
    assert [c.ncic_code for c in sub.charges] == ["2399", "0399"] and len(sub.fingers) == 10
    original = SAMPLE.read_bytes()
    assert out.read_bytes()[-112701:] == original[-112701:]  # image records kept byte for byte
