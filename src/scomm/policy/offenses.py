"""NCIC offence codes: what scomm knows about each (felony, penalty, aggravated felony).

No official table maps NCIC codes to "aggravated felony" (INA 101(a)(43)); scomm
ships its own as data (``data/offenses.csv``) so that it is visible, versioned and
testable. A four-digit entry overrides its two-digit family.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from scomm.errors import PolicyError

UNKNOWN_OFFENSE_CODE = "0399"
ONE_YEAR_DAYS = 365


class AggravatedRule(StrEnum):
    ALWAYS = "always"
    IF_SENTENCE_1Y = "if_sentence_1y"
    """Theft, burglary and crimes of violence qualify only with a term of at least one year."""
    NEVER = "never"


@dataclass(frozen=True)
class Offense:
    code: str
    description: str
    felony: bool
    max_penalty_days: int
    aggravated: AggravatedRule
    level1_category: bool
    """In ICE's 2008 offence-category list of Level 1 crimes (counted when merely charged)."""


@dataclass(frozen=True)
class OffenseTable:
    entries: dict[str, Offense]

    def lookup(self, ncic_code: str) -> Offense:
        """The most specific entry for a code: exact, then its family, then the unknown code."""
        if len(ncic_code) != 4 or not ncic_code.isdigit():
            raise PolicyError("ncic_code", f"must be 4 digits, got {ncic_code!r}")
        return self.entries.get(ncic_code) or self.entries.get(ncic_code[:2]) or self.entries[UNKNOWN_OFFENSE_CODE]

    def is_aggravated_felony(self, ncic_code: str, sentence_days: int) -> bool:
        off = self.lookup(ncic_code)
        if off.aggravated is AggravatedRule.ALWAYS:
            return True
        return off.aggravated is AggravatedRule.IF_SENTENCE_1Y and sentence_days >= ONE_YEAR_DAYS


def parse_offense_table(text: str) -> OffenseTable:
    entries: dict[str, Offense] = {}
    for lineno, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            code = row["code"].strip()
            if not code.isdigit() or len(code) not in (2, 4):
                raise ValueError(f"code {code!r} is not 2 or 4 digits")
            entries[code] = Offense(
                code=code,
                description=row["description"],
                felony=row["felony"].strip() == "1",
                max_penalty_days=int(row["max_penalty_days"]),
                aggravated=AggravatedRule(row["aggravated_felony"].strip()),
                level1_category=row["level1_category"].strip() == "1",
            )
        except (KeyError, ValueError) as exc:
            raise PolicyError(f"offenses.csv line {lineno}", str(exc)) from exc
    if UNKNOWN_OFFENSE_CODE not in entries:
        raise PolicyError("offenses.csv", f"must define the unknown-offence code {UNKNOWN_OFFENSE_CODE}")
    return OffenseTable(entries)


@lru_cache(maxsize=1)
def default_offense_table() -> OffenseTable:
    text = resources.files("scomm.policy").joinpath("data/offenses.csv").read_text(encoding="utf-8")
    return parse_offense_table(text)
