from __future__ import annotations

import numpy as np

from scomm.nist.images import decode_image, finger_image_records
from scomm.nist.reader import read_transaction, read_transaction_file
from scomm.nist.transaction import Transaction
from scomm.nist.writer import write_transaction

from .conftest import SAMPLE


def test_sample_has_the_records_its_content_list_names(sample_txn: Transaction) -> None:
    assert [r.type for r in sample_txn] == [1, 2] + [14] * 14
    assert sample_txn.version == "0500"
    assert sample_txn.tot == "AMN"
    assert sample_txn.ori == "MDNISTIMG"
    assert sample_txn.content_list() == [(2, 0)] + [(14, i) for i in range(1, 15)]


def test_sample_images_all_decode_to_their_declared_size(sample_txn: Transaction) -> None:
    images = finger_image_records(sample_txn)
    assert sorted(i.position for i in images) == list(range(1, 15))
    for img in images:
        pixels = decode_image(img)
        assert pixels.dtype == np.uint8 and pixels.shape == (img.height, img.width)
        assert img.ppi == 500 and img.compression == "WSQ20"
        assert 40 < float(pixels.mean()) < 250 and pixels.std() > 10  # a print, not a blank


def test_sample_rolled_and_plain_impressions_are_told_apart(sample_txn: Transaction) -> None:
    images = {i.position: i for i in finger_image_records(sample_txn)}
    assert all(images[p].impression == 3 for p in range(1, 11))  # non-live rolled (card)
    assert all(images[p].impression == 2 for p in range(11, 15))  # non-live plain


def test_sample_is_written_back_byte_for_byte(sample_bytes: bytes) -> None:
    assert write_transaction(read_transaction(sample_bytes)) == sample_bytes


def test_reading_from_a_path_equals_reading_bytes(sample_bytes: bytes) -> None:
    assert write_transaction(read_transaction_file(SAMPLE)) == sample_bytes


def test_changing_a_field_recomputes_the_record_length(sample_bytes: bytes) -> None:
    txn = read_transaction(sample_bytes)
    txn.type1.set(9, "T1")
    out = write_transaction(txn)
    again = read_transaction(out)
    assert again.tcn == "T1"
    assert int(again.type1.value(1) or b"0") == 273 - len("jck tenprint card nqm") + 2
    assert out[273 - 19 :] == sample_bytes[273:]
