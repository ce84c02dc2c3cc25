"""Resolve on ingest: with a stored model, new records join their golden record as they arrive."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.history import history
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest
from mdm.resolution.batch import resolve_all
from mdm.resolution.models import BlockingKey, ModelVersion
from mdm.settings import Settings
from tests.mdm.resolution.test_batch import ROWS
from tests.support.databases import empty_tables
from tests.support.lookups import golden_of
from tests.support.workers import SPAWN, ingest_rows_after_barrier, run_spawned

C = EntityType.CUSTOMER
LATE = [  # arrivals after the model was fitted
    {
        "source_system": "hubspot",
        "source_id": "77",
        "name": "Nordwind Logistik GmbH",
        "city": "Hamburg",
        "country": "DE",
        "phone": "+49 40 1234567",
    },
    {
        "source_system": "hubspot",
        "source_id": "78",
        "name": "Bergmann Consulting AG",
        "city": "München",
        "country": "DE",
        "phone": "+49 89 7654321",
    },
    {
        "source_system": "hubspot",
        "source_id": "79",
        "name": "Lindqvist Arkitekter AB",
        "city": "Stockholm",
        "country": "SE",
        "phone": "+46 8 123 456",
    },
]


def _ingest(engine: Engine, rows: list[dict[str, Any]]) -> list[str]:
    with session_scope(engine, write=True) as session:
        return [
            r.golden_id or "" for r in ingest(session, C, [RecordInput(r) for r in rows]).results
        ]


def _fitted(engine: Engine) -> str:
    """Load the base rows, fit and resolve; return the stored model as JSON."""
    _ingest(engine, ROWS)
    with session_scope(engine, write=True) as session:
        resolve_all(session, C)
    with Session(engine) as session:
        stored = session.exec(select(ModelVersion)).one()
    assert stored.model is not None
    return stored.model


def _partition(engine: Engine) -> set[frozenset[str]]:
    with Session(engine) as session:
        groups: dict[str, set[str]] = {}
        for r in session.exec(select(SourceRecord).where(col(SourceRecord.status) == "active")):
            groups.setdefault(r.golden_id or "", set()).add(f"{r.source_system}:{r.source_id}")
    return {frozenset(g) for g in groups.values()}


def test_arrivals_join_their_golden_record_and_strangers_stand_alone(engine: Engine) -> None:
    _fitted(engine)
    joined = _ingest(engine, LATE)
    assert joined[0] == golden_of(engine, "crm", "1")
    assert joined[1] == golden_of(engine, "crm", "2")
    assert joined[2] not in {golden_of(engine, s, i) for s, i in (("crm", "1"), ("crm", "2"))}
    with Session(engine) as session:
        kinds = [e.kind for e in history(session, joined[0])]
    assert kinds[-1] == "record_linked"


def test_blocking_keys_are_stored_for_every_active_record(engine: Engine) -> None:
    _fitted(engine)
    with Session(engine) as session:
        with_keys = set(session.exec(select(BlockingKey.source_record_id)).all())
        active = set(session.exec(select(SourceRecord.id)).all())
    assert with_keys == active


def _store_model(engine: Engine, model: str) -> None:
    from matching.presets import preset

    with session_scope(engine, write=True) as session:
        session.add(
            ModelVersion(
                entity_type=C.value,
                version=1,
                origin="em",
                settings=preset("customers").to_dict(),
                model=model,
            )
        )


def test_same_clusters_in_any_order_or_in_one_batch(engine: Engine) -> None:
    model = _fitted(engine)
    rows = ROWS + LATE
    partitions = []
    for order in (rows, list(reversed(rows)), rows[1::2] + rows[0::2]):
        empty_tables(engine)
        _store_model(engine, model)
        for row in order:
            _ingest(engine, [row])
        partitions.append(_partition(engine))
    empty_tables(engine)
    _store_model(engine, model)
    _ingest(engine, rows)
    partitions.append(_partition(engine))
    assert all(p == partitions[0] for p in partitions[1:])
    assert frozenset({"crm:1", "erp:1", "psa:1", "hubspot:77"}) in partitions[0]


def test_eight_threads_ingesting_one_customer_leave_one_golden_record(
    engine: Engine, settings: Settings
) -> None:
    _fitted(engine)
    barrier = threading.Barrier(8)
    arrivals = [
        [
            {
                "source_system": f"sys{i}",
                "source_id": "A",
                "name": "Quellwasser Brauerei GmbH",
                "city": "Bamberg",
                "country": "DE",
                "phone": "+49 951 555123",
            }
        ]
        for i in range(8)
    ]
    threads = [
        threading.Thread(
            target=ingest_rows_after_barrier, args=(settings.database_url, rows, barrier)
        )
        for rows in arrivals
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len({golden_of(engine, f"sys{i}", "A") for i in range(8)}) == 1


def test_four_processes_ingesting_one_customer_leave_one_golden_record(
    engine: Engine, settings: Settings
) -> None:
    _fitted(engine)
    barrier = SPAWN.Barrier(4)
    rows = [[{**LATE[2], "source_system": f"proc{i}"}] for i in range(4)]
    calls = [(settings.database_url, mine, barrier) for mine in rows]
    assert run_spawned(ingest_rows_after_barrier, calls) == [0, 0, 0, 0]
    assert len({golden_of(engine, f"proc{i}", "79") for i in range(4)}) == 1


def test_an_empty_hub_resolves_arrivals_with_the_presets_default_weights(engine: Engine) -> None:
    first = _ingest(engine, ROWS[:1])[0]
    joined = _ingest(engine, [ROWS[1], ROWS[3]])
    assert joined[0] == first  # the same tax id, name and phone: one customer
    assert joined[1] != first
    with session_scope(engine) as session:
        assert session.exec(select(ModelVersion)).first() is None  # nothing fitted, nothing stored


def test_a_bulk_load_can_leave_matching_to_the_batch_run(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        report = ingest(session, C, [RecordInput(r) for r in ROWS[:2]], resolve=False)
    goldens = [r.golden_id for r in report.results]
    assert len(set(goldens)) == 2
    with session_scope(engine, write=True) as session:
        resolve_all(session, C)
    assert golden_of(engine, "crm", "1") == golden_of(engine, "erp", "1")
