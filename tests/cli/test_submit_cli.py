"""`scomm submit` on the real NIST ten-print card: transaction in, pipeline, response transactions out."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scomm.cli import app
from scomm.nist import read_response
from scomm.store import open_store, verify_chain

CARD = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")
pytestmark = pytest.mark.skipif(not CARD.is_file(), reason="needs ../shared/data/nist-eft beside the checkout")


def test_the_nist_card_runs_through_the_pipeline_and_gets_an_sre(tmp_path, monkeypatch):
    import hashlib

    import scomm.biometrics
    import scomm.nist.sequence

    extracted: list[str] = []
    real_extract = scomm.biometrics.extract

    def counting_extract(image, *args, **kwargs):  # type: ignore[no-untyped-def]
        extracted.append(hashlib.sha256(image.tobytes()).hexdigest())
        return real_extract(image, *args, **kwargs)

    monkeypatch.setattr(scomm.biometrics, "extract", counting_extract)
    monkeypatch.setattr(scomm.nist.sequence, "extract", counting_extract)
    db, out = tmp_path / "s.sqlite", tmp_path / "out"
    runner = CliRunner()
    refused = runner.invoke(app, ["submit", str(CARD), "--db", str(db), "--out", str(out), "--jurisdiction", "25025"])
    assert refused.exit_code == 2 and "1.004" in refused.output  # an AMN is not a booking
    errt = next(out.glob("*-ERRT.eft"))
    answer, _ = read_response(errt.read_bytes())
    assert "1.004" in answer.field  # type: ignore[union-attr]

    car = tmp_path / "car.eft"
    made = runner.invoke(app, ["nist", "make-car", str(CARD), str(car), "--tcn", "SUFFOLK-2010-000001",
                               "--name", "DOE,JOHN", "--arrest-date", "2010-06-01", "--charge", "2399 GRAND LARCENY",
                               "--pob", "MX", "--sex", "M"])
    assert made.exit_code == 0, made.output
    args = ["submit", str(car), "--db", str(db), "--out", str(out), "--jurisdiction", "25025"]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    # the sequence check and intake share the rolled prints' templates: no image is extracted twice
    assert len(extracted) >= 20 and len(extracted) == len(set(extracted))
    sre = next(out.glob("*-SRE.eft"))
    answer, _ = read_response(sre.read_bytes())
    assert answer.identified is False  # type: ignore[union-attr]  # first time this person is seen
    assert next(out.glob("*-IDR-NOMATCH.eft"))  # Suffolk was activated in 2010: searched, no immigration record
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "already received" in again.output
    store = open_store(f"sqlite:///{db}")
    with store.sessions() as session:
        assert verify_chain(session).ok


def test_a_card_with_rolled_prints_in_the_wrong_boxes_is_refused_with_an_errt(tmp_path):
    from scomm.nist.reader import read_transaction
    from scomm.nist.writer import write_transaction

    runner = CliRunner()
    car = tmp_path / "car.eft"
    made = runner.invoke(app, ["nist", "make-car", str(CARD), str(car), "--tcn", "SUFFOLK-2010-000002",
                               "--name", "ROE,RICHARD", "--arrest-date", "2010-06-01", "--charge", "2399 GRAND LARCENY"])
    assert made.exit_code == 0, made.output
    txn = read_transaction(car.read_bytes())
    for rec in txn.tagged(14):  # the rolled left index and middle filed in each other's box
        if rec.text(3) == "3" and rec.text(13) in ("7", "8"):
            rec.set(13, "8" if rec.text(13) == "7" else "7")
    car.write_bytes(write_transaction(txn))
    db, out = tmp_path / "s.sqlite", tmp_path / "out"
    refused = runner.invoke(app, ["submit", str(car), "--db", str(db), "--out", str(out), "--jurisdiction", "25025"])
    assert refused.exit_code == 2 and "out of sequence" in refused.output
    answer, _ = read_response(next(out.glob("*-ERRT.eft")).read_bytes())
    assert "14.013" in answer.field  # type: ignore[union-attr]
    with open_store(f"sqlite:///{db}").sessions() as session:  # nothing was accepted
        from sqlalchemy import func, select

        from scomm.store.schema import BookingRow

        assert session.scalar(select(func.count()).select_from(BookingRow)) == 0
