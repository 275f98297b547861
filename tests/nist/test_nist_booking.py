from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from scomm.biometrics.template import FingerPosition, ImpressionType
from scomm.errors import TransactionFormatError
from scomm.nist.booking import booking_from_transaction, booking_transaction, read_booking
from scomm.nist.reader import read_transaction
from scomm.nist.transaction import Transaction
from scomm.nist.writer import write_transaction
from scomm.pipeline.submission import Sex, validate_submission

from .conftest import as_car


def test_car_from_the_real_card_maps_to_a_valid_booking(car_bytes: bytes) -> None:
    sub = read_booking(car_bytes)
    validate_submission(sub, today=date(2026, 1, 1))
    assert sub.tcn == "MD2001080800042" and sub.ori == "MDNISTIMG"
    assert sub.arrest_date == date(2001, 8, 7) and sub.submitted_on == date(2001, 8, 8)
    s = sub.subject
    assert (s.last_name, s.first_name, s.middle_name) == ("DOE", "JOHN", "Q")
    assert s.date_of_birth == date(1975, 4, 12) and s.sex is Sex.MALE and s.place_of_birth == "MX"
    assert [(c.ncic_code, c.description) for c in sub.charges] == [("1313", "SIMPLE ASSAULT"), ("0399", "TRESPASSING")]
    assert sub.metadata["cri"] == "MD0030000"


def test_rolled_prints_are_chosen_over_plain_and_slaps_are_not_cut(car_bytes: bytes) -> None:
    sub = read_booking(car_bytes)
    assert [int(f.position) for f in sub.fingers] == list(range(1, 11))
    for f in sub.fingers:
        assert f.impression is ImpressionType.NONLIVE_ROLLED
        assert f.image is not None and f.image.dtype == np.uint8 and f.image.ndim == 2
        assert f.ppi == 500


def test_plain_thumb_stands_in_when_the_rolled_thumb_is_missing(sample_bytes: bytes) -> None:
    txn = as_car(read_transaction(sample_bytes))
    del txn.records[2]  # the rolled right thumb (record 3)
    txn.renumber()
    from scomm.nist.transaction import content_field

    txn.type1.set(3, content_field(txn.content_list()))
    sub = booking_from_transaction(read_transaction(write_transaction(txn)))
    thumb = next(f for f in sub.fingers if f.position is FingerPosition.RIGHT_THUMB)
    assert thumb.impression is ImpressionType.NONLIVE_PLAIN
    assert thumb.image is not None and thumb.image.shape == (1000, 392)


def test_fingers_missing_a_rolled_print_are_cut_from_their_slap(sample_bytes: bytes) -> None:
    """Rolled right index to little (records 4-7) gone: the right four-finger slap stands in."""
    txn = as_car(read_transaction(sample_bytes))
    del txn.records[3:7]
    txn.renumber()
    from scomm.nist.transaction import content_field

    txn.type1.set(3, content_field(txn.content_list()))
    sub = booking_from_transaction(read_transaction(write_transaction(txn)))
    assert [int(f.position) for f in sub.fingers] == list(range(1, 11))
    by_position = {int(f.position): f for f in sub.fingers}
    for finger in (2, 3, 4, 5):
        cut = by_position[finger]
        assert cut.impression is ImpressionType.NONLIVE_PLAIN and cut.ppi == 500
        assert cut.image is not None and 250 <= cut.image.shape[0] <= 700  # one fingertip, not the 1000 x 1572 slap
    assert by_position[7].impression is ImpressionType.NONLIVE_ROLLED


def test_the_raw_sample_is_refused_as_not_an_arrest(sample_txn: Transaction) -> None:
    with pytest.raises(TransactionFormatError) as err:
        booking_from_transaction(sample_txn)
    assert err.value.field == "record 1 (Type-1) field 1.004 TOT" and "AMN" in err.value.reason


def test_the_raw_sample_lacks_the_arrest_name(sample_txn: Transaction) -> None:
    with pytest.raises(TransactionFormatError) as err:
        booking_from_transaction(sample_txn, accept_tots={"AMN"})
    assert err.value.field in ("record 2 (Type-2) field 2.045 DOA", "record 2 (Type-2) field 2.018 NAM")


@pytest.mark.parametrize(
    ("number", "value", "field"),
    [
        (45, "20011345", "2.045 DOA"),
        (22, "1975-04-12", "2.022 DOB"),
        (24, "Q", "2.024 SEX"),
        (18, ",JOHN", "2.018 NAM"),
    ],
)
def test_bad_descriptive_fields_are_named(sample_bytes: bytes, number: int, value: str, field: str) -> None:
    txn = as_car(read_transaction(sample_bytes))
    txn.records[1].set(number, value)  # type: ignore[union-attr]
    with pytest.raises(TransactionFormatError) as err:
        read_booking(write_transaction(txn))
    assert err.value.field == f"record 2 (Type-2) field {field}"


def test_a_booking_written_as_car_reads_back(car_bytes: bytes) -> None:
    sub = read_booking(car_bytes)
    again = read_booking(write_transaction(booking_transaction(sub)))
    assert (again.tcn, again.ori, again.arrest_date, again.subject, again.charges) == (
        sub.tcn, sub.ori, sub.arrest_date, sub.subject, sub.charges)
    assert [f.position for f in again.fingers] == [f.position for f in sub.fingers]
    for a, b in zip(again.fingers, sub.fingers):
        assert a.image is not None and b.image is not None and a.image.shape == b.image.shape
        # WSQ is lossy: the re-encoded print stays close to the original
        assert np.abs(a.image.astype(int) - b.image.astype(int)).mean() < 12


def test_a_type4_card_maps_like_its_type14_twin(car_bytes: bytes) -> None:
    from scomm.nist.images import finger_image_records
    from scomm.nist.transaction import BinaryRecord, content_field

    txn = read_transaction(car_bytes)
    for img in finger_image_records(txn)[:10]:  # the ten rolled prints become legacy Type-4
        txn.records[img.record_index - 1] = BinaryRecord(
            img.record_index - 2, 1, (img.position,), 0, img.width, img.height, 1, img.data)
    txn.renumber()
    txn.type1.set(11, "19.69")
    txn.type1.set(12, "19.69")
    txn.type1.set(3, content_field(txn.content_list()))
    data = write_transaction(txn)
    assert read_transaction(data).records[2].type == 4
    sub4, sub14 = read_booking(data), read_booking(car_bytes)
    assert [f.position for f in sub4.fingers] == [f.position for f in sub14.fingers]
    for a, b in zip(sub4.fingers, sub14.fingers):
        assert a.ppi == 500 and a.impression is ImpressionType.LIVESCAN_ROLLED
        assert a.image is not None and b.image is not None and np.array_equal(a.image, b.image)
