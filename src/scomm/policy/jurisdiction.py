"""Jurisdictions and their activation: a dated history, not a flag.

Activation was imposed county by county from 2008 to 2013, and states that tried
to opt out were activated anyway. scomm keeps each jurisdiction's states as a
dated history so that any booking is judged by the state in force on its date of
arrest, and opting out is an ordinary, honoured state.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from scomm.errors import PolicyError


class ActivationState(StrEnum):
    NOT_ACTIVATED = "not_activated"
    PILOT = "pilot"
    ACTIVATED = "activated"
    OPTED_OUT = "opted_out"

    @property
    def searches_immigration(self) -> bool:
        return self in (ActivationState.PILOT, ActivationState.ACTIVATED)


@dataclass(frozen=True)
class ActivationChange:
    effective: date
    state: ActivationState
    reason: str = ""


@dataclass(frozen=True)
class Jurisdiction:
    """A county (by 5-digit FIPS code) and its activation history, oldest change first."""

    fips: str
    state: str
    name: str
    history: tuple[ActivationChange, ...] = field(default_factory=tuple)

    def state_on(self, day: date) -> ActivationState:
        current = ActivationState.NOT_ACTIVATED
        for change in self.history:
            if change.effective > day:
                break
            current = change.state
        return current

    def with_change(self, change: ActivationChange) -> Jurisdiction:
        """A new history with ``change`` in date order; a same-day change replaces the earlier one."""
        kept = [c for c in self.history if c.effective != change.effective]
        return Jurisdiction(self.fips, self.state, self.name,
                            tuple(sorted([*kept, change], key=lambda c: c.effective)))


def validate_fips(fips: str) -> str:
    if len(fips) != 5 or not fips.isdigit():
        raise PolicyError("fips", f"a county is named by its 5-digit FIPS code, got {fips!r}")
    return fips


@lru_cache(maxsize=1)
def real_activation_registry() -> dict[str, Jurisdiction]:
    """Every U.S. county with its real Secure Communities activation date."""
    text = resources.files("scomm.policy").joinpath("data/county_activation.csv").read_text(encoding="utf-8")
    out: dict[str, Jurisdiction] = {}
    for row in csv.DictReader(text.splitlines()):
        when = date.fromisoformat(row["activation_date"])
        out[row["county_fips"]] = Jurisdiction(
            row["county_fips"], row["state"], row["county_name"],
            (ActivationChange(when, ActivationState.ACTIVATED, "ICE activation (published date)"),),
        )
    return out
