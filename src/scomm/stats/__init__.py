"""Public statistics: monthly, per jurisdiction and level."""

from scomm.stats.monthly import (
    BookingFacts,
    MonthlyRow,
    by_jurisdiction,
    monthly_statistics,
    totals,
)

__all__ = ["BookingFacts", "MonthlyRow", "by_jurisdiction", "monthly_statistics", "totals"]
