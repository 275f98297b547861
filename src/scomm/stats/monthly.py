"""Monthly interoperability statistics per jurisdiction and level: pure arithmetic over facts.

The figures mirror what ICE published (submissions, matches, IAQs, detainers,
removals by level) plus the one it did not lead with: the share of people removed
who had no criminal conviction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from scomm.policy.levels import Level


@dataclass(frozen=True)
class BookingFacts:
    """What statistics need to know about one booking (no names, no prints)."""

    fips: str
    arrest_date: date
    immigration_searched: bool
    matched: bool
    removable: bool | None
    level: Level | None
    detainer: bool
    outcome: str | None
    charge_level: Level | None = None
    immigration_status: str | None = None

    @property
    def us_citizen(self) -> bool:
        return self.immigration_status == "naturalized_citizen"


@dataclass
class MonthlyRow:
    fips: str
    month: str
    submissions: int = 0
    immigration_searches: int = 0
    matches: int = 0
    iaqs: int = 0
    removable: int = 0
    detainers: int = 0
    removals: int = 0
    removals_by_level: dict[Level, int] = field(default_factory=lambda: {lv: 0 for lv in Level})
    matched_us_citizens: int = 0

    @property
    def removals_without_conviction_share(self) -> float | None:
        return self.removals_by_level[Level.NON_CRIMINAL] / self.removals if self.removals else None

    @property
    def match_rate(self) -> float | None:
        return self.matches / self.immigration_searches if self.immigration_searches else None


def _add(row: MonthlyRow, f: BookingFacts) -> None:
    row.submissions += 1
    row.immigration_searches += int(f.immigration_searched)
    row.matches += int(f.matched)
    row.iaqs += int(f.matched)
    row.removable += int(bool(f.removable))
    row.detainers += int(f.detainer)
    row.matched_us_citizens += int(f.matched and f.us_citizen)
    if f.outcome == "removed":
        row.removals += 1
        row.removals_by_level[f.level or Level.NON_CRIMINAL] += 1


def monthly_statistics(facts: Iterable[BookingFacts]) -> list[MonthlyRow]:
    """One row per jurisdiction and month of arrest, sorted."""
    rows: dict[tuple[str, str], MonthlyRow] = {}
    for f in facts:
        key = (f.fips, f"{f.arrest_date:%Y-%m}")
        if key not in rows:
            rows[key] = MonthlyRow(*key)
        _add(rows[key], f)
    return [rows[k] for k in sorted(rows)]


def totals(rows: Iterable[MonthlyRow], fips: str = "all", month: str = "total") -> MonthlyRow:
    out = MonthlyRow(fips, month)
    for r in rows:
        out.submissions += r.submissions
        out.immigration_searches += r.immigration_searches
        out.matches += r.matches
        out.iaqs += r.iaqs
        out.removable += r.removable
        out.detainers += r.detainers
        out.removals += r.removals
        out.matched_us_citizens += r.matched_us_citizens
        for lv, n in r.removals_by_level.items():
            out.removals_by_level[lv] += n
    return out


def by_jurisdiction(rows: Iterable[MonthlyRow]) -> dict[str, MonthlyRow]:
    grouped: dict[str, list[MonthlyRow]] = defaultdict(list)
    for r in rows:
        grouped[r.fips].append(r)
    return {fips: totals(rs, fips) for fips, rs in sorted(grouped.items())}
