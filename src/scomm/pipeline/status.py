"""Booking statuses: the status table is the truth about where each booking stands."""

from __future__ import annotations

from enum import StrEnum


class BookingStatus(StrEnum):
    RECEIVED = "received"
    """Accepted at intake; probe prints stored."""
    CRIMINAL_CHECKED = "criminal_checked"
    """The criminal-history search answered (identified, or a new identity enrolled)."""
    IAQ_SENT = "iaq_sent"
    """The immigration search hit; an Immigration Alien Query went to LESC."""
    IAR_RECEIVED = "iar_received"
    """LESC's status determination and the level came back as an Immigration Alien Response."""
    DECIDED = "decided"
    """The policy decided; notifications are in the outbox. The case is open."""
    COMPLETED = "completed"
    """No immigration action possible: jurisdiction not activated or opted out, or no match."""
    CLOSED = "closed"
    """The case ended: removed, released, charges dropped or convicted."""


class Outcome(StrEnum):
    REMOVED = "removed"
    RELEASED = "released"
    CHARGES_DROPPED = "charges_dropped"
    CONVICTED = "convicted"


WAITING = frozenset({BookingStatus.DECIDED, BookingStatus.COMPLETED, BookingStatus.CLOSED})
"""Statuses the pipeline does not advance by itself (they wait for an outcome, or are final)."""
