"""What a search returns: ranked candidates and the hit/no-hit decision."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    """One enrolled identity proposed by a search.

    ``score`` is the quality-weighted fusion of ``finger_scores`` (finger position
    code -> 1:1 comparison score of that finger), so a reviewer can see which
    fingers carried the decision. ``first_stage_score`` is the descriptor score
    that made it a candidate (NaN where unknown).
    """

    identity_id: str
    score: float
    finger_scores: dict[int, float] = field(default_factory=dict)
    first_stage_score: float = float("nan")


@dataclass(frozen=True)
class SearchResult:
    """Candidates ranked best first; ``hit`` is ``best score >= threshold``.

    ``threshold`` was calibrated on non-mated searches for the false-positive
    identification rate ``fpir``; ``touched`` is how many identities the full
    1:1 matcher compared (the rest of the gallery saw only the first stage).
    """

    candidates: list[Candidate]
    hit: bool
    threshold: float
    fpir: float
    touched: int

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None
