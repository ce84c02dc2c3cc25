"""Golden records on a real database: events on ingest, merge, split, unmerge, redirects, as-of."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import Conflict, InvalidInput, NotFound
from mdm.golden import membership, steward
from mdm.golden.history import history, state_as_of
from mdm.golden.lineage_models import GoldenAttribute, LinkKind, OutboxEvent
from mdm.golden.models import GoldenRecord
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest

C = EntityType.CUSTOMER


def _load(engine: Engine, *rows: dict[str, Any]) -> list[str]:
    with session_scope(engine, write=True) as session:
        report = ingest(session, C, [RecordInput(r) for r in rows], resolve=False)
    return [r.golden_id or "" for r in report.results]


def _row(system: str, source_id: str, name: str, **extra: str) -> dict[str, str]:
    return {"source_system": system, "source_id": source_id, "name": name, **extra}


def _attributes(session: Session, golden_id: str) -> dict[str, tuple[str, str]]:
    query = select(GoldenAttribute).where(col(GoldenAttribute.golden_id) == golden_id)
    return {a.name: (a.value, a.rule) for a in session.exec(query)}


def _members(session: Session, golden_id: str) -> list[str]:
    return [f"{r.source_system}:{r.source_id}" for r in membership.members_of(session, golden_id)]


def _record_id(session: Session, system: str, source_id: str) -> int:
    query = select(SourceRecord.id).where(
        col(SourceRecord.source_system) == system, col(SourceRecord.source_id) == source_id
    )
    value = session.exec(query).one()
    assert value is not None
    return value


def test_ingest_creates_a_golden_record_with_event_outbox_and_lineage(engine: Engine) -> None:
    (gid,) = _load(engine, _row("crm", "1", "Acme GmbH", country="DE"))
    with Session(engine) as session:
        (event,) = history(session, gid)
        assert (event.kind, event.state["members"]) == ("created", ["crm:1"])
        assert event.state["attributes"]["name"] == "Acme GmbH"
        outbox = session.exec(select(OutboxEvent)).one()
        assert (outbox.topic, outbox.aggregate_id) == ("golden.created", gid)
        assert _attributes(session, gid)["country"][0] == "DE"


def test_changed_member_updates_attributes_with_an_event(engine: Engine) -> None:
    (gid,) = _load(engine, _row("crm", "1", "Acme GmbH"))
    _load(engine, _row("crm", "1", "Acme Holding GmbH"))
    _load(engine, _row("crm", "1", "Acme Holding GmbH"))  # a repeat: no event
    with Session(engine) as session:
        assert [e.kind for e in history(session, gid)] == ["created", "updated"]
        assert _attributes(session, gid)["name"][0] == "Acme Holding GmbH"


def test_an_attribute_no_member_supplies_any_longer_is_gone(engine: Engine) -> None:
    (gid,) = _load(engine, _row("crm", "1", "Acme GmbH", phone="+49 89 1", country="DE"))
    with Session(engine) as session:
        assert {"phone", "name", "country"} <= set(_attributes(session, gid))
    _load(engine, _row("crm", "1", "Acme SE", country="DE"))  # the phone is gone
    with Session(engine) as session:
        stored = _attributes(session, gid)
        assert "phone" not in stored
        assert stored["name"][0] == "Acme SE"
        latest = history(session, gid)[-1].state["attributes"]
        assert latest == {name: value for name, (value, _rule) in stored.items()}


def _merge(engine: Engine, a: str, b: str) -> str:
    with session_scope(engine, write=True) as session:
        return membership.merge(session, C, a, b, "steward:ann", LinkKind.STEWARD).id


def test_merge_keeps_the_larger_id_and_redirects_the_other(engine: Engine) -> None:
    g1, g2, g3 = _load(engine, _row("crm", "1", "Acme"), _row("erp", "9", "ACME Corp"),
                       _row("psa", "5", "Acme Inc"))  # fmt: skip
    big = _merge(engine, g1, g2)
    survivor = _merge(engine, g3, big)
    assert survivor == big
    with Session(engine) as session:
        assert membership.resolve_id(session, g3).id == big
        assert membership.resolve_id(session, g1 if big == g2 else g2).id == big
        assert _members(session, big) == ["crm:1", "erp:9", "psa:5"]
        assert session.get(GoldenRecord, g3).status == "merged"  # type: ignore[union-attr]


def test_unmerge_restores_prior_members_and_attributes(engine: Engine) -> None:
    g1, g2 = _load(engine, _row("crm", "1", "Acme", phone="+49 89 1"),
                   _row("erp", "9", "ACME Corp", tax_id="DE123456789", country="DE"))  # fmt: skip
    with Session(engine) as session:
        before = {g: (_members(session, g), _attributes(session, g)) for g in (g1, g2)}
    survivor = _merge(engine, g1, g2)
    with session_scope(engine, write=True) as session:
        kept, fresh = steward.unmerge(session, C, survivor, "steward:ann")
    assert kept == survivor
    with Session(engine) as session:
        after = sorted([(_members(session, g), _attributes(session, g)) for g in (kept, fresh)])
        assert after == sorted(before.values())
        assert session.get(GoldenRecord, fresh) is not None


def test_split_leaves_cannot_link_so_a_merge_back_is_refused(engine: Engine) -> None:
    g1, g2 = _load(engine, _row("crm", "1", "Acme"), _row("erp", "9", "Acme"))
    survivor = _merge(engine, g1, g2)
    with session_scope(engine, write=True) as session:
        kept, fresh = steward.unmerge(session, C, survivor, "steward:ann")
    with pytest.raises(Conflict, match="kept apart"):
        _merge(engine, kept, fresh)


def test_move_record_out_and_into_another_golden_record(engine: Engine) -> None:
    g1, g2, g3 = _load(engine, _row("crm", "1", "Acme"), _row("erp", "9", "Acme"),
                       _row("psa", "5", "Beta"))  # fmt: skip
    survivor = _merge(engine, g1, g2)
    with session_scope(engine, write=True) as session:
        rid = _record_id(session, "erp", "9")
        target = steward.move_record(session, C, rid, g3, "steward:bob")
    with Session(engine) as session:
        assert _members(session, target) == ["erp:9", "psa:5"]
        assert _members(session, survivor) == ["crm:1"]


def test_override_wins_and_is_recorded(engine: Engine) -> None:
    (gid,) = _load(engine, _row("crm", "1", "Acme"))
    with session_scope(engine, write=True) as session:
        steward.set_override(session, C, gid, "name", "ACME SE", "steward:ann")
    _load(engine, _row("crm", "1", "Acme Group"))
    with Session(engine) as session:
        assert _attributes(session, gid)["name"] == ("ACME SE", "steward_override")
    with pytest.raises(InvalidInput, match="no attribute"), session_scope(engine) as session:
        steward.set_override(session, C, gid, "colour", "red", "steward:ann")


def test_state_as_of_any_past_time(engine: Engine) -> None:
    (gid,) = _load(engine, _row("crm", "1", "Acme"))
    time.sleep(0.01)
    between = utcnow()
    time.sleep(0.01)
    _load(engine, _row("crm", "1", "Acme Renamed"))
    with Session(engine) as session:
        assert state_as_of(session, gid, between)["attributes"]["name"] == "Acme"
        assert state_as_of(session, gid, utcnow())["attributes"]["name"] == "Acme Renamed"
        with pytest.raises(NotFound):
            state_as_of(session, gid, between.replace(year=2000))


def test_deleting_the_last_record_retires_the_golden_record(engine: Engine) -> None:
    (gid,) = _load(engine, _row("crm", "1", "Acme"))
    _load(engine, {"source_system": "crm", "source_id": "1", "deleted": "true"})
    with Session(engine) as session:
        golden = session.get(GoldenRecord, gid)
        assert golden is not None
        assert golden.status == "retired"
        assert history(session, gid)[-1].kind == "record_unlinked"
        count = session.exec(select(func.count()).select_from(OutboxEvent)).one()
        assert count == 2
