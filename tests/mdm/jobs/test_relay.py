"""The outbox relay on a real database: every event once per consumer, whatever reruns or races."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.feed import FeedEvent
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.relay import CURSOR, OUTBOX, Consumer, mark_published, relay, relay_page
from mdm.jobs.runtime import duties
from mdm.jobs.tasks import Task
from mdm.records.service import RecordInput, ingest
from mdm.settings import Settings


def _noop(_ctx: JobContext, **_args: object) -> None:
    return None


NOTE = Task("test.note", _noop)


class Recorder:
    """A consumer that notes every outbox id it is handed and asks for one job per event."""

    def __init__(self, name: str) -> None:
        self.seen: list[int] = []
        self.consumer = Consumer(name, self.jobs_for)

    def jobs_for(self, _session: Session, events: Sequence[FeedEvent]) -> list[store.NewJob]:
        ids = [e.position.id for e in events]
        self.seen.extend(ids)
        name = self.consumer.name
        return [
            store.new_job(NOTE, {"outbox_id": i}, idempotency_key=f"{name}:evt_{i}") for i in ids
        ]


def _add_customers(engine: Engine, *names: str) -> None:
    rows = [{"source_system": "crm", "source_id": n, "name": n} for n in names]
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(r) for r in rows], resolve=False)


def _outbox_ids(engine: Engine, *, published: bool | None = None) -> list[int]:
    query = select(OUTBOX.c.id).order_by(OUTBOX.c.id)
    if published is not None:
        stamped = OUTBOX.c.published_at.is_not(None)
        query = query.where(stamped if published else ~stamped)
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(query)]


def _jobs(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(store.JOB)).scalar_one())


def test_each_event_reaches_each_consumer_once_in_feed_order(engine: Engine) -> None:
    first, second = Recorder("first"), Recorder("second")
    _add_customers(engine, "A", "B")
    _add_customers(engine, "C")
    consumers = [first.consumer, second.consumer]
    assert relay(engine, utcnow(), consumers) == 6
    assert relay(engine, utcnow(), consumers) == 0
    ids = _outbox_ids(engine)
    assert len(ids) == 3
    assert first.seen == second.seen == ids
    assert _jobs(engine) == 6
    assert _outbox_ids(engine, published=False) == []


def test_pages_resume_where_the_last_one_ended(engine: Engine) -> None:
    recorder = Recorder("paged")
    _add_customers(engine, *"ABCDE")
    assert relay(engine, utcnow(), [recorder.consumer], page_size=2, max_pages=2) == 4
    assert relay(engine, utcnow(), [recorder.consumer], page_size=2) == 1
    assert recorder.seen == _outbox_ids(engine)


def test_a_page_read_again_enqueues_nothing_twice(engine: Engine) -> None:
    recorder = Recorder("again")
    _add_customers(engine, "A", "B")
    relay(engine, utcnow(), [recorder.consumer])
    with session_scope(engine, write=True) as session:  # as if the cursor had not moved
        session.connection().execute(update(CURSOR).values(txid=0, outbox_id=0))
    relay(engine, utcnow(), [recorder.consumer])
    assert len(recorder.seen) == 4
    assert _jobs(engine) == 2


def test_outbox_rows_are_published_once_every_consumer_has_passed_them(engine: Engine) -> None:
    ahead, behind = Recorder("ahead"), Recorder("behind")
    _add_customers(engine, "A", "B")
    relay_page(engine, ahead.consumer, utcnow())
    assert mark_published(engine, ["ahead", "behind"], utcnow()) == 0
    relay_page(engine, behind.consumer, utcnow())
    assert mark_published(engine, ["ahead", "behind"], utcnow()) == 2
    assert _outbox_ids(engine, published=False) == []


def test_concurrent_relays_hand_each_event_over_once(engine: Engine) -> None:
    recorder = Recorder("raced")
    barrier, stop = threading.Barrier(3), threading.Event()
    errors: list[BaseException] = []

    def relay_until_stopped() -> None:
        try:
            barrier.wait(timeout=30)
            while not stop.is_set():
                relay(engine, utcnow(), [recorder.consumer], page_size=3)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=relay_until_stopped) for _ in range(2)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    for batch in range(8):  # golden changes keep arriving while both relays run
        _add_customers(engine, f"N{batch}a", f"N{batch}b")
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    relay(engine, utcnow(), [recorder.consumer])
    assert errors == []
    assert sorted(recorder.seen) == recorder.seen == _outbox_ids(engine)
    assert _jobs(engine) == 16


def test_every_worker_runs_the_relay_as_a_duty(settings: Settings) -> None:
    (duty,) = [d for d in duties(settings) if d.name == "outbox_relay"]
    assert duty.every_seconds == settings.jobs_relay_seconds
