"""What ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 finger minutiae records share.

Both are "FMR\\0" records holding finger views; a view is a 4-byte header
(position, view number and impression type, quality, minutiae count), then
6 bytes a minutia (2-bit type and 14-bit x, 2 reserved bits and 14-bit y, one
angle byte, one quality byte), then an extended-data length. They differ in
the record header and in the angle unit (ISO: 360/256 degrees, ANSI: 2 degrees).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np

from scomm.biometrics.template import (
    REFERENCE_PPI,
    FingerPosition,
    ImpressionType,
    MinutiaKind,
    Template,
)
from scomm.errors import TemplateError

MAGIC = b"FMR\x00"
VERSION = b" 20\x00"
PPCM_500 = 197  # 500 ppi in pixels per centimetre, the records' resolution unit (500 / 2.54, rounded)

# Minutia type bits: 01 ridge ending, 10 bifurcation, 00 other.
_KIND_TO_BITS = {MinutiaKind.OTHER: 0, MinutiaKind.ENDING: 1, MinutiaKind.BIFURCATION: 2}
_BITS_TO_KIND = {0: MinutiaKind.OTHER, 1: MinutiaKind.ENDING, 2: MinutiaKind.BIFURCATION, 3: MinutiaKind.OTHER}


def encode_views(templates: Sequence[Template], angle_steps: int, codec: str) -> bytes:
    """Finger view blocks for the templates (views numbered per finger position)."""
    out = bytearray()
    seen: dict[int, int] = {}
    for t in templates:
        n = len(t)
        if n > 255:
            raise TemplateError(f"{codec}: a finger view holds at most 255 minutiae, template has {n}")
        view = seen.get(int(t.position), 0)
        seen[int(t.position)] = view + 1
        if view > 15:
            raise TemplateError(f"{codec}: at most 16 views of finger position {int(t.position)}")
        out += struct.pack(">BBBB", int(t.position), (view << 4) | int(t.impression), int(t.quality), n)
        x = np.clip(np.round(t.x), 0, 0x3FFF).astype(np.uint16)
        y = np.clip(np.round(t.y), 0, 0x3FFF).astype(np.uint16)
        kind_bits = np.array([_KIND_TO_BITS.get(MinutiaKind(int(k)), 0) for k in t.kind], np.uint16)
        step = 2 * np.pi / angle_steps
        angle = (np.round(t.angle / step).astype(np.int64) % angle_steps).astype(np.uint8)
        quality = np.clip(np.round(t.reliability * 100), 1, 100).astype(np.uint8)
        rec = np.zeros(n, dtype=[("tx", ">u2"), ("ry", ">u2"), ("a", "u1"), ("q", "u1")])
        rec["tx"] = (kind_bits << 14) | x
        rec["ry"] = y
        rec["a"] = angle
        rec["q"] = quality
        out += rec.tobytes()
        out += b"\x00\x00"  # no extended data
    return bytes(out)


def decode_views(data: bytes, offset: int, count: int, width: int, height: int, ppcm_x: int, ppcm_y: int,
                 angle_steps: int, codec: str) -> list[Template]:
    """Parse ``count`` finger views starting at ``offset``; coordinates rescaled to 500 ppi."""
    if ppcm_x <= 0 or ppcm_y <= 0:
        raise TemplateError(f"{codec}: resolution must be positive, got {ppcm_x}x{ppcm_y} pixels/cm")
    sx, sy = PPCM_500 / ppcm_x, PPCM_500 / ppcm_y
    views = []
    for v in range(count):
        if offset + 4 > len(data):
            raise TemplateError(f"{codec}: finger view {v + 1} header is truncated at byte {offset}")
        position, view_imp, quality, n = struct.unpack_from(">BBBB", data, offset)
        offset += 4
        end = offset + 6 * n
        if end + 2 > len(data):
            raise TemplateError(f"{codec}: finger view {v + 1} declares {n} minutiae but the record ends first")
        rec = np.frombuffer(data, dtype=[("tx", ">u2"), ("ry", ">u2"), ("a", "u1"), ("q", "u1")], count=n,
                            offset=offset)
        (ext_len,) = struct.unpack_from(">H", data, end)
        offset = end + 2 + ext_len
        if offset > len(data):
            raise TemplateError(f"{codec}: finger view {v + 1} extended data runs past the end of the record")
        if quality > 100:
            raise TemplateError(f"{codec}: finger view {v + 1} quality {quality} is above 100")
        try:
            pos = FingerPosition(position)
            imp = ImpressionType(view_imp & 0x0F)
        except ValueError as exc:
            raise TemplateError(f"{codec}: finger view {v + 1}: {exc}") from exc
        kinds = np.array([_BITS_TO_KIND[int(b)] for b in (rec["tx"] >> 14)], np.uint8)
        if np.any(rec["a"] >= angle_steps):
            raise TemplateError(f"{codec}: finger view {v + 1} has a minutia angle above {angle_steps - 1}")
        views.append(Template(
            (rec["tx"] & 0x3FFF).astype(np.float32) * sx,
            (rec["ry"] & 0x3FFF).astype(np.float32) * sy,
            (rec["a"].astype(np.float32) * (2 * np.pi / angle_steps)).astype(np.float32),
            kinds,
            (rec["q"].astype(np.float32) / 100).astype(np.float32),
            max(1, round(width * sx)), max(1, round(height * sy)),
            quality=quality, position=pos, impression=imp,
        ))
    return views


def same_size(templates: Sequence[Template], codec: str) -> tuple[int, int]:
    """The image size the record header states: the largest of the views (all at 500 ppi)."""
    if not templates:
        raise TemplateError(f"{codec}: a record needs at least one finger view")
    if len(templates) > 255:
        raise TemplateError(f"{codec}: a record holds at most 255 finger views")
    return max(t.width for t in templates), max(t.height for t in templates)


__all__ = ["MAGIC", "PPCM_500", "REFERENCE_PPI", "VERSION", "decode_views", "encode_views", "same_size"]
