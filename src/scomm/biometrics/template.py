"""Minutiae templates: what scomm keeps of a finger impression.

All coordinates are in pixels at 500 ppi (the reference resolution of the
criminal-justice world), whatever the source image's resolution, so templates
from different sensors compare directly. Angles are radians in [0, 2π), the
direction the ridge runs away from the minutia (ridge ending: along the ridge
into the ending; ISO 19794-2 convention converted to radians, counter-clockwise,
image y axis pointing down).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics import parameters as P
from scomm.biometrics.flow import NO_FLOW
from scomm.errors import TemplateError

REFERENCE_PPI = 500


class MinutiaKind(IntEnum):
    OTHER = 0
    ENDING = 1
    BIFURCATION = 2


class FingerPosition(IntEnum):
    """ANSI/NIST-ITL finger position codes (FGP); 0 = unknown."""

    UNKNOWN = 0
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10


class ImpressionType(IntEnum):
    """ANSI/NIST-ITL impression type (IMP), the few scomm distinguishes."""

    LIVESCAN_PLAIN = 0
    LIVESCAN_ROLLED = 1
    NONLIVE_PLAIN = 2
    NONLIVE_ROLLED = 3


def _f32(values: object) -> NDArray[np.float32]:
    return np.ascontiguousarray(np.asarray(values, dtype=np.float32).reshape(-1))


@dataclass(frozen=True, eq=False)
class Template:
    """Minutiae of one impression, as parallel arrays (vectorised matching wants columns).

    ``quality`` is 0..100 (NFIQ 2 style, higher is better), used to weight fingers
    in tenprint fusion; ``reliability`` is each minutia's 0..1 confidence.
    ``flow`` is the ridge-flow grid (:mod:`scomm.biometrics.flow`), empty (0 x 0) when the
    template has none (imported ISO/ANSI minutiae, synthetic templates): comparison then weighs the
    minutiae score as if the agreement were ``FLOW_UNKNOWN_AGREEMENT`` (one score scale for both).
    """

    x: NDArray[np.float32]
    y: NDArray[np.float32]
    angle: NDArray[np.float32]
    kind: NDArray[np.uint8]
    reliability: NDArray[np.float32]
    width: int
    height: int
    quality: int = 50
    position: FingerPosition = FingerPosition.UNKNOWN
    impression: ImpressionType = ImpressionType.LIVESCAN_ROLLED
    extra: dict[str, float] = field(default_factory=dict)
    flow: NDArray[np.uint8] = field(default_factory=lambda: NO_FLOW)

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _f32(self.x))
        object.__setattr__(self, "y", _f32(self.y))
        object.__setattr__(self, "angle", np.mod(_f32(self.angle), np.float32(2 * np.pi)))
        object.__setattr__(self, "kind", np.ascontiguousarray(np.asarray(self.kind, np.uint8).reshape(-1)))
        object.__setattr__(self, "reliability", _f32(self.reliability))
        n = self.x.shape[0]
        for name in ("y", "angle", "kind", "reliability"):
            if getattr(self, name).shape[0] != n:
                raise TemplateError(f"template column {name!r} has {getattr(self, name).shape[0]} entries, x has {n}")
        if not (0 <= self.quality <= 100):
            raise TemplateError(f"template quality must be 0..100, got {self.quality}")
        if self.width <= 0 or self.height <= 0:
            raise TemplateError(f"template image size must be positive, got {self.width}x{self.height}")
        flow = np.ascontiguousarray(np.asarray(self.flow, np.uint8))
        if flow.ndim != 2:
            raise TemplateError(f"template flow grid must be 2-D (rows x columns), got {flow.ndim}-D")
        object.__setattr__(self, "flow", flow)
        object.__setattr__(self, "position", FingerPosition(int(self.position)))
        object.__setattr__(self, "impression", ImpressionType(int(self.impression)))

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @classmethod
    def from_minutiae(
        cls,
        minutiae: NDArray[np.floating],
        width: int,
        height: int,
        **kwargs: object,
    ) -> Template:
        """Build from an (N, 3..5) array of x, y, angle[, kind[, reliability]]."""
        m = np.asarray(minutiae, dtype=np.float64).reshape(-1, minutiae.shape[-1] if minutiae.ndim == 2 else 3)
        n = m.shape[0]
        kind = m[:, 3] if m.shape[1] > 3 else np.zeros(n)
        rel = m[:, 4] if m.shape[1] > 4 else np.ones(n)
        return cls(m[:, 0], m[:, 1], m[:, 2], kind.astype(np.uint8), rel, width, height, **kwargs)  # type: ignore[arg-type]

    # --- binary form -------------------------------------------------------
    # Layout (little endian): magic b"SCT", version u8, width u16, height u16,
    # quality u8, position u8, impression u8, count u16, then count records of
    # x u16 (1/8 px), y u16 (1/8 px), angle u8 (2π/256), kind u8, reliability u8 (1/255).
    # 7 bytes a minutia: a 60-minutia finger fits in under 450 bytes. Version 2 adds the
    # ridge-flow grid: cell px u8, rows u16, columns u16, length u32, then the grid's bytes
    # (row-major) deflated (zlib): ~300 bytes for a plain impression, ~1.2 KB for a rolled print.
    # Version 1 still reads (no grid).
    _MAGIC = b"SCT"
    _VERSION = 2
    _HEAD = struct.Struct("<3sBHHBBBH")
    _FLOW_HEAD = struct.Struct("<BHHI")
    _RECORD = np.dtype([("x", "<u2"), ("y", "<u2"), ("a", "u1"), ("k", "u1"), ("r", "u1")])

    def to_bytes(self) -> bytes:
        n = len(self)
        if n > 0xFFFF:
            raise TemplateError(f"template has {n} minutiae, more than the format's 65535")
        head = self._HEAD.pack(self._MAGIC, self._VERSION, min(self.width, 0xFFFF), min(self.height, 0xFFFF),
                               int(self.quality), int(self.position), int(self.impression), n)
        rec = np.zeros(n, dtype=self._RECORD)
        rec["x"] = np.clip(np.round(self.x * 8), 0, 0xFFFF)
        rec["y"] = np.clip(np.round(self.y * 8), 0, 0xFFFF)
        rec["a"] = np.round(self.angle / (2 * np.pi) * 256).astype(np.int64) % 256
        rec["k"] = self.kind
        rec["r"] = np.clip(np.round(self.reliability * 255), 0, 255)
        rows, cols = self.flow.shape
        if rows > 0xFFFF or cols > 0xFFFF:
            raise TemplateError(f"template flow grid is {rows}x{cols} cells, more than the format's 65535 a side")
        packed = zlib.compress(self.flow.tobytes(), 9) if self.flow.size else b""
        flow = self._FLOW_HEAD.pack(P.FLOW_CELL_PX, rows, cols, len(packed)) + packed
        return head + rec.tobytes() + flow

    @classmethod
    def from_bytes(cls, data: bytes) -> Template:
        if len(data) < cls._HEAD.size:
            raise TemplateError(f"template is {len(data)} bytes, shorter than its {cls._HEAD.size}-byte header")
        magic, version, w, h, q, pos, imp, n = cls._HEAD.unpack_from(data)
        if magic != cls._MAGIC:
            raise TemplateError("not a scomm template (bad magic bytes)")
        if version not in (1, 2):
            raise TemplateError(f"template version {version} is not supported (this scomm reads 1 and 2)")
        body = data[cls._HEAD.size:]
        size = cls._RECORD.itemsize * n
        flow = NO_FLOW
        if version == 1 and len(body) != size:
            raise TemplateError(f"template declares {n} minutiae but carries {len(body)} bytes (want {size})")
        if version == 2:
            flow = cls._flow_from(body[size:], n)
        rec = np.frombuffer(body[:size], dtype=cls._RECORD)
        try:
            return cls(_f32(rec["x"] / 8.0), _f32(rec["y"] / 8.0), _f32(rec["a"] * (2 * np.pi / 256)), rec["k"],
                       _f32(rec["r"] / 255.0),
                       w, h, quality=q, position=FingerPosition(pos), impression=ImpressionType(imp), flow=flow)
        except ValueError as exc:
            raise TemplateError(f"template header is invalid: {exc}") from exc

    @classmethod
    def _flow_from(cls, data: bytes, n: int) -> NDArray[np.uint8]:
        """The ridge-flow grid after a version-2 template's ``n`` minutia records."""
        if len(data) < cls._FLOW_HEAD.size:
            raise TemplateError(f"template declares {n} minutiae but its minutia records or flow grid header "
                                f"are cut short")
        cell, rows, cols, length = cls._FLOW_HEAD.unpack_from(data)
        if cell != P.FLOW_CELL_PX:
            raise TemplateError(f"template flow grid has {cell} px cells; this scomm uses {P.FLOW_CELL_PX} px")
        packed = data[cls._FLOW_HEAD.size:]
        if len(packed) != length:
            raise TemplateError(f"template flow grid declares {length} bytes but carries {len(packed)}")
        try:
            raw = zlib.decompress(packed) if length else b""
        except zlib.error as exc:
            raise TemplateError(f"template flow grid is corrupt: {exc}") from exc
        if len(raw) != rows * cols:
            raise TemplateError(f"template flow grid holds {len(raw)} cells, its header says {rows}x{cols}")
        return np.frombuffer(raw, np.uint8).reshape(rows, cols).copy()
