import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scomm.biometrics import FingerPosition, Template
from scomm.errors import TemplateError


@given(st.lists(st.tuples(st.floats(0, 800), st.floats(0, 800), st.floats(0, 6.28), st.integers(0, 2), st.floats(0, 1)),
                max_size=120))
def test_binary_round_trip_keeps_minutiae_within_quantisation(rows):
    arr = np.array(rows, dtype=np.float64).reshape(-1, 5)
    t = Template.from_minutiae(arr, 800, 800, quality=42, position=FingerPosition.LEFT_RING)
    u = Template.from_bytes(t.to_bytes())
    assert len(u) == len(t) and u.quality == 42 and u.position == FingerPosition.LEFT_RING
    assert np.allclose(u.x, t.x, atol=1 / 16 + 1e-4) and np.allclose(u.y, t.y, atol=1 / 16 + 1e-4)
    d = np.abs(np.angle(np.exp(1j * (u.angle - t.angle))))
    assert np.all(d <= np.pi / 256 + 1e-4)
    assert np.array_equal(u.kind, t.kind)


def test_truncated_template_is_refused_with_reason():
    t = Template.from_minutiae(np.array([[1, 2, 3, 1, 1.0]]), 10, 10)
    with pytest.raises(TemplateError, match="declares 1 minutiae"):
        Template.from_bytes(t.to_bytes()[:-1])


@given(st.integers(0, 40), st.integers(0, 40), st.binary(min_size=1600, max_size=1600))
def test_the_ridge_flow_grid_round_trips_exactly(rows, cols, cells):
    flow = np.frombuffer(cells[:rows * cols], np.uint8).reshape(rows, cols)
    t = Template.from_minutiae(np.array([[10, 20, 1.0, 1, 1.0]]), 300, 400, flow=flow)
    u = Template.from_bytes(t.to_bytes())
    assert u.flow.shape == (rows, cols) and np.array_equal(u.flow, flow) and u.flow.dtype == np.uint8


def test_version_1_templates_still_read_without_a_flow_grid():
    t = Template.from_minutiae(np.array([[10, 20, 1.0, 1, 1.0], [30, 40, 2.0, 2, 0.5]]), 300, 400,
                               flow=np.full((3, 4), 9, np.uint8))
    data = bytearray(t.to_bytes())
    data[3] = 1  # version 1: the header and minutia records were the same, with nothing after them
    v1 = bytes(data[:Template._HEAD.size + 7 * 2])
    u = Template.from_bytes(v1)
    assert len(u) == 2 and u.flow.shape == (0, 0)
    with pytest.raises(TemplateError, match="declares 2 minutiae"):
        Template.from_bytes(v1 + b"\0")


def test_a_damaged_flow_grid_is_refused_with_reason():
    t = Template.from_minutiae(np.array([[10, 20, 1.0, 1, 1.0]]), 300, 400, flow=np.full((8, 8), 9, np.uint8))
    data = t.to_bytes()
    with pytest.raises(TemplateError, match="flow grid declares"):
        Template.from_bytes(data[:-1])
    head = Template._HEAD.size + 7
    with pytest.raises(TemplateError, match="has 20 px cells; this scomm uses 16 px"):
        Template.from_bytes(data[:head] + bytes([20]) + data[head + 1:])
    corrupt = bytearray(data)
    corrupt[head + Template._FLOW_HEAD.size + 2] ^= 0xFF
    with pytest.raises(TemplateError, match="flow grid"):
        Template.from_bytes(bytes(corrupt))


def test_a_flow_grid_must_be_two_dimensional():
    with pytest.raises(TemplateError, match="2-D"):
        Template.from_minutiae(np.array([[10, 20, 1.0]]), 300, 400, flow=np.zeros(5, np.uint8))


@given(st.binary(max_size=300), st.integers(0, 3), st.integers(1, 2))
def test_arbitrary_bytes_after_a_header_are_refused_with_a_template_error_only(tail, n, version):
    """Whatever follows a plausible header (minutia records, flow grid header, deflated grid), reading
    either succeeds or raises TemplateError: never another exception."""
    head = Template._HEAD.pack(b"SCT", version, 300, 400, 50, 0, 1, n)
    try:
        t = Template.from_bytes(head + tail)
    except TemplateError:
        return
    assert len(t) == n and t.flow.ndim == 2


@given(st.integers(0, 50), st.integers(0, 50), st.binary(max_size=200), st.booleans())
def test_a_damaged_deflated_grid_is_a_template_error(rows, cols, payload, deflate):
    import zlib

    head = Template._HEAD.pack(b"SCT", 2, 300, 400, 50, 0, 1, 0)
    body = zlib.compress(payload) if deflate else payload
    data = head + Template._FLOW_HEAD.pack(16, rows, cols, len(body)) + body
    try:
        t = Template.from_bytes(data)
    except TemplateError:
        return
    assert t.flow.shape == (rows, cols) and rows * cols == len(payload)
