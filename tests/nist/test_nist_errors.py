"""Every malformed input is refused with TransactionFormatError naming record and field."""

from __future__ import annotations

import struct

import pytest

from scomm.errors import TransactionFormatError
from scomm.nist.images import finger_image_records
from scomm.nist.reader import read_transaction, read_transaction_file
from scomm.nist.transaction import BinaryRecord, content_field
from scomm.nist.validation import check_images_decode
from scomm.nist.writer import write_transaction

RECORD3 = 273 + 57  # the sample's Type-1 and Type-2 records are 273 and 57 bytes long


def refused(data: bytes) -> TransactionFormatError:
    with pytest.raises(TransactionFormatError) as err:
        read_transaction(data)
    return err.value


def test_empty_input_is_refused() -> None:
    assert refused(b"").field == "record 1 (Type-1)"


@pytest.mark.parametrize("cut", [1, 7, 100, 272, 273, 330, 331, 5000, 42465 + 330, 674993])
def test_truncated_files_are_refused(sample_bytes: bytes, cut: int) -> None:
    err = refused(sample_bytes[:cut])
    assert err.field.startswith("record ")


def test_truncation_inside_an_image_names_its_length_field(sample_bytes: bytes) -> None:
    err = refused(sample_bytes[: RECORD3 + 1000])
    assert err.field == "record 3 (Type-14) field 14.001 LEN"
    assert "claims 42465 bytes but only 1000 remain" in err.reason


def test_a_length_of_4_gigabytes_is_refused_without_allocating(sample_bytes: bytes) -> None:
    forged = sample_bytes[:RECORD3] + sample_bytes[RECORD3:].replace(b"14.001:42465", b"14.001:4294967296", 1)
    err = refused(forged)
    assert err.field == "record 3 (Type-14) field 14.001 LEN" and "4294967296" in err.reason


def test_a_length_too_short_for_its_record_is_refused(sample_bytes: bytes) -> None:
    forged = sample_bytes[:RECORD3] + sample_bytes[RECORD3:].replace(b"14.001:42465", b"14.001:42464", 1)
    assert refused(forged).field == "record 3 (Type-14) field 14.001 LEN"


def test_a_non_numeric_length_is_refused(sample_bytes: bytes) -> None:
    forged = sample_bytes.replace(b"1.001:273", b"1.001:27x", 1)
    assert refused(forged).field == "record 1 (Type-1) field 1.001 LEN"


def test_a_type4_length_of_4_gigabytes_is_refused(sample_txn) -> None:  # type: ignore[no-untyped-def]
    img = finger_image_records(sample_txn)[0]
    sample_txn.records[2] = BinaryRecord(1, 3, (1,), 0, img.width, img.height, 1, img.data)
    sample_txn.renumber()
    sample_txn.type1.set(3, content_field(sample_txn.content_list()))
    data = bytearray(write_transaction(sample_txn))
    start = int(read_transaction(bytes(data)).type1.value(1) or b"0") + 57
    assert struct.unpack_from(">I", data, start)[0] == 18 + len(img.data)
    struct.pack_into(">I", data, start, 0xFFFFFFFF)
    err = refused(bytes(data))
    assert err.field == "record 3 (Type-4) field 4.001 LEN" and "4294967295" in err.reason


def test_an_unknown_record_type_is_refused(sample_bytes: bytes) -> None:
    forged = sample_bytes.replace(b"\x1e14\x1f14\x1d", b"\x1e42\x1f14\x1d", 1)
    err = refused(forged)
    assert err.field == "record 1 (Type-1) field 1.003 CNT" and "record type 42" in err.reason


def test_a_record_of_another_type_than_listed_is_refused(sample_bytes: bytes) -> None:
    forged = sample_bytes.replace(b"\x1e14\x1f01\x1e", b"\x1e13\x1f01\x1e", 1)
    err = refused(forged)
    assert err.field == "record 3 (Type-13)" and "belongs to Type-14" in err.reason


def test_a_content_count_that_disagrees_with_its_list_is_refused(sample_bytes: bytes) -> None:
    forged = sample_bytes.replace(b"1.003:1\x1f15", b"1.003:1\x1f16", 1)
    err = refused(forged)
    assert err.field == "record 1 (Type-1) field 1.003 CNT" and "16" in err.reason


def test_a_content_list_shorter_than_the_file_is_refused(sample_txn) -> None:  # type: ignore[no-untyped-def]
    from scomm.nist.transaction import Transaction
    from scomm.nist.writer import _tagged

    last = sample_txn.records[-1]
    shorter = Transaction(sample_txn.records[:-1])
    shorter.type1.set(3, content_field(shorter.content_list()))
    head = write_transaction(shorter)  # CNT lists 15 records
    err = refused(head + _tagged(last))  # but 16 are there
    assert err.field == "record 1 (Type-1) field 1.003 CNT" and "bytes follow" in err.reason


def test_an_idc_that_disagrees_with_the_content_list_is_refused(sample_bytes: bytes) -> None:
    forged = sample_bytes.replace(b"\x1e14\x1f01\x1e", b"\x1e14\x1f07\x1e", 1)
    err = refused(forged)
    assert err.field == "record 3 (Type-14) field 14.002 IDC" and "CNT" in err.reason


@pytest.mark.parametrize(("index", "number", "name"), [(0, 9, "1.009 TCN"), (2, 13, "14.013 FGP"), (3, 999, "14.999 DATA"), (1, 2, "2.002 IDC")])
def test_a_missing_mandatory_field_is_named(sample_txn, index: int, number: int, name: str) -> None:  # type: ignore[no-untyped-def]
    sample_txn.records[index].remove(number)
    with pytest.raises(TransactionFormatError) as caught:  # the writer or the reader refuses
        read_transaction(write_transaction(sample_txn))
    err = caught.value
    rtype = sample_txn.records[index].type
    assert err.field == f"record {index + 1} (Type-{rtype}) field {name}"
    assert "missing" in err.reason


def test_an_unsupported_version_is_refused(sample_bytes: bytes) -> None:
    err = refused(sample_bytes.replace(b"1.002:0500", b"1.002:0200", 1))
    assert err.field == "record 1 (Type-1) field 1.002 VER"


def test_a_repeated_finger_position_is_refused(sample_txn) -> None:  # type: ignore[no-untyped-def]
    sample_txn.records[3].set(13, "1")
    err = refused(write_transaction(sample_txn))
    assert err.field == "record 4 (Type-14) field 14.013 FGP"
    assert "finger position 1 (rolled) repeats record 3" in err.reason


def test_a_wsq_frame_disagreeing_with_the_record_size_is_refused(sample_txn) -> None:  # type: ignore[no-untyped-def]
    sample_txn.records[2].set(6, "805")
    err = refused(write_transaction(sample_txn))
    assert err.field == "record 3 (Type-14) field 14.999 DATA" and "805x752" in err.reason


def test_wsq_that_does_not_decode_is_refused_when_decoding(sample_txn) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(sample_txn.records[2].value(999))
    data[-2000:] = b"\xff\xa3" * 1000  # entropy-coded blocks replaced by markers
    sample_txn.records[2].set(999, bytes(data))
    txn = read_transaction(write_transaction(sample_txn))  # the header is intact: structure reads
    with pytest.raises(TransactionFormatError) as err:
        check_images_decode(txn)
    assert err.value.field == "record 3 (Type-14) field 14.999 DATA" and "decode" in err.value.reason


def test_a_forged_wsq_size_is_refused_before_decoding(sample_txn) -> None:  # type: ignore[no-untyped-def]
    rec = sample_txn.records[2]
    data = bytearray(rec.value(999))
    sof = data.index(b"\xff\xa2")
    struct.pack_into(">HH", data, sof + 6, 65000, 65000)
    rec.set(999, bytes(data))
    rec.set(6, "65000")
    rec.set(7, "65000")
    err = refused(write_transaction(sample_txn))
    assert err.field == "record 3 (Type-14) field 14.999 DATA" and "limit" in err.reason


def test_a_missing_file_is_a_transaction_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TransactionFormatError) as err:
        read_transaction_file(tmp_path / "absent.eft")
    assert "absent.eft" in err.value.field


def test_a_separator_in_a_text_field_is_refused_by_the_writer(sample_txn) -> None:  # type: ignore[no-untyped-def]
    sample_txn.type1.set(9, b"A\x1dB")
    with pytest.raises(TransactionFormatError) as err:
        write_transaction(sample_txn)
    assert err.value.field == "record 1 (Type-1) field 1.009 TCN"


def test_the_writer_refuses_a_content_list_that_does_not_match(sample_txn) -> None:  # type: ignore[no-untyped-def]
    del sample_txn.records[-1]
    with pytest.raises(TransactionFormatError) as err:
        write_transaction(sample_txn)
    assert err.value.field == "record 1 (Type-1) field 1.003 CNT"


@pytest.mark.parametrize(("number", "value", "name"), [(12, "16", "14.012 BPX"), (9, "0", "14.009 THPS"), (11, "GIF", "14.011 CGA"), (8, "7", "14.008 SLC"), (13, "X", "14.013 FGP"), (13, "77", "14.013 FGP")])
def test_image_fields_that_make_no_sense_are_refused(sample_txn, number: int, value: str, name: str) -> None:  # type: ignore[no-untyped-def]
    sample_txn.records[2].set(number, value)
    err = refused(write_transaction(sample_txn))
    assert err.field == f"record 3 (Type-14) field {name}"


def test_wsq_that_crashes_the_c_decoder_is_refused_and_the_process_survives(sample_txn) -> None:  # type: ignore[no-untyped-def]
    from scomm.nist.images import decode_wsq

    stream = bytearray(finger_image_records(sample_txn)[11].data)  # record 14, plain left thumb
    stream[848], stream[5347] = 0x23, 0xAE  # found by bench/nist_fuzz.py --engine wsq: SIGSEGV in NBIS
    with pytest.raises(TransactionFormatError) as err:
        decode_wsq(bytes(stream), "record 14 (Type-14) field 14.999 DATA")
    assert err.value.field == "record 14 (Type-14) field 14.999 DATA" and "does not decode" in err.value.reason
    assert decode_wsq(finger_image_records(sample_txn)[0].data).shape == (752, 804)  # a fresh worker decodes
