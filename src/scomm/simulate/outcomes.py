"""How a simulated case ends, given what the pipeline decided (seeded per booking).

Detainer: most people are transferred and removed, some are released anyway
(detainers are requests; some jails decline them). No detainer: the criminal case
runs its course.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from scomm.pipeline.status import Outcome

REMOVAL_GIVEN_DETAINER = 0.8
CONVICTED_SHARE, DROPPED_SHARE = 0.5, 0.3


@dataclass(frozen=True)
class SimulatedOutcome:
    outcome: Outcome
    on: date
    sentence_days: int


def simulate_outcome(seed: int, arrest_date: date, detainer: bool, felony: bool) -> SimulatedOutcome:
    rng = np.random.default_rng(seed)
    on = arrest_date + timedelta(days=int(rng.integers(10, 120)))
    u = rng.random()
    if detainer and u < REMOVAL_GIVEN_DETAINER:
        return SimulatedOutcome(Outcome.REMOVED, on, 0)
    v = rng.random()
    if v < CONVICTED_SHARE:
        sentence = int(rng.integers(366, 1800)) if felony else int(rng.integers(0, 180))
        return SimulatedOutcome(Outcome.CONVICTED, on, sentence)
    if v < CONVICTED_SHARE + DROPPED_SHARE:
        return SimulatedOutcome(Outcome.CHARGES_DROPPED, on, 0)
    return SimulatedOutcome(Outcome.RELEASED, on, 0)
