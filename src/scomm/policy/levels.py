"""Priority levels, computed from a criminal history.

Two rule sets, because the program changed its own rules and that change is part
of what the statistics must show:

* ``morton-2010`` (the Morton memo, 30 June 2010): by *convictions* only.
  Level 1: an aggravated felony, or two or more felonies. Level 2: one felony, or
  three or more misdemeanours. Level 3: one or two misdemeanours. Otherwise
  non-criminal. Pending charges never count.
* ``offense-category-2008`` (2008-2010 practice): a person *charged* with or
  convicted of an offence in ICE's Level 1 categories counted as Level 1. scomm
  computes it only to report how far it diverges from the conviction-based level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from scomm.errors import PolicyError
from scomm.policy.offenses import OffenseTable, default_offense_table


class Level(StrEnum):
    LEVEL_1 = "LEVEL_1"
    LEVEL_2 = "LEVEL_2"
    LEVEL_3 = "LEVEL_3"
    NON_CRIMINAL = "NON_CRIMINAL"

    @property
    def label(self) -> str:
        return {"LEVEL_1": "Level 1", "LEVEL_2": "Level 2", "LEVEL_3": "Level 3",
                "NON_CRIMINAL": "No conviction"}[self.value]


LEVEL_RULES = ("morton-2010", "offense-category-2008")


@dataclass(frozen=True)
class Conviction:
    ncic_code: str
    convicted_on: date
    sentence_days: int = 0
    felony: bool | None = None
    """None: take it from the offence table; a court record may say otherwise."""


@dataclass(frozen=True)
class PendingCharge:
    ncic_code: str
    charged_on: date


def conviction_level(convictions: Iterable[Conviction], table: OffenseTable | None = None) -> Level:
    """The Morton-memo level. Only convictions are inputs: there is no way to pass a charge."""
    t = table or default_offense_table()
    felonies = misdemeanours = 0
    aggravated = False
    for c in convictions:
        off = t.lookup(c.ncic_code)
        is_felony = off.felony if c.felony is None else c.felony
        if is_felony:
            felonies += 1
        else:
            misdemeanours += 1
        aggravated = aggravated or t.is_aggravated_felony(c.ncic_code, c.sentence_days)
    if aggravated or felonies >= 2:
        return Level.LEVEL_1
    if felonies >= 1 or misdemeanours >= 3:
        return Level.LEVEL_2
    if misdemeanours >= 1:
        return Level.LEVEL_3
    return Level.NON_CRIMINAL


def offense_category_level(
    convictions: Iterable[Conviction], charges: Iterable[PendingCharge], table: OffenseTable | None = None
) -> Level:
    """The 2008 practice: a Level 1 *category* charge or conviction counts as Level 1."""
    t = table or default_offense_table()
    convictions = list(convictions)
    codes = [c.ncic_code for c in convictions] + [c.ncic_code for c in charges]
    if any(t.lookup(code).level1_category for code in codes):
        return Level.LEVEL_1
    return conviction_level(convictions, t)


def compute_level(
    rules: str,
    convictions: Iterable[Conviction],
    charges: Iterable[PendingCharge] = (),
    table: OffenseTable | None = None,
) -> Level:
    if rules == "morton-2010":
        return conviction_level(convictions, table)
    if rules == "offense-category-2008":
        return offense_category_level(convictions, charges, table)
    raise PolicyError("level_rules", f"unknown rule set {rules!r}; known: {', '.join(LEVEL_RULES)}")
