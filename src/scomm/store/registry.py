"""Jurisdictions, agencies and policy assignments as stored, read back as domain objects."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scomm.errors import PolicyError
from scomm.policy import ActivationChange, ActivationState, Jurisdiction, Policy, parse_policy
from scomm.policy.jurisdiction import validate_fips
from scomm.store.audit import append_audit
from scomm.store.schema import (
    ActivationChangeRow,
    AgencyRow,
    JurisdictionRow,
    PolicyAssignmentRow,
    PolicyVersionRow,
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def register_jurisdiction(session: Session, j: Jurisdiction, actor: str = "admin") -> None:
    """Add a jurisdiction with its history (idempotent: known changes are not repeated)."""
    validate_fips(j.fips)
    if session.get(JurisdictionRow, j.fips) is None:
        session.add(JurisdictionRow(fips=j.fips, state=j.state, name=j.name))
        session.flush()
    known = {(c.effective, c.state) for c in load_jurisdiction(session, j.fips).history}
    for change in j.history:
        if (change.effective, change.state.value) not in {(e, s.value) for e, s in known}:
            record_activation(session, j.fips, change, actor)


def record_activation(session: Session, fips: str, change: ActivationChange, actor: str = "admin") -> None:
    """Record a dated activation state (activation, pilot, opt-out) and audit who did it."""
    if session.get(JurisdictionRow, fips) is None:
        raise PolicyError("fips", f"jurisdiction {fips} is not registered")
    now = utcnow()
    session.add(ActivationChangeRow(fips=fips, effective=change.effective, state=change.state.value,
                                    reason=change.reason, recorded_at=now))
    append_audit(session, actor=actor, action="activation", subject=f"jurisdiction:{fips}",
                 detail={"effective": change.effective.isoformat(), "state": change.state.value,
                         "reason": change.reason}, at=now)


def load_jurisdiction(session: Session, fips: str) -> Jurisdiction:
    row = session.get(JurisdictionRow, fips)
    if row is None:
        raise PolicyError("fips", f"jurisdiction {fips} is not registered")
    j = Jurisdiction(row.fips, row.state, row.name)
    changes = session.execute(select(ActivationChangeRow).where(ActivationChangeRow.fips == fips)
                              .order_by(ActivationChangeRow.recorded_at, ActivationChangeRow.id)).scalars()
    for c in changes:
        j = j.with_change(ActivationChange(c.effective, ActivationState(c.state), c.reason))
    return j


def register_agency(session: Session, ori: str, name: str, fips: str) -> None:
    if session.get(JurisdictionRow, fips) is None:
        raise PolicyError("fips", f"jurisdiction {fips} is not registered; register it before its agencies")
    existing = session.get(AgencyRow, ori)
    if existing is None:
        session.add(AgencyRow(ori=ori, name=name, fips=fips))
    elif existing.fips != fips:
        raise PolicyError("ori", f"agency {ori} already belongs to jurisdiction {existing.fips}")


def store_policy(session: Session, policy: Policy) -> None:
    """Keep the exact document of every policy version used; a changed document needs a new version."""
    row = session.execute(select(PolicyVersionRow).where(PolicyVersionRow.policy_id == policy.id,
                                                         PolicyVersionRow.version == policy.version)).scalar_one_or_none()
    if row is None:
        session.add(PolicyVersionRow(policy_id=policy.id, version=policy.version, digest=policy.digest,
                                     source=policy.source, recorded_at=utcnow()))
    elif row.digest != policy.digest:
        raise PolicyError("version", f"{policy.ref} is already stored with different content; bump the version")


def assign_policy(session: Session, fips: str, policy: Policy, effective: date, actor: str = "admin") -> None:
    store_policy(session, policy)
    now = utcnow()
    session.add(PolicyAssignmentRow(fips=fips, policy_id=policy.id, version=policy.version, effective=effective,
                                    recorded_at=now))
    append_audit(session, actor=actor, action="policy_assignment", subject=f"jurisdiction:{fips}",
                 detail={"policy": policy.ref, "digest": policy.digest, "effective": effective.isoformat()}, at=now)


def policy_for(session: Session, fips: str, day: date) -> Policy:
    """The policy in force in a jurisdiction on a date (latest assignment effective by then)."""
    row = session.execute(
        select(PolicyAssignmentRow).where(PolicyAssignmentRow.fips == fips, PolicyAssignmentRow.effective <= day)
        .order_by(PolicyAssignmentRow.effective.desc(), PolicyAssignmentRow.id.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise PolicyError("policy", f"no policy is assigned to jurisdiction {fips} on {day.isoformat()}")
    return load_policy(session, row.policy_id, row.version)


def load_policy(session: Session, policy_id: str, version: int) -> Policy:
    row = session.execute(select(PolicyVersionRow).where(PolicyVersionRow.policy_id == policy_id,
                                                         PolicyVersionRow.version == version)).scalar_one_or_none()
    if row is None:
        raise PolicyError("policy", f"policy {policy_id}@{version} is not stored")
    return parse_policy(row.source)
