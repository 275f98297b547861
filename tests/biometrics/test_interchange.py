"""ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 minutiae records: layout and round trips."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scomm.biometrics import FingerPosition, ImpressionType, Template, compare
from scomm.biometrics.ansi378 import from_ansi378, to_ansi378
from scomm.biometrics.flow import unknown_flow_factor
from scomm.biometrics.iso19794_2 import from_iso19794_2, to_iso19794_2
from scomm.errors import TemplateError

CODECS = [(to_iso19794_2, from_iso19794_2, 2 * np.pi / 256), (to_ansi378, from_ansi378, 2 * np.pi / 180)]


def _template(n: int = 30, seed: int = 0) -> Template:
    rng = np.random.default_rng(seed)
    return Template(rng.uniform(0, 300, n), rng.uniform(0, 400, n), rng.uniform(0, 2 * np.pi, n),
                    rng.integers(0, 3, n).astype(np.uint8), rng.uniform(0.05, 1, n), 320, 420, quality=77,
                    position=FingerPosition.LEFT_INDEX, impression=ImpressionType.LIVESCAN_PLAIN)


def test_iso_header_fields_are_where_the_standard_puts_them() -> None:
    t = _template(12)
    data = to_iso19794_2(t)
    assert data[:8] == b"FMR\x00 20\x00"
    assert struct.unpack(">I", data[8:12])[0] == len(data) == 24 + 4 + 6 * 12 + 2
    assert struct.unpack(">HHHH", data[14:22]) == (320, 420, 197, 197)
    assert data[22] == 1  # one finger view
    assert data[24] == FingerPosition.LEFT_INDEX and data[25] & 0x0F == ImpressionType.LIVESCAN_PLAIN
    assert data[26] == 77 and data[27] == 12


def test_ansi_header_fields_are_where_the_standard_puts_them() -> None:
    t = _template(12)
    data = to_ansi378(t)
    assert data[:8] == b"FMR\x00 20\x00"
    assert struct.unpack(">H", data[8:10])[0] == len(data) == 26 + 4 + 6 * 12 + 2
    assert struct.unpack(">HHHH", data[16:24]) == (320, 420, 197, 197)
    assert data[24] == 1


@pytest.mark.parametrize(("encode", "decode", "step"), CODECS)
def test_round_trip_keeps_minutiae_within_the_formats_precision(encode, decode, step) -> None:  # type: ignore[no-untyped-def]
    t = _template(40, seed=3)
    (back,) = decode(encode(t))
    assert len(back) == len(t)
    assert np.all(np.abs(back.x - np.clip(np.round(t.x), 0, None)) < 1e-4)
    assert np.all(np.abs(back.y - np.round(t.y)) < 1e-4)
    d = np.abs((back.angle - t.angle + np.pi) % (2 * np.pi) - np.pi)
    assert np.all(d <= step / 2 + 1e-5)
    assert np.array_equal(back.kind, t.kind)
    assert (back.position, back.impression, back.quality) == (t.position, t.impression, t.quality)
    assert compare(t, back) > 0.9 * unknown_flow_factor()  # the formats carry no ridge-flow grid


@pytest.mark.parametrize(("encode", "decode", "step"), CODECS)
def test_several_views_in_one_record(encode, decode, step) -> None:  # type: ignore[no-untyped-def]
    views = [_template(10, seed=s) for s in range(3)]
    back = decode(encode(views))
    assert [len(v) for v in back] == [10, 10, 10]


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_the_decoders(data: bytes) -> None:
    for decode in (from_iso19794_2, from_ansi378):
        try:
            decode(data)
        except TemplateError:
            pass


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 200), st.integers(0, 600))
def test_truncated_records_are_refused(n: int, cut: int) -> None:
    for encode, decode, _ in CODECS:
        data = encode(_template(max(n % 60, 1)))
        if cut < len(data):
            with pytest.raises(TemplateError):
                decode(data[:cut])


def test_records_at_other_resolutions_are_rescaled_to_500_ppi() -> None:
    t = _template(5)
    data = bytearray(to_iso19794_2(t))
    data[18:22] = struct.pack(">HH", 394, 394)  # 1000 ppi
    (back,) = from_iso19794_2(bytes(data))
    assert np.allclose(back.x, np.round(t.x) / 2, atol=1e-3)


def test_wrong_format_identifier_is_named_in_the_error() -> None:
    data = bytearray(to_ansi378(_template(5)))
    data[:4] = b"XYZ\x00"
    with pytest.raises(TemplateError, match="format identifier"):
        from_ansi378(bytes(data))
