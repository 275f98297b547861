"""The tables: every stage's result, every message, every notification, every audit event.

Design rules the later parts (HTTP service, oversight, retention, what-if replay)
rely on:

* a booking row carries the result of each stage and its ``status``; a stage
  writes its result and the new status in one transaction;
* every decision records the policy id and version that made it;
* notifications go through ``outbox`` (unique ``dedupe_key``) and land in
  ``deliveries`` (unique ``dedupe_key`` again), so a crash never sends one twice;
* probe prints (``booking_prints``) are transient: they are deleted once the
  searches are done, so prints that do not match stay off the immigration side;
* ``audit_log`` is a hash chain: each row's hash covers the previous row's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class JurisdictionRow(Base):
    __tablename__ = "jurisdictions"
    fips: Mapped[str] = mapped_column(String(5), primary_key=True)
    state: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120))


class ActivationChangeRow(Base):
    __tablename__ = "activation_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fips: Mapped[str] = mapped_column(ForeignKey("jurisdictions.fips"), index=True)
    effective: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class AgencyRow(Base):
    __tablename__ = "agencies"
    ori: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    fips: Mapped[str] = mapped_column(ForeignKey("jurisdictions.fips"), index=True)


class PolicyVersionRow(Base):
    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("policy_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class PolicyAssignmentRow(Base):
    __tablename__ = "policy_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fips: Mapped[str] = mapped_column(ForeignKey("jurisdictions.fips"), index=True)
    policy_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    effective: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class IdentityRow(Base):
    """A person known to one gallery: the criminal file (FBI number) or immigration (IDENT)."""

    __tablename__ = "identities"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    gallery: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_name: Mapped[str] = mapped_column(String(80), default="")
    first_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    immigration_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    enrolled_from_tcn: Mapped[str | None] = mapped_column(String(40), nullable=True)


class CriminalEventRow(Base):
    """One line of a rap sheet. ``kind`` keeps arrests, convictions and dismissals apart."""

    __tablename__ = "criminal_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    identity_id: Mapped[str] = mapped_column(ForeignKey("identities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    event_date: Mapped[date] = mapped_column(Date)
    ncic_code: Mapped[str] = mapped_column(String(4))
    sentence_days: Mapped[int] = mapped_column(Integer, default=0)
    tcn: Mapped[str | None] = mapped_column(String(40), nullable=True)


class GalleryTemplateRow(Base):
    """The system of record for gallery templates; search indexes are rebuilt from it."""

    __tablename__ = "gallery_templates"
    __table_args__ = (UniqueConstraint("identity_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    identity_id: Mapped[str] = mapped_column(ForeignKey("identities.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BookingRow(Base):
    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_status", "status"), Index("ix_bookings_fips_arrest", "fips", "arrest_date"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tcn: Mapped[str] = mapped_column(String(40), unique=True)
    ori: Mapped[str] = mapped_column(ForeignKey("agencies.ori"))
    fips: Mapped[str] = mapped_column(String(5))
    arrest_date: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    content_digest: Mapped[str] = mapped_column(String(64))
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str] = mapped_column(String(1))
    place_of_birth: Mapped[str | None] = mapped_column(String(2), nullable=True)
    status: Mapped[str] = mapped_column(String(24))
    # criminal-history check
    criminal_identity_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    criminal_identified: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    criminal_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    # activation and immigration check
    activation_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    immigration_searched: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    immigration_identity_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    immigration_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    # IAQ -> IAR
    removable: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    immigration_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # level and decision
    level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    level_rules: Mapped[str | None] = mapped_column(String(40), nullable=True)
    charge_level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    detainer: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    detainer_form: Mapped[str | None] = mapped_column(String(10), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    policy_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    policy_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # outcome
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    prints_purged: Mapped[bool] = mapped_column(Boolean, default=False)


class ChargeRow(Base):
    __tablename__ = "charges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    ncic_code: Mapped[str] = mapped_column(String(4))
    description: Mapped[str] = mapped_column(Text, default="")


class BookingPrintRow(Base):
    __tablename__ = "booking_prints"
    __table_args__ = (UniqueConstraint("booking_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MessageRow(Base):
    """The messages of the interoperability process (SRE, IDR, IAQ, IAR, no-match), as sent."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(40))
    receiver: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class OutboxRow(Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)


class DeliveryRow(Base):
    """What recipients received. Unique ``dedupe_key``: a redelivery after a crash is a no-op."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    recipient: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[str] = mapped_column(Text)
    delivered_at: Mapped[datetime] = mapped_column(DateTime)


class AuditRow(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
