"""The tamper-evident audit log: a hash chain over every search, disclosure and decision.

Each row's hash is SHA-256 over the previous row's hash and this row's canonical
content; changing, deleting or reordering any row breaks every hash after it, and
:func:`verify_chain` says where.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scomm.store.schema import AuditRow

GENESIS = "0" * 64


def _digest(prev: str, seq: int, at: datetime, actor: str, action: str, subject: str, detail: str) -> str:
    body = json.dumps([seq, at.isoformat(), actor, action, subject, detail], separators=(",", ":"))
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def append_audit(session: Session, *, actor: str, action: str, subject: str, detail: dict[str, Any],
                 at: datetime) -> AuditRow:
    """Append one event in the caller's transaction (so it commits or rolls back with the work)."""
    last = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    text = json.dumps(detail, sort_keys=True, separators=(",", ":"), default=str)
    row = AuditRow(seq=seq, at=at, actor=actor, action=action, subject=subject, detail=text, prev_hash=prev,
                   hash=_digest(prev, seq, at, actor, action, subject, text))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(session: Session) -> ChainCheck:
    prev, expected_seq, n = GENESIS, 1, 0
    for row in session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars():
        n += 1
        if row.seq != expected_seq:
            return ChainCheck(False, n, row.seq, f"sequence jumps from {expected_seq - 1} to {row.seq} (row deleted)")
        if row.prev_hash != prev:
            return ChainCheck(False, n, row.seq, "previous-hash link broken")
        if _digest(prev, row.seq, row.at, row.actor, row.action, row.subject, row.detail) != row.hash:
            return ChainCheck(False, n, row.seq, "row content does not match its hash (altered)")
        prev, expected_seq = row.hash, expected_seq + 1
    return ChainCheck(True, n)
