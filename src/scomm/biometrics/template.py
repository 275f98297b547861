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
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

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
    # Layout v1 (little endian): magic b"SCT", version u8, width u16, height u16,
    # quality u8, position u8, impression u8, count u16, then count records of
    # x u16 (1/8 px), y u16 (1/8 px), angle u8 (2π/256), kind u8, reliability u8 (1/255).
    # 7 bytes a minutia: a 60-minutia finger fits in under 450 bytes.
    _MAGIC = b"SCT"
    _VERSION = 1
    _HEAD = struct.Struct("<3sBHHBBBH")

    def to_bytes(self) -> bytes:
        n = len(self)
        if n > 0xFFFF:
            raise TemplateError(f"template has {n} minutiae, more than the format's 65535")
        head = self._HEAD.pack(self._MAGIC, self._VERSION, min(self.width, 0xFFFF), min(self.height, 0xFFFF),
                               int(self.quality), int(self.position), int(self.impression), n)
        rec = np.zeros(n, dtype=[("x", "<u2"), ("y", "<u2"), ("a", "u1"), ("k", "u1"), ("r", "u1")])
        rec["x"] = np.clip(np.round(self.x * 8), 0, 0xFFFF)
        rec["y"] = np.clip(np.round(self.y * 8), 0, 0xFFFF)
        rec["a"] = np.round(self.angle / (2 * np.pi) * 256).astype(np.int64) % 256
        rec["k"] = self.kind
        rec["r"] = np.clip(np.round(self.reliability * 255), 0, 255)
        return head + rec.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Template:
        if len(data) < cls._HEAD.size:
            raise TemplateError(f"template is {len(data)} bytes, shorter than its {cls._HEAD.size}-byte header")
        magic, version, w, h, q, pos, imp, n = cls._HEAD.unpack_from(data)
        if magic != cls._MAGIC:
            raise TemplateError("not a scomm template (bad magic bytes)")
        if version != cls._VERSION:
            raise TemplateError(f"template version {version} is not supported (this scomm reads {cls._VERSION})")
        body = data[cls._HEAD.size:]
        if len(body) != 7 * n:
            raise TemplateError(f"template declares {n} minutiae but carries {len(body)} bytes (want {7 * n})")
        rec = np.frombuffer(body, dtype=[("x", "<u2"), ("y", "<u2"), ("a", "u1"), ("k", "u1"), ("r", "u1")])
        try:
            return cls(_f32(rec["x"] / 8.0), _f32(rec["y"] / 8.0), _f32(rec["a"] * (2 * np.pi / 256)), rec["k"],
                       _f32(rec["r"] / 255.0),
                       w, h, quality=q, position=FingerPosition(pos), impression=ImpressionType(imp))
        except ValueError as exc:
            raise TemplateError(f"template header is invalid: {exc}") from exc
