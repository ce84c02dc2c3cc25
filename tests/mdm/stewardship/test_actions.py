"""Workbench actions change the hub through its steward services and audit themselves."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.golden.lineage_models import ConstraintKind, MatchConstraint
from mdm.golden.queries import attributes_of
from mdm.records.models import QuarantineItem, QuarantineStatus, SourceRecord
from mdm.resolution.models import MatchCandidate
from mdm.stewardship import actions, audit
from mdm.stewardship.audit import AuditFilter
from tests.support import steward_world
from tests.support.lookups import golden_of

C = EntityType.CUSTOMER


def _audit(
    engine: Engine, actor: str | None = None, entity: str | None = None
) -> list[audit.AuditEntry]:
    with session_scope(engine) as session:
        return audit.entries(session, AuditFilter(actor=actor, entity=entity))[0]


def test_accept_merges_and_is_audited_with_before_and_after(engine: Engine) -> None:
    w = steward_world.build(engine)
    apart = golden_of(engine, "crm", "A1"), golden_of(engine, "erp", "A1")
    with session_scope(engine, write=True) as session:
        actions.decide(session, w.acme, True, "ann")
    assert golden_of(engine, "crm", "A1") == golden_of(engine, "erp", "A1")
    [entry] = _audit(engine, actor="ann")
    assert (entry.action, entry.subject, entry.entity_type) == (
        "accept",
        f"candidate:{w.acme}",
        "customer",
    )
    assert entry.before["status"] == "open"
    assert entry.after["status"] == "accepted"
    assert {entry.before["a"].split(" -> ")[1], entry.before["b"].split(" -> ")[1]} == set(apart)


def test_reject_keeps_the_pair_apart_for_good(engine: Engine) -> None:
    w = steward_world.build(engine)
    with session_scope(engine, write=True) as session:
        actions.decide(session, w.bergmann, False, "ann")
    assert golden_of(engine, "crm", "B1") != golden_of(engine, "erp", "B1")
    with session_scope(engine) as session:
        candidate = session.get(MatchCandidate, w.bergmann)
        assert candidate is not None
        assert (candidate.status, candidate.decided_by) == ("rejected", "ann")
        kinds = list(session.exec(select(MatchConstraint.kind)))
    assert kinds == [ConstraintKind.CANNOT_LINK.value]
    assert [e.action for e in _audit(engine)] == ["reject"]


def test_unmerge_restores_prior_members(engine: Engine) -> None:
    w = steward_world.build(engine)
    erp_before = golden_of(engine, "erp", "A1")
    with session_scope(engine, write=True) as session:
        actions.decide(session, w.acme, True, "ann")
    merged = golden_of(engine, "crm", "A1")
    with session_scope(engine, write=True) as session:
        kept, fresh = actions.unmerge(session, merged, C, "bob")
    assert golden_of(engine, "crm", "A1") != golden_of(engine, "erp", "A1")
    assert {golden_of(engine, "crm", "A1"), golden_of(engine, "erp", "A1")} == {kept, fresh}
    assert erp_before != fresh  # the part split off gets a new id, never a reused one
    [entry] = _audit(engine, actor="bob")
    assert entry.action == "unmerge"
    assert sorted(entry.before["members"]) == ["crm:A1", "erp:A1"]
    assert len(entry.after["kept"]["members"]) == len(entry.after["split_off"]["members"]) == 1


def test_move_out_leaves_a_record_on_its_own(engine: Engine) -> None:
    w = steward_world.build(engine)
    with session_scope(engine, write=True) as session:
        actions.decide(session, w.corvus, True, "ann")
    merged = golden_of(engine, "crm", "C1")
    with session_scope(engine, write=True) as session:
        erp = session.exec(
            select(SourceRecord.id).where(
                col(SourceRecord.source_system) == "erp", col(SourceRecord.source_id) == "C1"
            )
        ).one()
        assert erp is not None
        own = actions.move_out(session, merged, C, erp, "ann")
    assert golden_of(engine, "erp", "C1") == own != golden_of(engine, "crm", "C1")
    assert _audit(engine)[0].action == "move_out"


def test_override_wins_survivorship_and_is_audited(engine: Engine) -> None:
    steward_world.build(engine)
    golden = golden_of(engine, "crm", "B1")
    with session_scope(engine, write=True) as session:
        actions.override(session, golden, C, "city", "München", "ann")
    with session_scope(engine) as session:
        city = attributes_of(session, [golden])[golden]["city"]
    assert (city.value, city.rule, city.source) == ("München", "steward_override", None)
    [entry] = _audit(engine, entity=golden)
    assert entry.before == {"attribute": "city", "value": "Munich"}
    assert entry.after == {"attribute": "city", "value": "München"}
    with session_scope(engine, write=True) as session, pytest.raises(InvalidInput):
        actions.override(session, golden, C, "shoe_size", "42", "ann")


def test_resubmit_with_a_fix_ingests_and_closes_the_item(engine: Engine) -> None:
    w = steward_world.build(engine)
    with session_scope(engine, write=True) as session:
        actions.resubmit(
            session, w.quarantine_id, {"name": "Quai Conseil SA", "city": "Paris"}, "ann"
        )
    with session_scope(engine) as session:
        item = session.get(QuarantineItem, w.quarantine_id)
        assert item is not None
        assert item.status == QuarantineStatus.RESOLVED
        assert item.resolved_record_id is not None
    [entry] = _audit(engine, entity=f"quarantine:{w.quarantine_id}")
    assert entry.after["fields"] == {"name": "Quai Conseil SA"}  # only what changed


def test_resubmit_still_invalid_changes_nothing(engine: Engine) -> None:
    w = steward_world.build(engine)
    with (
        pytest.raises(InvalidInput, match="still invalid"),
        session_scope(engine, write=True) as session,
    ):
        actions.resubmit(session, w.quarantine_id, {"city": "Lyon"}, "ann")
    with session_scope(engine) as session:
        item = session.get(QuarantineItem, w.quarantine_id)
        assert item is not None
        assert item.status == QuarantineStatus.OPEN
    assert _audit(engine) == []


def test_audit_filters_by_person_entity_and_date(engine: Engine) -> None:
    w = steward_world.build(engine)
    with session_scope(engine, write=True) as session:
        actions.decide(session, w.acme, True, "ann")
        actions.decide(session, w.corvus, False, "bob")
    assert [e.actor for e in _audit(engine)] == ["bob", "ann"]  # newest first
    assert [e.actor for e in _audit(engine, actor="ann")] == ["ann"]
    assert len(_audit(engine, entity="customers")) == 2
    assert len(_audit(engine, entity="contract")) == 0
    with session_scope(engine) as session:
        today = audit.entries(session, AuditFilter(since=_today(), until=_today()))[1]
        later = audit.entries(session, AuditFilter(since=_today().replace(year=2100)))[1]
        assert audit.actors(session) == ["ann", "bob"]
    assert (today, later) == (2, 0)


def _today() -> date:
    return utcnow().date()
