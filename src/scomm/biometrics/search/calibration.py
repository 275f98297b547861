"""Decision thresholds as data: the score that keeps non-mated searches under an FPIR.

A threshold means nothing without the false-positive identification rate it
was measured for and the searches it was measured on, so it is stored together
with them (in the gallery manifest, or the package default written by the
benchmark) and never typed in as a bare number.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

from scomm.errors import GalleryError


@dataclass(frozen=True)
class Calibration:
    """A hit threshold and how it was obtained.

    ``threshold`` is the smallest fused score counted as a hit; at most ``fpir``
    of the ``searches`` non-mated searches (against a gallery of
    ``gallery_size`` identities) had a best candidate scoring that high.
    A fused score sums the fingers compared, so probes with fewer fingers need
    lower thresholds: ``by_fingers`` maps a probe's finger count to its own
    threshold, measured the same way with probes cut to that many fingers.
    """

    threshold: float
    fpir: float
    searches: int
    gallery_size: int
    source: str
    by_fingers: dict[int, float] = field(default_factory=dict)

    def threshold_for(self, fingers: int) -> float:
        """Threshold for a probe of ``fingers`` fingers: its own if measured, else the
        one measured for the nearest larger count, else the tenprint threshold."""
        larger = sorted(k for k in self.by_fingers if k >= fingers)
        return self.by_fingers[larger[0]] if larger else self.threshold

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Calibration:
        try:
            return cls(threshold=float(data["threshold"]), fpir=float(data["fpir"]),  # type: ignore[arg-type]
                       searches=int(data["searches"]), gallery_size=int(data["gallery_size"]),  # type: ignore[call-overload]
                       source=str(data.get("source", "")),
                       by_fingers=_by_fingers(data.get("by_fingers")))
        except (KeyError, TypeError, ValueError) as exc:
            raise GalleryError(f"calibration record is malformed ({exc}): {data!r}") from exc


def _by_fingers(raw: object) -> dict[int, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise GalleryError(f"calibration by_fingers must be a mapping, got {raw!r}")
    return {int(k): float(v) for k, v in raw.items()}


def threshold_for_fpir(nonmated_best_scores: ArrayLike, fpir: float) -> float:
    """Smallest threshold at which at most ``fpir`` of the non-mated searches hit.

    A search hits when its best score is >= the threshold, so the threshold is
    set just above the k-th highest non-mated best score, k = floor(fpir * n).
    """
    s = np.sort(np.asarray(nonmated_best_scores, dtype=np.float64).reshape(-1))[::-1]
    if s.size == 0:
        raise GalleryError("calibration needs at least one non-mated search score")
    if not 0.0 < fpir < 1.0:
        raise GalleryError(f"calibration fpir must be in (0, 1), got {fpir}")
    k = int(np.floor(fpir * s.size))
    return float(np.nextafter(s[k], np.inf))


def calibrate(nonmated_best_scores: ArrayLike, fpir: float, gallery_size: int, source: str) -> Calibration:
    """A :class:`Calibration` from the best scores of non-mated searches."""
    scores = np.asarray(nonmated_best_scores, dtype=np.float64).reshape(-1)
    return Calibration(threshold=threshold_for_fpir(scores, fpir), fpir=fpir, searches=int(scores.size),
                       gallery_size=gallery_size, source=source)


CALIBRATION_FILE = "calibration.json"


def default_calibration(matcher: str) -> Calibration:
    """The calibration ``scomm bench search`` measured for ``matcher``, shipped as data.

    Scores of different second-stage matchers are on different scales, so the
    file holds one calibration per matcher.
    """
    text = resources.files("scomm.biometrics.search").joinpath(CALIBRATION_FILE).read_text()
    table = json.loads(text)
    if matcher not in table:
        raise GalleryError(f"{CALIBRATION_FILE} has no calibration for matcher {matcher!r}; "
                           f"run scomm bench search --write-calibration")
    return Calibration.from_dict(table[matcher])
