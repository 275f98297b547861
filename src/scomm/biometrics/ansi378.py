"""ANSI INCITS 378-2004 finger minutiae record (FMR): export and import.

Record header (26 bytes, big endian): "FMR\\0", " 20\\0", record length (2;
or 0 followed by a 4-byte length for records over 65,535 bytes), CBEFF product
identifier (4), capture equipment compliance and ID (2), image width and height
(2 + 2), x and y resolution in pixels per cm (2 + 2), number of finger views
(1), reserved (1). Angles are in units of 2 degrees (0..179).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from scomm.biometrics._fmr import MAGIC, PPCM_500, VERSION, decode_views, encode_views, same_size
from scomm.biometrics.template import Template
from scomm.errors import TemplateError

CODEC = "ANSI INCITS 378-2004"
ANGLE_STEPS = 180
# CBEFF product identifier: owner 0 (none registered) and type 0.
PRODUCT_ID = 0
_REST = struct.Struct(">IHHHHHBB")


def to_ansi378(templates: Template | Sequence[Template]) -> bytes:
    """One FMR record holding a finger view per template (coordinates at 500 ppi)."""
    views = [templates] if isinstance(templates, Template) else list(templates)
    width, height = same_size(views, CODEC)
    body = encode_views(views, ANGLE_STEPS, CODEC)
    rest = _REST.pack(PRODUCT_ID, 0, width, height, PPCM_500, PPCM_500, len(views), 0)
    length = 8 + 2 + len(rest) + len(body)
    if length <= 0xFFFF:
        return MAGIC + VERSION + struct.pack(">H", length) + rest + body
    return MAGIC + VERSION + struct.pack(">HI", 0, length + 4) + rest + body


def from_ansi378(data: bytes) -> list[Template]:
    """Every finger view of an ANSI 378-2004 record, as templates at 500 ppi."""
    if len(data) < 8 + 2 + _REST.size:
        raise TemplateError(f"{CODEC}: record is {len(data)} bytes, shorter than its 26-byte header")
    if data[:4] != MAGIC:
        raise TemplateError(f"{CODEC}: not a finger minutiae record (format identifier {data[:4]!r})")
    if data[4:8] != VERSION:
        raise TemplateError(f"{CODEC}: version {data[4:8]!r} is not the 2004 edition (' 20')")
    (length,) = struct.unpack_from(">H", data, 8)
    offset = 10
    if length == 0:
        if len(data) < 14 + _REST.size:
            raise TemplateError(f"{CODEC}: record is too short for its extended length field")
        (length,) = struct.unpack_from(">I", data, 10)
        offset = 14
    if length != len(data):
        raise TemplateError(f"{CODEC}: record length field says {length} bytes, record has {len(data)}")
    _, _, width, height, ppcm_x, ppcm_y, count, _ = _REST.unpack_from(data, offset)
    return decode_views(data, offset + _REST.size, count, width, height, ppcm_x, ppcm_y, ANGLE_STEPS, CODEC)
