"""LESC's status determination, as a rule over the immigration record and the level.

In the real program analysts at the Law Enforcement Support Center checked up to
16 databases by hand. scomm makes the determination a pure, testable rule over
what the immigration gallery holds about the person, so that a U.S. citizen found
by a fingerprint match (about 3,600 were arrested through the real program) is
never reported as removable.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scomm.policy.levels import Level


class ImmigrationStatus(StrEnum):
    NATURALIZED_CITIZEN = "naturalized_citizen"
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident"
    VALID_VISA = "valid_visa"
    VISA_OVERSTAY = "visa_overstay"
    ENTRY_WITHOUT_INSPECTION = "entry_without_inspection"
    PRIOR_REMOVAL = "prior_removal"


@dataclass(frozen=True)
class Determination:
    removable: bool
    status: ImmigrationStatus
    reason: str


def determine_status(status: ImmigrationStatus, level: Level) -> Determination:
    """Removability from status and conviction level (a simplification of the INA, stated as such)."""
    s = ImmigrationStatus
    if status is s.NATURALIZED_CITIZEN:
        return Determination(False, status, "U.S. citizen by naturalisation: not removable")
    if status is s.LAWFUL_PERMANENT_RESIDENT:
        if level is Level.LEVEL_1:
            return Determination(True, status, "lawful permanent resident convicted of an aggravated felony or two felonies")
        return Determination(False, status, "lawful permanent resident without a removable conviction")
    if status is s.VALID_VISA:
        if level in (Level.LEVEL_1, Level.LEVEL_2):
            return Determination(True, status, "visa holder with a felony or repeated convictions")
        return Determination(False, status, "in status on a valid visa")
    if status is s.VISA_OVERSTAY:
        return Determination(True, status, "visa overstay")
    if status is s.ENTRY_WITHOUT_INSPECTION:
        return Determination(True, status, "entry without inspection")
    return Determination(True, status, "prior removal order (reinstatement)")
