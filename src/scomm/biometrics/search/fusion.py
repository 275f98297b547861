"""Tenprint score fusion: one identity score from up to ten finger scores.

Each finger's 1:1 score is weighted by the poorer of the two impressions'
quality, so a smudged finger counts less than a clean one, and the weighted
scores are summed: more fingers that agree are more evidence. The weight never
drops below ``MIN_WEIGHT`` so that a low-quality finger still counts a little.
"""

from __future__ import annotations

from collections.abc import Mapping

from scomm.biometrics.search.parameters import MIN_FINGER_WEIGHT as MIN_WEIGHT


def finger_weight(probe_quality: int, gallery_quality: int) -> float:
    """Weight of one finger pair in [MIN_WEIGHT, 1]: grows with the poorer quality."""
    q = min(probe_quality, gallery_quality) / 100.0
    return MIN_WEIGHT + (1.0 - MIN_WEIGHT) * q


def fuse(finger_scores: Mapping[int, float], weights: Mapping[int, float]) -> float:
    """Weighted sum of the finger scores present in both mappings."""
    return float(sum(weights[p] * s for p, s in finger_scores.items()))
