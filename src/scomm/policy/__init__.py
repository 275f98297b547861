"""Priority levels, jurisdictions and activation, status determination, enforcement policy."""

from scomm.policy.document import (
    SHIPPED_POLICIES,
    Decision,
    Notification,
    Policy,
    Recipient,
    decide,
    parse_policy,
    shipped_policy,
)
from scomm.policy.jurisdiction import (
    ActivationChange,
    ActivationState,
    Jurisdiction,
    real_activation_registry,
)
from scomm.policy.levels import Conviction, Level, PendingCharge, compute_level, conviction_level
from scomm.policy.offenses import OffenseTable, default_offense_table
from scomm.policy.status import Determination, ImmigrationStatus, determine_status

__all__ = [
    "SHIPPED_POLICIES", "ActivationChange", "ActivationState", "Conviction", "Decision", "Determination",
    "ImmigrationStatus", "Jurisdiction", "Level", "Notification", "OffenseTable", "PendingCharge", "Policy",
    "Recipient", "compute_level", "conviction_level", "decide", "default_offense_table", "determine_status",
    "parse_policy", "real_activation_registry", "shipped_policy",
]
