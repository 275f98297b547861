"""Reading booking facts out of the store (the I/O edge of the statistics)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scomm.policy.levels import Level
from scomm.stats.monthly import BookingFacts
from scomm.store.schema import BookingRow


def booking_facts(session: Session) -> list[BookingFacts]:
    rows = session.execute(select(
        BookingRow.fips, BookingRow.arrest_date, BookingRow.immigration_searched, BookingRow.immigration_identity_id,
        BookingRow.removable, BookingRow.level, BookingRow.detainer, BookingRow.outcome, BookingRow.charge_level,
        BookingRow.immigration_status,
    ).order_by(BookingRow.id))
    return [
        BookingFacts(
            fips=r.fips, arrest_date=r.arrest_date, immigration_searched=bool(r.immigration_searched),
            matched=r.immigration_identity_id is not None, removable=r.removable,
            level=Level(r.level) if r.level else None, detainer=bool(r.detainer), outcome=r.outcome,
            charge_level=Level(r.charge_level) if r.charge_level else None,
            immigration_status=r.immigration_status,
        )
        for r in rows
    ]
