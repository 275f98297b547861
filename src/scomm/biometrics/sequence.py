"""Sequence check: are the rolled prints in the right boxes?

A ten-print card is rolled one finger at a time into ten boxes, and fingers end
up in the wrong box (a hand rolled in the other hand's row, two fingers
exchanged). The plain impressions, pressed all at once, cannot be out of order,
so each rolled print should match its own finger's plain impression better than
any other. The FBI rejects ten-prints that fail this check; an unchecked card
files prints under the wrong fingers, and every later search of those fingers
misses or, worse, hits the wrong person.

The check finds the assignment of rolled prints to plain fingers with the
highest summed similarity (the Hungarian method over the score matrix) and
reports the fingers it moves, but only when that assignment beats the card's
own order by a clear margin, so a poor print that matches nothing well does
not fail the card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from scomm.biometrics import parameters as P
from scomm.biometrics.comparison import MATCH_THRESHOLD, PreparedTemplate, compare_many, stack
from scomm.biometrics.template import FingerPosition


@dataclass(frozen=True, eq=False)
class SequenceCheck:
    """The outcome of comparing a card's rolled prints with its plain impressions."""

    fingers: tuple[FingerPosition, ...]
    """Fingers with both a rolled and a plain impression, the order of ``scores``."""
    scores: NDArray[np.float32]
    """scores[i, j]: rolled print of fingers[i] against plain impression of fingers[j]."""
    moved: dict[FingerPosition, FingerPosition]
    """Rolled print filed as finger -> the finger it actually matches; empty when in sequence."""
    confirmed: tuple[FingerPosition, ...]
    """Fingers whose rolled print matches its own plain impression at the 1:1 threshold."""

    @property
    def in_sequence(self) -> bool:
        return not self.moved

    def describe(self) -> str:
        if self.in_sequence:
            return f"rolled prints in sequence ({len(self.confirmed)} of {len(self.fingers)} confirmed by the plain impressions)"
        moves = ", ".join(f"the print filed as {a.name.lower()} matches {b.name.lower()}" for a, b in self.moved.items())
        return f"rolled prints out of sequence: {moves}"


def sequence_check(rolled: Mapping[FingerPosition, PreparedTemplate],
                   plain: Mapping[FingerPosition, PreparedTemplate]) -> SequenceCheck:
    """Compare every rolled print with every plain impression and find prints filed under the wrong finger."""
    fingers = tuple(sorted(set(rolled) & set(plain)))
    n = len(fingers)
    scores = np.zeros((n, n), np.float32)
    if n:
        plains = stack([plain[g] for g in fingers])
        for i, f in enumerate(fingers):
            scores[i] = compare_many(rolled[f], plains)
    moved: dict[FingerPosition, FingerPosition] = {}
    if n >= 2:
        _rows, cols = linear_sum_assignment(scores, maximize=True)
        for cycle in _cycles([int(c) for c in cols]):
            gain = sum(float(scores[i, cols[i]] - scores[i, i]) for i in cycle)
            if gain > P.SEQUENCE_MARGIN * MATCH_THRESHOLD:  # each exchange must pay for itself
                moved.update({fingers[i]: fingers[int(cols[i])] for i in cycle})
    confirmed = tuple(f for i, f in enumerate(fingers) if scores[i, i] >= MATCH_THRESHOLD)
    return SequenceCheck(fingers, scores, moved, confirmed)


def _cycles(permutation: list[int]) -> list[list[int]]:
    """The cycles of length >= 2 of a permutation given as its image list."""
    seen = [False] * len(permutation)
    out: list[list[int]] = []
    for start in range(len(permutation)):
        cycle = []
        i = start
        while not seen[i]:
            seen[i] = True
            cycle.append(i)
            i = permutation[i]
        if len(cycle) >= 2:
            out.append(cycle)
    return out
