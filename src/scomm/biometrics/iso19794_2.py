"""ISO/IEC 19794-2:2005 finger minutiae record (FMR): export and import.

Record header (24 bytes, big endian): "FMR\\0", " 20\\0", record length (4),
capture equipment certification and device type (2), image width and height
(2 + 2), x and y resolution in pixels per cm (2 + 2), number of finger views
(1), reserved (1). Angles are in units of 360/256 degrees, counter-clockwise
from the x axis, as scomm's templates (which use radians).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from scomm.biometrics._fmr import MAGIC, PPCM_500, VERSION, decode_views, encode_views, same_size
from scomm.biometrics.template import Template
from scomm.errors import TemplateError

CODEC = "ISO/IEC 19794-2:2005"
ANGLE_STEPS = 256
_HEAD = struct.Struct(">4s4sIHHHHHBB")


def to_iso19794_2(templates: Template | Sequence[Template]) -> bytes:
    """One FMR record holding a finger view per template (coordinates at 500 ppi)."""
    views = [templates] if isinstance(templates, Template) else list(templates)
    width, height = same_size(views, CODEC)
    body = encode_views(views, ANGLE_STEPS, CODEC)
    length = _HEAD.size + len(body)
    return _HEAD.pack(MAGIC, VERSION, length, 0, width, height, PPCM_500, PPCM_500, len(views), 0) + body


def from_iso19794_2(data: bytes) -> list[Template]:
    """Every finger view of an ISO 19794-2:2005 record, as templates at 500 ppi."""
    if len(data) < _HEAD.size:
        raise TemplateError(f"{CODEC}: record is {len(data)} bytes, shorter than its {_HEAD.size}-byte header")
    magic, version, length, _, width, height, ppcm_x, ppcm_y, count, _ = _HEAD.unpack_from(data)
    if magic != MAGIC:
        raise TemplateError(f"{CODEC}: not a finger minutiae record (format identifier {magic!r})")
    if version != VERSION:
        raise TemplateError(f"{CODEC}: version {version!r} is not the 2005 edition (' 20')")
    if length != len(data):
        raise TemplateError(f"{CODEC}: record length field says {length} bytes, record has {len(data)}")
    return decode_views(data, _HEAD.size, count, width, height, ppcm_x, ppcm_y, ANGLE_STEPS, CODEC)
