"""Concurrent upserts of one record leave exactly one record, one version, one golden id."""

from __future__ import annotations

import threading
from collections import Counter
from queue import Queue

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mdm.golden.models import GoldenRecord
from mdm.records.models import SourceRecord, SourceRecordVersion
from mdm.settings import Settings
from tests.support.workers import SPAWN, ingest_after_barrier, run_spawned

ROW = {"source_system": "crm", "source_id": "001RACE", "name": "Race Condition GmbH"}


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (SourceRecord, SourceRecordVersion, GoldenRecord)
        )


def test_eight_threads_upserting_one_record_make_one_record(
    engine: Engine, settings: Settings
) -> None:
    barrier = threading.Barrier(8)
    results: Queue[str] = Queue()
    threads = [
        threading.Thread(
            target=ingest_after_barrier, args=(settings.database_url, ROW, barrier, results)
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    outcomes = Counter(results.get_nowait() for _ in range(results.qsize()))
    assert outcomes == Counter({"created": 1, "unchanged": 7})
    assert _counts(engine) == (1, 1, 1)


def test_four_processes_upserting_one_record_make_one_record(
    engine: Engine, settings: Settings
) -> None:
    barrier, results = SPAWN.Barrier(4), SPAWN.Queue()
    calls = [(settings.database_url, ROW, barrier, results)] * 4
    assert run_spawned(ingest_after_barrier, calls, timeout=120) == [0, 0, 0, 0]
    outcomes = Counter(results.get(timeout=5) for _ in calls)
    assert outcomes == Counter({"created": 1, "unchanged": 3})
    assert _counts(engine) == (1, 1, 1)
