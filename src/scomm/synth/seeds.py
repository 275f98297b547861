"""Random streams keyed by (seed, person, finger, impression, purpose).

Every random draw in the generator comes from a Generator built here, never from a
global RNG, so the same seed gives the same fingers and impressions on any machine and
in any order of calls (NumPy guarantees PCG64 and SeedSequence streams across platforms).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from scomm.synth.errors import SynthesisError


class Stream(IntEnum):
    """What a stream is for: separate purposes never share draws."""

    PERSON = 1
    MASTER = 2
    IMPRESSION = 3
    TEXTURE = 6


def rng(seed: int, person: int, finger: int, impression: int, stream: Stream,
        variant: int = 0) -> np.random.Generator:
    """The Generator for one (seed, person, finger, impression) and purpose; ``variant``
    separates otherwise equal requests (the impression type)."""
    if seed < 0 or person < 0 or impression < 0:
        raise SynthesisError(
            f"seed, person and impression must be non-negative, got {seed}, {person}, {impression}")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        [int(seed), int(person), int(finger), int(impression), int(stream), int(variant)])))
