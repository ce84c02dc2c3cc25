"""A batch prepared on a read snapshot, then written after other batches: caught up exactly.

The oracle is the neighbourhood a batch reads under the write lock without a look ahead: what
`catch_up` makes of the snapshot and what changed since must be that, row for row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

import mdm.records.rest as records_rest
import mdm.records.service as service
import mdm.resolution.ahead as ahead
import mdm.resolution.incremental as incremental
from mdm import migrate
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.records.models import SourceRecord
from mdm.records.service import Prepared, RecordInput, ingest, prepare
from mdm.resolution.batch import resolve_all
from mdm.resolution.frames import RecordFrame, pick
from mdm.settings import Settings
from tests.support.lookups import golden_of
from tests.support.workers import SPAWN, prepare_then_ingest_after_barrier, run_spawned

C = EntityType.CUSTOMER
Row = dict[str, Any]
Checked = list[set[str]]  # the neighbours of each batch caught up, as read afresh


SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ra", "so", "ti", "vu", "ze")


def _name(i: int) -> str:
    """A name of one word no other firm's shares a token, a first six letters or a spelling
    with: each firm is a neighbour only through the keys a scenario gives it in common."""
    return "".join(SYLLABLES[int(d)] for d in f"{i:03d}") + "ex"


def _firm(i: int, **cells: Any) -> Row:
    return {
        "source_system": "crm",
        "source_id": f"c{i}",
        "name": _name(i),
        "city": "Leeds",
        "country": "GB",
        **cells,
    }


def _ingest(engine: Engine, rows: list[Row], prepared: Prepared | None = None) -> None:
    inputs = prepared.inputs if prepared else [RecordInput(r) for r in rows]
    with session_scope(engine, write=True) as session:
        ingest(session, C, inputs, prepared=prepared)


def _prepare(engine: Engine, rows: list[Row]) -> Prepared:
    with session_scope(engine) as session:
        return prepare(session, C, [RecordInput(r) for r in rows])


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Checked:
    """Every catch-up compared with the neighbourhood read afresh in the same transaction."""
    seen: Checked = []
    real = ahead.catch_up

    def compared(session: Session, entity: EntityType, *args: Any) -> Any:
        caught = real(session, entity, *args)
        _ahead, records, keyed, (settings, model) = args
        keys = list(dict.fromkeys((rule, key) for rule, key, _rid in keyed))
        fresh = incremental._neighbourhood(session, entity, records, keys, settings, model)
        (fresh_rows,), near, partners = fresh
        assert caught[1] == near
        _same_frames(pick(caught[0], near), fresh_rows)
        arrivals = set(records.record_ids)  # in scope anyway
        assert caught[2] - arrivals == partners - arrivals, "partners"
        frame = fresh_rows.frame
        seen.append(
            {f"{s}:{i}" for s, i in zip(frame["source_system"], frame["source_id"], strict=True)}
        )
        return caught

    monkeypatch.setattr(incremental, "catch_up", compared)
    return seen


def _same_frames(caught: RecordFrame, fresh: RecordFrame) -> None:
    assert caught.record_ids == fresh.record_ids
    pd.testing.assert_frame_equal(caught.frame, fresh.frame)


def _needs_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("writers do not take turns on PostgreSQL: nothing is done ahead")


def _partition(engine: Engine) -> set[frozenset[str]]:
    with Session(engine) as session:
        groups: dict[str, set[str]] = {}
        active = select(SourceRecord).where(col(SourceRecord.status) == "active")
        for r in session.exec(active):
            groups.setdefault(r.golden_id or "", set()).add(f"{r.source_system}:{r.source_id}")
    return {frozenset(g) for g in groups.values()}


BASE = [_firm(i, phone=f"+44 113 496 {i:04d}") for i in range(40)]
# Arrivals: two duplicates of base firms, one of a firm the other batch brings, a stranger.
LATE = [
    {**_firm(3), "source_system": "erp", "source_id": "e3", "phone": "+44 113 496 0003"},
    {**_firm(7), "source_system": "erp", "source_id": "e7", "name": f"{_name(7)} Ltd"},
    {**_firm(90), "source_system": "erp", "source_id": "e90", "phone": "+44 113 496 0090"},
    {**_firm(95), "source_system": "erp", "source_id": "e95", "name": "Quite Another Name"},
]


PHONE = "+44 113 496 0003"  # firm 3's, and its duplicate's among the arrivals
CROWD = [f"crm:c{200 + i}" for i in range(21)]
# (rows before the snapshot, rows written after it, records then in the neighbourhood or not)
SCENARIOS: dict[str, tuple[list[Row], list[Row], set[str], set[str]]] = {
    # the batch written in between brings the firm an arrival duplicates
    "a partner arrives": ([], [_firm(90, phone="+44 113 496 0090")], {"crm:c90"}, set()),
    # a neighbour's phone changes: it leaves its block (name blocks still hold it)
    "a neighbour changes": ([], [_firm(3, phone="+44 113 496 0777")], {"crm:c3"}, set()),
    # a neighbour is deleted: it leaves every block
    "a neighbour is deleted": (
        [],
        [{"source_system": "crm", "source_id": "c7", "deleted": "true"}],
        set(),
        {"crm:c7"},
    ),
    # a phone block of 19 at the snapshot; one more and the arrival take it past its cap of 20
    "a block goes over its cap": (
        [_firm(200 + i, phone=PHONE) for i in range(18)],
        [_firm(300, phone=PHONE)],
        set(),
        {*CROWD[:18], "crm:c300"},
    ),
    # a block of 22 at the snapshot; three leave it, so with the arrival it is back in its cap
    "a block shrinks within its cap": (
        [_firm(200 + i, phone=PHONE) for i in range(21)],
        [_firm(200 + i, phone=f"+44 20 7946 {i:04d}") for i in range(3)],
        set(CROWD[3:]),
        set(CROWD[:3]),
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_prepared_batch_reads_the_neighbourhood_a_fresh_read_would(
    engine: Engine, checked: Checked, scenario: str
) -> None:
    _needs_sqlite(engine)
    extra, change, inside, outside = SCENARIOS[scenario]
    _ingest(engine, BASE + extra)
    prepared = _prepare(engine, LATE)
    assert prepared.ahead is not None
    _ingest(engine, change)
    _ingest(engine, LATE, prepared)

    (near,) = checked  # one batch caught up, as a fresh read would have it
    assert inside <= near
    assert not outside & near


def test_clusters_match_a_batch_written_without_a_look_ahead(
    engine: Engine, checked: Checked, fresh_engine: Engine
) -> None:
    _needs_sqlite(engine)
    change = [_firm(90, phone="+44 113 496 0090"), _firm(3, phone="+44 113 496 0777")]
    _ingest(engine, BASE)
    prepared = _prepare(engine, LATE)
    _ingest(engine, change)
    _ingest(engine, LATE, prepared)
    looked_ahead = _partition(engine)
    assert len(checked) == 1

    migrate.upgrade(fresh_engine)
    for rows in (BASE, change, LATE):
        _ingest(fresh_engine, rows)
    assert looked_ahead == _partition(fresh_engine)
    assert {"crm:c90", "erp:e90"} <= next(g for g in looked_ahead if "erp:e90" in g)


def test_a_new_model_since_the_snapshot_means_reading_afresh(
    engine: Engine, checked: Checked
) -> None:
    _needs_sqlite(engine)
    _ingest(engine, BASE)
    prepared = _prepare(engine, LATE)
    with session_scope(engine, write=True) as session:
        resolve_all(session, C)  # fits and stores model version 1
    _ingest(engine, LATE, prepared)

    assert checked == []  # not caught up: read afresh


def test_arrivals_written_otherwise_than_prepared_mean_reading_afresh(
    engine: Engine, checked: Checked
) -> None:
    _needs_sqlite(engine)
    _ingest(engine, BASE)
    prepared = _prepare(engine, LATE)
    assert prepared.ahead is not None
    other = replace(prepared.ahead, arrivals={})  # as if the rows had been matched otherwise
    _ingest(engine, LATE, replace(prepared, ahead=other))

    assert checked == []  # not caught up: read afresh


def test_a_batch_is_written_only_with_its_own_preparation(engine: Engine) -> None:
    prepared = _prepare(engine, LATE)
    with session_scope(engine, write=True) as session, pytest.raises(ValueError, match="other"):
        ingest(session, C, [RecordInput(r) for r in LATE], prepared=prepared)
    with session_scope(engine, write=True) as session, pytest.raises(ValueError, match="other"):
        ingest(session, EntityType.PROJECT, prepared.inputs, prepared=prepared)
    assert _partition(engine) == set()


def test_on_postgresql_a_batch_is_checked_ahead_and_matched_under_its_locks(
    engine: Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite prepares the neighbourhood too (see the tests above)")
    _ingest(engine, BASE)
    prepared = _prepare(engine, LATE)
    assert prepared.ahead is None
    assert len(prepared.checked) == len(LATE)
    _ingest(engine, LATE, prepared)
    assert {"crm:c3", "erp:e3"} <= next(g for g in _partition(engine) if "erp:e3" in g)


def test_an_arrival_that_changes_a_record_is_matched_as_written_not_as_read_ahead(
    engine: Engine, checked: Checked
) -> None:
    _needs_sqlite(engine)
    _ingest(engine, [*BASE, _firm(500, website="https://x500.example")])
    # firm 500 becomes firm 6 (a CRM clean-up); its website stays, so its old self is among
    # the neighbours read ahead
    now_six = {**_firm(6, website="https://x500.example"), "source_id": "c500"}
    prepared = _prepare(engine, [now_six])
    _ingest(engine, [_firm(90)])
    _ingest(engine, [now_six], prepared)

    assert len(checked) == 1
    assert {"crm:c500", "crm:c6"} in _partition(engine)


def test_a_prepared_batch_quarantines_its_bad_rows_and_writes_the_rest(engine: Engine) -> None:
    _ingest(engine, BASE)
    bad = {"source_system": "erp", "source_id": "e999", "name": ""}
    prepared = _prepare(engine, [*LATE, bad])
    with session_scope(engine, write=True) as session:
        report = ingest(session, C, prepared.inputs, prepared=prepared)

    assert report.totals["quarantined"] == 1
    assert report.totals["created"] == len(LATE)
    assert [r.result for r in report.results][-1] == "quarantined"


def test_the_api_prepares_a_batch_before_it_writes(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest(engine, BASE)
    made: list[Prepared] = []

    def prepared(*args: Any) -> Prepared:
        made.append(service.prepare(*args))
        return made[-1]

    monkeypatch.setattr(records_rest, "prepare", prepared)
    response = client.post("/api/v1/customers/records", json=LATE)

    assert response.status_code == 200, response.text
    assert [r["result"] for r in response.json()["results"]] == ["created"] * len(LATE)
    (made_one,) = made
    assert (made_one.ahead is not None) == (engine.dialect.name == "sqlite")
    assert {"crm:c3", "erp:e3"} <= next(g for g in _partition(engine) if "erp:e3" in g)


def test_four_processes_writing_one_customer_prepared_alike_leave_one_golden_record(
    engine: Engine, settings: Settings
) -> None:
    # every process reads ahead before any writes: each but the first must find the others'
    # copies when it catches up under the lock (on PostgreSQL: under its advisory locks)
    _ingest(engine, BASE)
    barrier = SPAWN.Barrier(4)
    copy = {**_firm(77, phone="+44 113 496 0077"), "source_id": "x77"}  # not in the hub yet
    rows = [[{**copy, "source_system": f"proc{i}"}] for i in range(4)]
    calls = [(settings.database_url, mine, barrier) for mine in rows]

    assert run_spawned(prepare_then_ingest_after_barrier, calls) == [0, 0, 0, 0]
    assert len({golden_of(engine, f"proc{i}", "x77") for i in range(4)}) == 1
