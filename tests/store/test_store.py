from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from scomm.errors import PolicyError, StoreError
from scomm.policy import (
    ActivationChange,
    ActivationState,
    Jurisdiction,
    parse_policy,
    shipped_policy,
)
from scomm.store import append_audit, open_store, verify_chain
from scomm.store.database import table_names
from scomm.store.registry import (
    assign_policy,
    load_jurisdiction,
    policy_for,
    record_activation,
    register_agency,
    register_jurisdiction,
)
from scomm.store.schema import AuditRow

AT = datetime(2010, 1, 1, 12, 0)


def test_migrations_create_every_table(store):
    names = set(table_names(store))
    assert {"bookings", "outbox", "deliveries", "audit_log", "gallery_templates", "policy_versions"} <= names


def test_reopening_a_migrated_database_keeps_its_rows(db_url):
    s = open_store(db_url)
    with s.transaction() as session:
        append_audit(session, actor="t", action="x", subject="s", detail={}, at=AT)
    s.dispose()
    s2 = open_store(db_url)
    with s2.sessions() as session:
        assert verify_chain(session).events == 1
    s2.dispose()


def test_audit_chain_detects_an_altered_event(store):
    with store.transaction() as session:
        for i in range(5):
            append_audit(session, actor="pipeline", action="search", subject=f"booking:{i}", detail={"hit": False}, at=AT)
    with store.sessions() as session:
        assert verify_chain(session).ok
    with store.transaction() as session:
        session.execute(update(AuditRow).where(AuditRow.seq == 3).values(detail='{"hit":true}'))
    with store.sessions() as session:
        check = verify_chain(session)
    assert not check.ok and check.first_bad_seq == 3 and "altered" in check.reason


def test_audit_chain_detects_a_deleted_event(store):
    with store.transaction() as session:
        for i in range(4):
            append_audit(session, actor="a", action="disclosure", subject=str(i), detail={}, at=AT)
    with store.transaction() as session:
        session.delete(session.execute(select(AuditRow).where(AuditRow.seq == 2)).scalar_one())
    with store.sessions() as session:
        assert verify_chain(session).first_bad_seq == 3


def test_activation_history_and_policy_assignment_round_trip(store):
    j = Jurisdiction("25025", "MA", "Suffolk", (ActivationChange(date(2008, 11, 5), ActivationState.PILOT),))
    with store.transaction() as session:
        register_jurisdiction(session, j)
        register_jurisdiction(session, j)  # idempotent
        record_activation(session, "25025", ActivationChange(date(2011, 6, 1), ActivationState.OPTED_OUT, "vote"))
        register_agency(session, "MA0250100", "Boston", "25025")
        assign_policy(session, "25025", shipped_policy("historical-2008"), date(2008, 1, 1))
        assign_policy(session, "25025", shipped_policy("restrictive-level1"), date(2011, 1, 1))
    with store.sessions() as session:
        back = load_jurisdiction(session, "25025")
        assert [c.state for c in back.history] == [ActivationState.PILOT, ActivationState.OPTED_OUT]
        assert policy_for(session, "25025", date(2010, 5, 1)).id == "historical-2008"
        assert policy_for(session, "25025", date(2011, 5, 1)).id == "restrictive-level1"
        with pytest.raises(PolicyError, match="no policy"):
            policy_for(session, "25025", date(2007, 1, 1))


def test_a_changed_policy_document_needs_a_new_version(store):
    with store.transaction() as session:
        register_jurisdiction(session, Jurisdiction("25025", "MA", "Suffolk"))
        assign_policy(session, "25025", parse_policy('id="p"\nversion=1\n[detainer]\nact_on_levels=["LEVEL_1"]'),
                      date(2008, 1, 1))
    with pytest.raises(PolicyError, match="bump the version"):
        with store.transaction() as session:
            assign_policy(session, "25025", parse_policy('id="p"\nversion=1\n[detainer]\nact_on_levels=[]'),
                          date(2009, 1, 1))


def test_missing_database_is_reported_when_not_creating(tmp_path):
    with pytest.raises(StoreError, match="no scomm database"):
        open_store(f"sqlite:///{tmp_path / 'absent.sqlite'}", create=False)
