"""What-if replay: last year's bookings under another policy, from the stored facts alone.

The biometric results, the status determinations and the levels are facts; only
the decision depends on the policy. Replaying re-decides every booking that
reached LESC. A removal that actually happened is kept if the other policy would
also have lodged a detainer, and counted as avoided if it would not. A detainer
the other policy adds has no known outcome and is reported apart, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from scomm.policy import Policy, decide, determine_status
from scomm.policy.levels import Level
from scomm.policy.status import ImmigrationStatus
from scomm.stats.monthly import BookingFacts


@dataclass(frozen=True)
class Replay:
    policy_ref: str
    facts: list[BookingFacts]
    detainers_added: int
    detainers_dropped: int
    removals_avoided: int


def replay(facts: Iterable[BookingFacts], policy: Policy) -> Replay:
    out: list[BookingFacts] = []
    added = dropped = avoided = 0
    for f in facts:
        if not f.matched or f.immigration_status is None or f.level is None:
            out.append(f)
            continue
        acting = f.charge_level if policy.level_rules == "offense-category-2008" and f.charge_level else f.level
        det = determine_status(ImmigrationStatus(f.immigration_status), f.level)
        d = decide(policy, det, Level(acting))
        outcome = f.outcome
        if f.detainer and not d.detainer:
            dropped += 1
            if f.outcome == "removed":
                avoided += 1
                outcome = "released"
        elif d.detainer and not f.detainer:
            added += 1
        out.append(replace(f, detainer=d.detainer, outcome=outcome))
    return Replay(policy.ref, out, added, dropped, avoided)
