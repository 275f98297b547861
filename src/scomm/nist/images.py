"""Fingerprint images in a transaction: where they are, what they claim, and their pixels.

WSQ is decoded by IDEMIA's ``wsq`` package (NBIS's WSQ coder as a Pillow plugin). We
call its C module ``_wsq`` directly when it is there: through Pillow's plugin the
decoded bytes go through ``Image.putdata`` and the sample card takes twice as long
(see docs/nist.md); the Pillow route remains the fallback. Before the C decoder sees
a byte, the WSQ frame header is read here and its size compared with the record's
HLL/VLL and with MAX_IMAGE_PIXELS, so a forged header cannot make it allocate
gigabytes.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scomm.errors import TransactionFormatError
from scomm.nist.parameters import (
    IMAGE_DATA_FIELD,
    MAX_IMAGE_PIXELS,
    MIN_IMAGE_SIDE,
    WSQ_BITRATE,
    WSQ_ISOLATED,
)
from scomm.nist.transaction import BinaryRecord, Record, TaggedRecord, Transaction

FINGER_IMAGE_TYPES = frozenset({4, 13, 14})
TYPE4_COMPRESSION = {0: "NONE", 1: "WSQ20", 2: "JPEGB", 3: "JPEGL", 4: "JP2", 5: "JP2L", 6: "PNG"}
"""Type-4 GCA byte to the compression names of Type-14 CGA (ANSI/NIST-ITL 1-2011 Table 15)."""
WSQ_NAMES = frozenset({"WSQ", "WSQ20"})
PILLOW_NAMES = frozenset({"JPEGB", "JPEGL", "JP2", "JP2L", "PNG"})
KNOWN_COMPRESSION = WSQ_NAMES | PILLOW_NAMES | {"NONE"}

try:  # the C module shipped inside the ``wsq`` distribution
    import _wsq as _wsq_c
except ImportError:  # pragma: no cover - depends on the wsq build
    _wsq_c = None


@dataclass(frozen=True, eq=False)
class FingerImageRecord:
    """What an image record says about its image, without decoding it."""

    record_index: int
    record_type: int
    positions: tuple[int, ...]
    """Finger positions (FGP), the first one primary; 255 fillers of Type-4 removed."""
    impression: int
    width: int
    height: int
    ppi: int | None
    """Pixels per inch from the record's scale fields; None when the record gives no scale."""
    compression: str
    data: bytes

    @property
    def position(self) -> int:
        return self.positions[0] if self.positions else 0

    @property
    def where(self) -> str:
        from scomm.nist.fields import where

        data_field = 9 if self.record_type == 4 else IMAGE_DATA_FIELD
        return where(self.record_index, self.record_type, data_field)


def finger_image_records(txn: Transaction) -> list[FingerImageRecord]:
    """Every Type-4, Type-13 and Type-14 image of the transaction, in file order."""
    return [image_record(txn, r) for r in txn.records if r.type in FINGER_IMAGE_TYPES]


def image_record(txn: Transaction, rec: Record) -> FingerImageRecord:
    """Describe one image record; its fields are checked, its pixels are not decoded."""
    if isinstance(rec, BinaryRecord):
        if rec.isr == 0:
            ppi: int | None = 500  # minimum scanning resolution 19.69 ppmm
        else:
            nsr = txn.type1.text(11) or ""
            ppi = _ppmm_to_ppi(nsr, txn.type1.where(11))
        positions = tuple(p for p in rec.fgp if p != 255)
        name = TYPE4_COMPRESSION.get(rec.gca)
        if name is None:
            raise TransactionFormatError(rec.where(8), f"compression code {rec.gca} is not defined")
        return FingerImageRecord(rec.index, 4, positions, rec.imp, rec.hll, rec.vll, ppi, name, rec.data)
    if not isinstance(rec, TaggedRecord) or rec.type not in (13, 14):
        raise TransactionFormatError(rec.where(), "is not a fingerprint image record")
    imp = rec.integer(3)
    width, height = rec.integer(6), rec.integer(7)
    slc = rec.integer(8)
    hps = rec.integer(9)
    if slc in (1, 2) and not 0 < hps <= 99999:
        raise TransactionFormatError(rec.where(9), f"horizontal pixel scale {hps} is not a resolution")
    bpx = rec.integer(12)
    if bpx != 8:
        raise TransactionFormatError(rec.where(12), f"{bpx} bits per pixel: scomm reads 8-bit grayscale only")
    if slc == 1:
        ppi = hps
    elif slc == 2:
        ppi = round(hps * 2.54)
    elif slc == 0:
        ppi = None
    else:
        raise TransactionFormatError(rec.where(8), f"scale units must be 0, 1 (ppi) or 2 (ppcm), got {slc}")
    cga = (rec.text(11) or "").strip().upper()
    if cga not in KNOWN_COMPRESSION:
        raise TransactionFormatError(rec.where(11), f"compression {cga!r} is not one scomm decodes")
    fgps: list[int] = []
    for sub in rec.items(13) or []:
        if not sub[0].isdigit() or len(sub[0]) > 3:
            raise TransactionFormatError(rec.where(13), f"finger position must be a number (got {sub[0][:12]!r})")
        fgps.append(int(sub[0]))
    data = rec.value(IMAGE_DATA_FIELD) or b""
    return FingerImageRecord(rec.index, rec.type, tuple(fgps), imp, width, height, ppi, cga, data)


def _ppmm_to_ppi(text: str, loc: str) -> int:
    try:
        ppmm = float(text)
    except ValueError:
        raise TransactionFormatError(loc, f"resolution must be a number of pixels per mm (got {text[:12]!r})") from None
    if not 1.0 <= ppmm <= 200.0:
        raise TransactionFormatError(loc, f"resolution {text} pixels per mm is not plausible")
    return round(ppmm * 25.4)


def decode_image(img: FingerImageRecord) -> NDArray[np.uint8]:
    """The image's pixels as a 2-D uint8 array (height, width); errors name the data field."""
    check_image_size(img.width, img.height, img.where)
    if img.compression in WSQ_NAMES:
        pixels = decode_wsq(img.data, img.where)
    elif img.compression == "NONE":
        if len(img.data) != img.width * img.height:
            raise TransactionFormatError(
                img.where, f"uncompressed 8-bit image of {img.width}x{img.height} needs {img.width * img.height} bytes, has {len(img.data)}"
            )
        pixels = np.frombuffer(img.data, dtype=np.uint8).reshape(img.height, img.width).copy()
    else:
        pixels = _decode_pillow(img.data, img.where)
    if pixels.shape != (img.height, img.width):
        raise TransactionFormatError(
            img.where, f"image is {pixels.shape[1]}x{pixels.shape[0]} but the record says {img.width}x{img.height}"
        )
    return pixels


def check_image_size(width: int, height: int, loc: str) -> None:
    """Refuse sizes no fingerprint has, before any decoder allocates for them."""
    if width < MIN_IMAGE_SIDE or height < MIN_IMAGE_SIDE:
        raise TransactionFormatError(loc, f"image size {width}x{height} is too small to be a fingerprint")
    if width * height > MAX_IMAGE_PIXELS:
        raise TransactionFormatError(loc, f"image size {width}x{height} exceeds the {MAX_IMAGE_PIXELS}-pixel limit")


def wsq_size(data: bytes, loc: str = "WSQ image") -> tuple[int, int]:
    """(width, height) from a WSQ frame header, walking the marker segments (bounded)."""
    if data[:2] != b"\xff\xa0":
        raise TransactionFormatError(loc, "WSQ data does not start with the SOI marker FFA0")
    pos = 2
    n = len(data)
    while pos + 4 <= n:
        marker = data[pos : pos + 2]
        (seg_len,) = struct.unpack_from(">H", data, pos + 2)
        if marker == b"\xff\xa2":
            if pos + 10 > n:
                break
            height, width = struct.unpack_from(">HH", data, pos + 6)
            return width, height
        if marker not in (b"\xff\xa4", b"\xff\xa5", b"\xff\xa6", b"\xff\xa7", b"\xff\xa8"):
            raise TransactionFormatError(loc, f"unexpected WSQ marker {marker.hex().upper()} before the frame header")
        if seg_len < 2:
            raise TransactionFormatError(loc, f"WSQ segment {marker.hex().upper()} has length {seg_len}")
        pos += 2 + seg_len
    raise TransactionFormatError(loc, "WSQ data ends before its frame header (SOF FFA2)")


def decode_wsq(data: bytes, loc: str = "WSQ image", *, isolated: bool = WSQ_ISOLATED) -> NDArray[np.uint8]:
    """Decode WSQ to a (height, width) uint8 array after checking the header's size.

    ``isolated`` (the default) decodes in a worker process, so that corrupt data that
    crashes the C decoder is refused instead of killing this process.
    """
    width, height = wsq_size(data, loc)
    check_image_size(width, height, loc)
    if isolated and _wsq_c is not None:
        from scomm.nist.wsq_isolation import decode_isolated

        buf, w, h = decode_isolated(bytes(data), loc)
        if (w, h) != (width, height) or len(buf) != w * h:
            raise TransactionFormatError(loc, f"WSQ decoder returned {w}x{h}, header says {width}x{height}")
        return np.frombuffer(buf, dtype=np.uint8).reshape(h, w).copy()
    if _wsq_c is not None:
        try:
            buf, w, h, _ppi = _wsq_c.decompress(bytes(data))
        except Exception as exc:  # noqa: BLE001 - the C module raises a bare Exception("WSQ Error: -n")
            raise TransactionFormatError(loc, f"WSQ image does not decode ({exc})") from None
        if (w, h) != (width, height) or len(buf) != w * h:
            raise TransactionFormatError(loc, f"WSQ decoder returned {w}x{h}, header says {width}x{height}")
        return np.frombuffer(buf, dtype=np.uint8).reshape(h, w).copy()
    return _decode_pillow(data, loc)


def _decode_pillow(data: bytes, loc: str) -> NDArray[np.uint8]:
    import wsq  # noqa: F401  (registers the WSQ plugin with Pillow)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            check_image_size(im.size[0], im.size[1], loc)
            gray = im.convert("L") if im.mode != "L" else im
            gray.load()
            return np.asarray(gray, dtype=np.uint8).copy()
    except TransactionFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for corrupt data
        raise TransactionFormatError(loc, f"image does not decode ({type(exc).__name__}: {exc})") from None


def encode_wsq(pixels: NDArray[np.uint8], bitrate: float = WSQ_BITRATE) -> bytes:
    """WSQ-compress a 2-D uint8 image (the coder records 500 ppi)."""
    arr = np.ascontiguousarray(pixels, dtype=np.uint8)
    if arr.ndim != 2:
        raise TransactionFormatError("image", f"must be 2-D grayscale, got shape {arr.shape}")
    check_image_size(arr.shape[1], arr.shape[0], "image")
    if _wsq_c is not None:
        out: Any = _wsq_c.compress(arr.tobytes(), arr.shape[0], arr.shape[1], float(bitrate))
        return bytes(out)
    import wsq  # noqa: F401
    from PIL import Image  # pragma: no cover - fallback

    bio = io.BytesIO()
    Image.fromarray(arr, mode="L").save(bio, "WSQ")
    return bio.getvalue()
