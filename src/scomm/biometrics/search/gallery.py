"""A searchable gallery of enrolled tenprints: enrol, remove, search, persist.

Layout on disk (one directory per gallery)::

    manifest.json        name, format version, search config, calibration, segment list
    seg-000001/ ...      immutable columnar segments (see ``segment``)

``enroll`` appends to an in-memory tail; ``flush`` writes the tail as a new
segment and the removal flags, then the manifest (written aside and renamed,
so a crash leaves the previous manifest intact). ``open`` maps the segments'
files, so reopening a large gallery costs little more than reading its ids.
A single process writes a gallery at a time.

Search runs in two stages: the first scores every identity with descriptor dot
products and keeps ``config.keep`` identities; the second runs the full 1:1 matcher
on those, fuses the finger scores weighted by quality, ranks, and decides hit
or no hit against a threshold calibrated for a stated FPIR.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.calibration import Calibration, calibrate, default_calibration
from scomm.biometrics.search.config import SearchConfig
from scomm.biometrics.search.descriptor import descriptors
from scomm.biometrics.search.descriptor import model as descriptor_model
from scomm.biometrics.search.first_stage import FirstStage, NumpyFirstStage
from scomm.biometrics.search.fusion import finger_weight, fuse
from scomm.biometrics.search.matcher import compare_one_to_many
from scomm.biometrics.search.result import Candidate, SearchResult
from scomm.biometrics.search.segment import Segment
from scomm.biometrics.template import FingerPosition, Template
from scomm.errors import GalleryError

MANIFEST = "manifest.json"
FORMAT = "scomm-gallery"
FORMAT_VERSION = 1

Tenprint = Mapping[FingerPosition, Template]


def _check_fingers(what: str, fingers: Tenprint) -> list[tuple[int, Template]]:
    if not fingers:
        raise GalleryError(f"{what} has no fingers")
    out = []
    for pos, t in fingers.items():
        p = int(pos)
        if not 1 <= p <= P.FINGERS:
            raise GalleryError(f"{what}: finger position {p} is not 1..10 (position must be known)")
        if not isinstance(t, Template):
            raise GalleryError(f"{what}: finger {p} is a {type(t).__name__}, not a Template")
        out.append((p, t))
    return sorted(out)


def _tenprint_descriptors(items: Sequence[list[tuple[int, Template]]]) -> NDArray[np.float32]:
    """Descriptors (n, 10, D) of many tenprints, zero where a finger is absent."""
    flat = [t for fingers in items for _, t in fingers]
    d = descriptors(flat)
    out = np.zeros((len(items), P.FINGERS, P.DESCRIPTOR_LENGTH), np.float32)
    k = 0
    for i, fingers in enumerate(items):
        for p, _ in fingers:
            out[i, p - 1] = d[k]
            k += 1
    return out


class Gallery:
    """Enrolled tenprint identities and the search over them (see the module docstring)."""

    def __init__(self, name: str, directory: Path | None, config: SearchConfig,
                 segments: list[Segment], next_segment: int, calibration: Calibration | None) -> None:
        self.name = name
        self.directory = directory
        self.config = config
        self._segments = segments
        self._tail = Segment.empty("tail")
        self._next_segment = next_segment
        self._calibration = calibration
        self._index: dict[str, tuple[Segment, int]] = {}
        for seg in segments:
            for row, ident in enumerate(seg.ids):
                if not seg.deleted[row]:
                    self._index[ident] = (seg, row)
        self._first_stage: FirstStage | None = None

    # --- lifecycle ----------------------------------------------------------------
    @classmethod
    def create(cls, directory: Path | None, name: str, config: SearchConfig | None = None) -> Gallery:
        """A new empty gallery, in memory (``directory`` None) or in a new/empty directory."""
        g = cls(name, directory, config or SearchConfig(), [], 1, None)
        if directory is not None:
            directory = Path(directory)
            g.directory = directory
            if directory.exists() and any(directory.iterdir()):
                raise GalleryError(f"gallery directory {directory} exists and is not empty")
            directory.mkdir(parents=True, exist_ok=True)
            g._write_manifest()
        return g

    @classmethod
    def open(cls, directory: Path) -> Gallery:
        """Reopen a gallery written by :meth:`flush` (segments are memory-mapped)."""
        directory = Path(directory)
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GalleryError(f"gallery manifest {directory / MANIFEST} cannot be read: {exc}") from exc
        if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
            raise GalleryError(f"{directory / MANIFEST} is not a version-{FORMAT_VERSION} scomm gallery")
        if manifest.get("descriptor_length") != P.DESCRIPTOR_LENGTH:
            raise GalleryError(f"{directory}: descriptors of length {manifest.get('descriptor_length')}, "
                               f"this scomm uses {P.DESCRIPTOR_LENGTH}; re-enrol the gallery")
        if manifest.get("descriptor_model") != descriptor_model().digest:
            raise GalleryError(f"{directory}: descriptors were made with model {manifest.get('descriptor_model')}, "
                               f"this scomm has {descriptor_model().digest}; re-enrol the gallery")
        segments = [Segment.load(directory / s) for s in manifest["segments"]]
        cal = manifest.get("calibration")
        return cls(str(manifest["name"]), directory, SearchConfig.from_dict(manifest["config"]), segments,
                   int(manifest["next_segment"]), Calibration.from_dict(cal) if cal else None)

    def _write_manifest(self) -> None:
        assert self.directory is not None
        manifest = {
            "format": FORMAT, "version": FORMAT_VERSION, "name": self.name,
            "descriptor_length": P.DESCRIPTOR_LENGTH, "descriptor_model": descriptor_model().digest,
            "config": self.config.to_dict(),
            "segments": [s.name for s in self._segments], "next_segment": self._next_segment,
            "calibration": self._calibration.to_dict() if self._calibration else None,
        }
        tmp = self.directory / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp, self.directory / MANIFEST)

    def flush(self) -> None:
        """Make every enrolment and removal so far durable (no-op for an in-memory gallery)."""
        if self.directory is None:
            return
        for seg in self._segments:
            seg.save_deleted()
        if self._tail.n:
            name = f"seg-{self._next_segment:06d}"
            self._next_segment += 1
            written = self._tail.write(self.directory / name)
            for row, ident in enumerate(written.ids):
                if not written.deleted[row]:
                    self._index[ident] = (written, row)
            self._segments.append(written)
            self._tail = Segment.empty("tail")
        self._write_manifest()
        if len(self._segments) > P.MAX_SEGMENTS:
            self.compact()

    def compact(self) -> None:
        """Rewrite the gallery without removed identities (their bytes leave the disk now)."""
        merged = _merge_live([*self._segments, self._tail], "tail")
        old = list(self._segments)
        if self.directory is None:
            self._segments, self._tail = [], merged
        else:
            name = f"seg-{self._next_segment:06d}"
            self._next_segment += 1
            written = merged.write(self.directory / name) if merged.n else None
            self._segments = [written] if written else []
            self._tail = Segment.empty("tail")
            self._write_manifest()
            for seg in old:
                if seg.path is not None:
                    shutil.rmtree(seg.path, ignore_errors=True)
        self._index = {}
        for seg in [*self._segments, self._tail]:
            for row, ident in enumerate(seg.ids):
                if not seg.deleted[row]:
                    self._index[ident] = (seg, row)
        self._first_stage = None

    # --- enrolment ---------------------------------------------------------------
    def enroll(self, identity_id: str, fingers: Tenprint) -> None:
        """Enrol (or replace) one identity's fingers."""
        self.enroll_many([(identity_id, fingers)])

    def enroll_many(self, items: Iterable[tuple[str, Tenprint]]) -> None:
        """Enrol many identities at once (descriptors computed in one batch)."""
        batch = list(items)
        checked = []
        for ident, fingers in batch:
            if not isinstance(ident, str) or not ident or "\n" in ident or ident != ident.strip():
                raise GalleryError(f"identity id {ident!r} must be a non-empty single-line string")
            checked.append(_check_fingers(f"identity {ident!r}", fingers))
        desc = _tenprint_descriptors(checked)
        for (ident, _), pairs, d in zip(batch, checked, desc):
            self.remove(ident)
            row = self._tail.append(ident, {FingerPosition(p): t for p, t in pairs}, d)
            self._index[ident] = (self._tail, row)

    def remove(self, identity_id: str) -> bool:
        """Remove an identity; it is never returned again. False if it was not enrolled."""
        where = self._index.pop(identity_id, None)
        if where is None:
            return False
        seg, row = where
        seg.mark_deleted(row)
        return True

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, identity_id: object) -> bool:
        return identity_id in self._index

    def identities(self) -> Iterator[str]:
        return iter(self._index)

    def fingers(self, identity_id: str) -> dict[int, Template]:
        """The enrolled templates of an identity (finger position -> template)."""
        try:
            seg, row = self._index[identity_id]
        except KeyError:
            raise GalleryError(f"identity {identity_id!r} is not enrolled in gallery {self.name!r}") from None
        return seg.fingers(row)

    # --- calibration -----------------------------------------------------------------
    @property
    def calibration(self) -> Calibration:
        """This gallery's own calibration, or the package default measured by the benchmark."""
        return self._calibration or default_calibration(self.config.matcher)

    def calibration_for(self, matcher: str) -> Calibration:
        """The calibration of ``matcher``'s scores: the gallery's own for its configured
        matcher, the package default for the other (probes too small for the descriptor matcher)."""
        return self.calibration if matcher == self.config.matcher else default_calibration(matcher)

    def calibrate(self, nonmated_probes: Sequence[Tenprint], fpir: float = P.DEFAULT_FPIR) -> Calibration:
        """Set the hit threshold from searches of people known not to be enrolled."""
        best = [r.candidates[0].score if r.candidates else -np.inf
                for r in self.search_many(nonmated_probes, top_k=1)]
        self._calibration = calibrate(best, fpir, len(self), source=f"gallery {self.name!r}, non-mated probes")
        return self._calibration

    def set_calibration(self, calibration: Calibration) -> None:
        self._calibration = calibration

    # --- search ------------------------------------------------------------------------
    def _stage(self) -> FirstStage:
        if self._first_stage is None:
            if self.config.backend == "gpu":
                from scomm.biometrics.search.first_stage_torch import TorchFirstStage

                self._first_stage = TorchFirstStage(self.config.device)
            else:
                self._first_stage = NumpyFirstStage(self.config.cache_float32)
        return self._first_stage

    def search(self, probe: Tenprint, top_k: int = 10) -> SearchResult:
        """Rank the enrolled identities against a probe tenprint, best first."""
        return self.search_many([probe], top_k)[0]

    def search_many(self, probes: Sequence[Tenprint], top_k: int = 10, raw: bool = False) -> list[SearchResult]:
        """Search several probes; the first stage runs as one matrix product per finger.

        ``raw`` returns every second-stage candidate with its unnormalised fused
        score and no decision: what a shard hands to the cluster client, which
        merges the shards and then decides (:func:`decide`).
        """
        if top_k < 1:
            raise GalleryError(f"top_k must be >= 1, got {top_k}")
        checked = [_check_fingers(f"probe {i}", p) for i, p in enumerate(probes)]
        if not checked:
            return []
        plain = _tenprint_descriptors(checked)
        q = plain.copy()
        for i, fingers in enumerate(checked):
            for p, t in fingers:
                q[i, p - 1] *= finger_weight(t.quality, 100)
        segments = [*self._segments, self._tail]
        keep = max(self.config.keep, top_k)
        if len(self) < self.config.exhaustive_below:
            keep = sum(s.n for s in segments)
        tops = self._stage().top(segments, q, keep)
        out = []
        for fingers, d, top in zip(checked, plain, tops):
            matcher = self.config.matcher_for(len(fingers))
            cal = self.calibration_for(matcher)
            cands = self._second_stage(dict(fingers), d, segments, top, matcher)
            if raw:
                cands.sort(key=lambda c: (-c.score, c.identity_id))
                out.append(SearchResult(cands, False, cal.threshold, cal.fpir, len(cands)))
            else:
                out.append(decide(cands, len(cands), top_k, keep, cal, matcher == "descriptor", len(fingers)))
        return out

    def _second_stage(self, probe: dict[int, Template], probe_desc: NDArray[np.float32], segments: list[Segment],
                      top: list[tuple[int, int, float]], matcher: str) -> list[Candidate]:
        """Fused (unnormalised) scores of the first stage's candidates."""
        cands = [(segments[s], r, f) for s, r, f in top if not segments[s].deleted[r]]
        scores: list[dict[int, float]] = [{} for _ in cands]
        weights: list[dict[int, float]] = [{} for _ in cands]
        if matcher == "descriptor":
            # the stored descriptors already are this matcher's view: no template to decode
            for i, (seg, r, _) in enumerate(cands):
                for p, pt in probe.items():
                    gq = int(seg.quality[r, p - 1])
                    if gq != P.ABSENT_QUALITY:
                        scores[i][p] = float(np.dot(probe_desc[p - 1], seg.desc[p - 1, r].astype(np.float32)))
                        weights[i][p] = finger_weight(pt.quality, gq)
            return _candidates(cands, scores, weights)
        gallery = [seg.fingers(r) for seg, r, _ in cands]
        for p, pt in probe.items():
            have = [i for i, g in enumerate(gallery) if p in g]
            s = compare_one_to_many(pt, [gallery[i][p] for i in have], matcher)
            for i, v in zip(have, s):
                scores[i][p] = float(v)
                weights[i][p] = finger_weight(pt.quality, gallery[i][p].quality)
        return _candidates(cands, scores, weights)

    # --- sizes ------------------------------------------------------------------------
    @property
    def first_stage_bytes_per_finger(self) -> int:
        """Bytes of first-stage data per finger: float16 on disk, plus float32 if cached."""
        return P.DESCRIPTOR_LENGTH * (2 + (4 if self.config.cache_float32 else 0))


def _candidates(cands: list[tuple[Segment, int, float]], scores: list[dict[int, float]],
                weights: list[dict[int, float]]) -> list[Candidate]:
    return [Candidate(seg.ids[r], fuse(scores[i], weights[i]), scores[i], first)
            for i, (seg, r, first) in enumerate(cands)]


def decide(candidates: Sequence[Candidate], touched: int, top_k: int, keep: int, calibration: Calibration,
           cohort: bool, probe_fingers: int = 10) -> SearchResult:
    """Rank fused candidates, keep the best ``keep``, normalise if asked, decide hit or no hit.

    With ``cohort`` (the descriptor matcher) each score becomes its distance
    above the probe's other candidates in their standard deviations: those
    candidates are non-mates of this very probe, so their spread says how high
    a stranger scores against it, which varies from probe to probe far more
    than the mate's lead does. Needs more than ``COHORT_MIN`` candidates.
    """
    # the first stage's best ``keep`` (what one gallery keeps, also when merging shards)
    ranked = sorted(candidates, key=lambda c: (-c.first_stage_score, c.identity_id))[:keep]
    ranked.sort(key=lambda c: (-c.score, c.identity_id))
    if cohort and len(ranked) > P.COHORT_MIN:
        rest = np.array([c.score for c in ranked[1:]], np.float64)
        mu, sd = float(rest.mean()), max(float(rest.std()), 1e-6)
        ranked = [Candidate(c.identity_id, (c.score - mu) / sd, c.finger_scores, c.first_stage_score)
                  for c in ranked]
    ranked = ranked[:top_k]
    threshold = calibration.threshold_for(probe_fingers)
    hit = bool(ranked) and ranked[0].score >= threshold
    return SearchResult(ranked, hit, threshold, calibration.fpir, touched)


def _merge_live(segments: Sequence[Segment], name: str) -> Segment:
    """One in-memory segment holding the live rows of ``segments`` (column copies, no re-encoding)."""
    parts = [(s, np.flatnonzero(~s.deleted[: s.n])) for s in segments if s.n]
    n = sum(len(rows) for _, rows in parts)
    out = Segment.empty(name, max(n, 1))
    blobs: list[NDArray[np.uint8]] = []
    base = 0
    k = 0
    for seg, rows in parts:
        m = len(rows)
        out.desc[:, k: k + m] = seg.desc[:, rows]
        out.quality[k: k + m] = seg.quality[rows]
        length = np.asarray(seg.tmpl_len[rows])
        off = np.asarray(seg.tmpl_off[rows])
        present = length > 0
        start = np.where(present, off, np.iinfo(np.int64).max).min(axis=1)
        end = np.where(present, off + length, 0).max(axis=1)
        start = np.where(end > 0, start, 0)
        size = end - start
        new_start = base + np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        out.tmpl_off[k: k + m] = np.where(present, off - start[:, None] + new_start[:, None], 0)
        out.tmpl_len[k: k + m] = length
        total = int(size.sum())
        if total:
            # byte index of every kept byte: each row's [start, end) range, concatenated
            idx = np.repeat(start - np.concatenate([[0], np.cumsum(size)[:-1]]), size) + np.arange(total)
            blobs.append(np.asarray(seg.blob)[idx])
        base += total
        out.ids.extend(seg.ids[r] for r in rows)
        k += m
    out.blob = np.concatenate(blobs) if blobs else np.zeros(0, np.uint8)
    out.blob_used = base
    return out
