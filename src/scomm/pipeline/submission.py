"""A booking submission as it arrives from an originating agency.

This is the pipeline's input contract: the ANSI/NIST-ITL reader (``scomm.nist``),
the HTTP service and the simulator all produce a :class:`BookingSubmission`, and
:func:`validate_submission` is the single place that decides whether it is
acceptable. Nothing is stored for a submission that fails validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.template import FingerPosition, ImpressionType, Template
from scomm.errors import InvalidSubmission

ORI_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")
"""NCIC originating agency identifier: 9 characters, two-letter state code first."""

TCN_PATTERN = re.compile(r"^[!-~](?:[ -~]{0,38}[!-~])?$")
"""Transaction control number: 1-40 printable ASCII characters (ANSI/NIST-ITL 1.009), no edge spaces."""
NCIC_CODE_PATTERN = re.compile(r"^\d{4}$")
UNKNOWN_OFFENSE = "0399"
"""The generic NCIC code an IAQ carries when no offence code is known."""


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"
    UNKNOWN = "U"
    X = "X"


@dataclass(frozen=True)
class Subject:
    """Descriptive data of the arrested person (EBTS Type-2 fields)."""

    last_name: str
    first_name: str
    date_of_birth: date | None = None
    sex: Sex = Sex.UNKNOWN
    place_of_birth: str | None = None
    """NCIC two-letter state or country code, as the IAQ POB field carries it."""
    middle_name: str = ""

    @property
    def full_name(self) -> str:
        """``LAST, FIRST MIDDLE``: the NAM format of Type-2 and the IAQ."""
        rest = " ".join(p for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name}, {rest}" if rest else self.last_name


@dataclass(frozen=True)
class Charge:
    """One arrest charge. A charge is never a conviction: convictions come from dispositions."""

    ncic_code: str
    description: str = ""
    statute: str = ""


@dataclass(frozen=True, eq=False)
class FingerImpression:
    """One finger as submitted: an image, or an already extracted template (synthetic loads)."""

    position: FingerPosition
    image: NDArray[np.uint8] | None = None
    ppi: int = 500
    template: Template | None = None
    impression: ImpressionType = ImpressionType.LIVESCAN_ROLLED


@dataclass(frozen=True, eq=False)
class BookingSubmission:
    """A criminal ten-print submission, answer required (EBTS TOT ``CAR``)."""

    tcn: str
    ori: str
    arrest_date: date
    subject: Subject
    charges: tuple[Charge, ...]
    fingers: tuple[FingerImpression, ...]
    submitted_on: date | None = None
    metadata: dict[str, str] = field(default_factory=dict)


MAX_FINGERS = 10


def validate_submission(sub: BookingSubmission, today: date | None = None) -> None:
    """Raise :class:`InvalidSubmission` naming the first field that is wrong."""
    if not isinstance(sub.tcn, str) or not TCN_PATTERN.match(sub.tcn):
        raise InvalidSubmission("tcn", f"must be 1-40 printable ASCII characters without leading or trailing spaces (got {sub.tcn!r})")
    if not isinstance(sub.ori, str) or not ORI_PATTERN.match(sub.ori):
        raise InvalidSubmission("ori", f"must be a 9-character NCIC ORI such as 'MA0130100' (got {sub.ori!r})")
    if not isinstance(sub.arrest_date, date):
        raise InvalidSubmission("arrest_date", "is required and must be a date")
    horizon = today or date.today()
    if sub.arrest_date > horizon:
        raise InvalidSubmission("arrest_date", f"{sub.arrest_date.isoformat()} is in the future")
    s = sub.subject
    if not s.last_name or not s.last_name.strip():
        raise InvalidSubmission("subject.last_name", "is required")
    if s.date_of_birth is not None:
        if s.date_of_birth > sub.arrest_date:
            raise InvalidSubmission("subject.date_of_birth", "is after the date of arrest")
        if (sub.arrest_date - s.date_of_birth).days > 366 * 120:
            raise InvalidSubmission("subject.date_of_birth", "makes the subject older than 120 years")
    if not sub.charges:
        raise InvalidSubmission("charges", "a booking needs at least one charge (use NCIC 0399 if unknown)")
    for i, ch in enumerate(sub.charges):
        if not NCIC_CODE_PATTERN.match(ch.ncic_code or ""):
            raise InvalidSubmission(f"charges[{i}].ncic_code", f"must be a 4-digit NCIC offence code (got {ch.ncic_code!r})")
    if not sub.fingers:
        raise InvalidSubmission("fingers", "no finger impressions: a booking needs at least one print")
    if len(sub.fingers) > MAX_FINGERS:
        raise InvalidSubmission("fingers", f"{len(sub.fingers)} impressions, at most {MAX_FINGERS} (one per finger)")
    seen: set[int] = set()
    for i, f in enumerate(sub.fingers):
        where = f"fingers[{i}]"
        if int(f.position) == 0:
            raise InvalidSubmission(f"{where}.position", "finger position is unknown (want 1-10)")
        if int(f.position) in seen:
            raise InvalidSubmission(f"{where}.position", f"finger position {int(f.position)} appears twice")
        seen.add(int(f.position))
        if f.image is None and f.template is None:
            raise InvalidSubmission(where, "carries neither an image nor a template")
        if f.image is not None:
            img = f.image
            if not isinstance(img, np.ndarray) or img.ndim != 2:
                raise InvalidSubmission(f"{where}.image", "must be a 2-D grayscale array")
            if min(img.shape) < 64:
                raise InvalidSubmission(f"{where}.image", f"is {img.shape[1]}x{img.shape[0]} px, too small for a fingerprint")
            if not 250 <= f.ppi <= 2000:
                raise InvalidSubmission(f"{where}.ppi", f"resolution {f.ppi} ppi is outside 250-2000")
