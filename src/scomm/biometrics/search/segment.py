"""Columnar storage of enrolled tenprints: one segment = one block of identities.

A gallery is a list of immutable on-disk segments plus one growing in-memory
tail. Every column is a NumPy array (a memory map once written), so a segment
of ten million identities opens in milliseconds and the first stage reads its
descriptors straight from the page cache:

=================  ===========================  ======================================
file               shape, dtype                 what
=================  ===========================  ======================================
``ids.txt``        n lines                      identity ids, row order
``desc.npy``       (10, n, D) float16           first-stage descriptors per finger position
``quality.npy``    (n, 10) uint8                finger quality 0..100, 255 = not enrolled
``tmpl_off.npy``   (n, 10) int64                offset of the finger's template in templates.bin
``tmpl_len.npy``   (n, 10) int32                its length in bytes (0 = not enrolled)
``templates.bin``  bytes                        ``Template.to_bytes()`` of every finger
``deleted.npy``    (n,) bool                    removed rows (the only file ever rewritten)
=================  ===========================  ======================================

Rows are never changed in place: removing an identity sets its ``deleted``
flag, re-enrolling appends a new row, and compaction writes fresh segments
without the deleted rows (which is when their bytes leave the disk).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search import parameters as P
from scomm.biometrics.template import FingerPosition, Template
from scomm.errors import GalleryError

_UIDS = itertools.count(1)
_FILES = ("desc.npy", "quality.npy", "tmpl_off.npy", "tmpl_len.npy", "deleted.npy")


class Segment:
    """A block of identities in columnar arrays; see the module docstring for the columns.

    The in-memory tail grows by doubling its capacity; ``n`` is the number of
    rows in use. Written segments are read-only memory maps except ``deleted``.
    """

    def __init__(self, name: str, ids: list[str], desc: NDArray[np.float16], quality: NDArray[np.uint8],
                 tmpl_off: NDArray[np.int64], tmpl_len: NDArray[np.int32], blob: NDArray[np.uint8],
                 blob_used: int, deleted: NDArray[np.bool_], path: Path | None = None) -> None:
        self.name = name
        self.ids = ids
        self.desc = desc
        self.quality = quality
        self.tmpl_off = tmpl_off
        self.tmpl_len = tmpl_len
        self.blob = blob
        self.blob_used = blob_used
        self.deleted = deleted
        self.path = path
        self.deleted_dirty = False
        self._desc32: NDArray[np.float32] | None = None
        self.version = 0  # bumped on every change, so caches (GPU copies) know when to refresh
        self.uid = next(_UIDS)  # never reused in a process, unlike id(): safe as a cache key

    # --- construction ---------------------------------------------------------
    @classmethod
    def empty(cls, name: str, capacity: int = 64) -> Segment:
        d = P.DESCRIPTOR_LENGTH
        return cls(name, [], np.zeros((P.FINGERS, capacity, d), np.float16),
                   np.full((capacity, P.FINGERS), P.ABSENT_QUALITY, np.uint8),
                   np.zeros((capacity, P.FINGERS), np.int64), np.zeros((capacity, P.FINGERS), np.int32),
                   np.zeros(capacity * 4096, np.uint8), 0, np.zeros(capacity, np.bool_))

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def live(self) -> int:
        return self.n - int(self.deleted[: self.n].sum())

    def append(self, identity_id: str, fingers: Mapping[FingerPosition, Template],
               desc: NDArray[np.float32]) -> int:
        """Add one identity (``desc`` is (10, D), zero rows for absent fingers); returns its row."""
        if self.path is not None:
            raise GalleryError(f"segment {self.name} is written and read-only; append to the gallery's tail")
        row = self.n
        if row == self.desc.shape[1]:
            self._grow_rows(2 * row)
        blobs = [(int(p), t.to_bytes(), t.quality) for p, t in fingers.items()]
        need = self.blob_used + sum(len(b) for _, b, _ in blobs)
        if need > self.blob.shape[0]:
            self.blob = _grown(self.blob, max(need, 2 * self.blob.shape[0]), axis=0)
        self.desc[:, row] = desc.astype(np.float16)
        self.quality[row] = P.ABSENT_QUALITY
        self.tmpl_len[row] = 0
        for p, b, q in blobs:
            self.blob[self.blob_used: self.blob_used + len(b)] = np.frombuffer(b, np.uint8)
            self.tmpl_off[row, p - 1] = self.blob_used
            self.tmpl_len[row, p - 1] = len(b)
            self.quality[row, p - 1] = q
            self.blob_used += len(b)
        self.deleted[row] = False
        self.ids.append(identity_id)
        if self._desc32 is not None:
            self._desc32[:, row] = desc
        self.version += 1
        return row

    def _grow_rows(self, capacity: int) -> None:
        self.desc = _grown(self.desc, capacity, axis=1)
        self.quality = _grown(self.quality, capacity, axis=0, fill=P.ABSENT_QUALITY)
        self.tmpl_off = _grown(self.tmpl_off, capacity, axis=0)
        self.tmpl_len = _grown(self.tmpl_len, capacity, axis=0)
        self.deleted = _grown(self.deleted, capacity, axis=0)
        if self._desc32 is not None:
            self._desc32 = _grown(self._desc32, capacity, axis=1)

    def mark_deleted(self, row: int) -> None:
        self.deleted[row] = True
        self.deleted_dirty = True
        self.version += 1

    # --- reading ---------------------------------------------------------------
    def desc32(self, cache: bool) -> NDArray[np.float32] | None:
        """Float32 copy of the descriptors (10, capacity, D) kept for BLAS, or None if not cached."""
        if self._desc32 is None and cache:
            self._desc32 = np.asarray(self.desc, dtype=np.float32)
        return self._desc32

    def template(self, row: int, position: int) -> Template | None:
        length = int(self.tmpl_len[row, position - 1])
        if length == 0:
            return None
        off = int(self.tmpl_off[row, position - 1])
        return Template.from_bytes(self.blob[off: off + length].tobytes())

    def fingers(self, row: int) -> dict[int, Template]:
        out: dict[int, Template] = {}
        for p in range(1, P.FINGERS + 1):
            t = self.template(row, p)
            if t is not None:
                out[p] = t
        return out

    # --- files -------------------------------------------------------------------
    def write(self, directory: Path) -> Segment:
        """Write the used rows as a new segment directory and return it opened read-only."""
        n = self.n
        tmp = directory.with_name(directory.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=False)
        (tmp / "ids.txt").write_text("".join(i + "\n" for i in self.ids), encoding="utf-8")
        np.save(tmp / "desc.npy", np.ascontiguousarray(self.desc[:, :n]))
        np.save(tmp / "quality.npy", np.ascontiguousarray(self.quality[:n]))
        np.save(tmp / "tmpl_off.npy", np.ascontiguousarray(self.tmpl_off[:n]))
        np.save(tmp / "tmpl_len.npy", np.ascontiguousarray(self.tmpl_len[:n]))
        np.save(tmp / "deleted.npy", np.ascontiguousarray(self.deleted[:n]))
        with open(tmp / "templates.bin", "wb") as f:
            f.write(self.blob[: self.blob_used].tobytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, directory)
        return Segment.load(directory)

    @classmethod
    def load(cls, directory: Path) -> Segment:
        try:
            ids = (directory / "ids.txt").read_text(encoding="utf-8").split("\n")[:-1]
            arrays = [np.load(directory / f, mmap_mode="r") for f in _FILES[:-1]]
            deleted = np.array(np.load(directory / "deleted.npy"), dtype=np.bool_)
            size = (directory / "templates.bin").stat().st_size
            blob = (np.memmap(directory / "templates.bin", dtype=np.uint8, mode="r") if size
                    else np.zeros(0, np.uint8))
        except (OSError, ValueError) as exc:
            raise GalleryError(f"gallery segment {directory} cannot be read: {exc}") from exc
        desc, quality, off, length = arrays
        n = len(ids)
        if desc.shape != (P.FINGERS, n, P.DESCRIPTOR_LENGTH) or quality.shape != (n, P.FINGERS) \
                or deleted.shape != (n,):
            raise GalleryError(f"gallery segment {directory} is inconsistent: {n} ids, descriptors "
                               f"{desc.shape}, quality {quality.shape}, deleted {deleted.shape}")
        return cls(directory.name, ids, desc, quality, off, length, blob, size, deleted, path=directory)

    def save_deleted(self) -> None:
        """Persist the deleted flags (atomically: write aside, then rename)."""
        if self.path is None or not self.deleted_dirty:
            return
        tmp = self.path / "deleted.tmp.npy"
        np.save(tmp, self.deleted[: self.n])
        os.replace(tmp, self.path / "deleted.npy")
        self.deleted_dirty = False


def _grown(a: NDArray[Any], capacity: int, axis: int, fill: int = 0) -> NDArray[Any]:
    shape = list(a.shape)
    shape[axis] = capacity
    out = np.full(shape, fill, dtype=a.dtype)
    idx = tuple(slice(0, a.shape[i]) for i in range(a.ndim))
    out[idx] = a
    return out
