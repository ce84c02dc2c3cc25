"""The queue's SQL on a real database: enqueue, claim, per-key order, leases, retries, replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from mdm.db import session_scope
from mdm.errors import Conflict, InvalidInput
from mdm.jobs import store
from mdm.jobs.context import JobContext, JobRecord
from mdm.jobs.models import JobStatus
from mdm.jobs.replay import ReplayFilter, replay_many, replay_one
from mdm.jobs.tasks import RetryStrategy, Task

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _noop(_ctx: JobContext, **_args: object) -> None:
    return None


SYNC = Task("test.sync", _noop, RetryStrategy(max_attempts=3), lock="customer:{golden_id}")
FREE = Task("test.free", _noop, RetryStrategy(max_attempts=2))


def _enqueue(engine: Engine, task: Task, *args: dict[str, object], now: datetime = T0) -> int:
    with session_scope(engine, write=True) as session:
        return store.enqueue(session, [store.new_job(task, a) for a in args], now)


def _claim(engine: Engine, worker: str, now: datetime = T0, limit: int = 1) -> list[JobRecord]:
    with session_scope(engine, write=True) as session:
        return store.claim(
            session,
            worker,
            queues=["default"],
            tasks=[SYNC.name, FREE.name],
            now=now,
            lease_seconds=30,
            limit=limit,
        )


def _statuses(engine: Engine) -> dict[int, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(store.JOB.c.id, store.JOB.c.status)).all()
    return {row.id: row.status for row in rows}


def test_duplicate_enqueue_is_a_no_op(engine: Engine) -> None:
    assert _enqueue(engine, SYNC, {"golden_id": "cus_1"}) == 1
    assert _enqueue(engine, SYNC, {"golden_id": "cus_1"}, {"golden_id": "cus_2"}) == 1
    assert len(_statuses(engine)) == 2


def test_one_running_job_per_lock_key_in_order(engine: Engine) -> None:
    _enqueue(engine, SYNC, {"golden_id": "cus_1", "n": 1}, {"golden_id": "cus_1", "n": 2})
    _enqueue(engine, SYNC, {"golden_id": "cus_2", "n": 1})
    first = _claim(engine, "w1", limit=10)
    assert [job.args["n"] for job in first] == [1, 1]
    assert _claim(engine, "w2", limit=10) == []
    with session_scope(engine, write=True) as session:
        assert store.complete(session, first[0], "w1", T0)
    (second,) = _claim(engine, "w2", limit=10)
    assert second.args == {"golden_id": "cus_1", "n": 2}


def test_a_retrying_job_holds_back_later_jobs_of_its_key(engine: Engine) -> None:
    _enqueue(engine, SYNC, {"golden_id": "cus_1", "n": 1}, {"golden_id": "cus_1", "n": 2})
    (job,) = _claim(engine, "w1")
    later = T0 + timedelta(minutes=5)
    with session_scope(engine, write=True) as session:
        assert store.fail(session, job, "w1", T0, error="boom", retry_at=later) == "todo"
    assert _claim(engine, "w1", now=T0 + timedelta(minutes=1)) == []
    (again,) = _claim(engine, "w1", now=later)
    assert (again.id, again.attempts) == (job.id, 2)


def test_expired_lease_is_taken_again_and_the_last_attempt_dies(engine: Engine) -> None:
    _enqueue(engine, FREE, {"n": 1})
    (job,) = _claim(engine, "dead-worker")
    with session_scope(engine, write=True) as session:
        assert store.reap_expired(session, T0 + timedelta(seconds=10)) == []
        assert store.reap_expired(session, T0 + timedelta(seconds=31)) == [(job.id, "todo")]
    (again,) = _claim(engine, "w2", now=T0 + timedelta(seconds=32))
    assert again.attempts == 2
    with session_scope(engine, write=True) as session:
        # The first worker's late acknowledgement is refused: the job is no longer its claim.
        assert not store.complete(session, job, "dead-worker", T0 + timedelta(seconds=33))
        assert store.reap_expired(session, T0 + timedelta(minutes=5)) == [(job.id, "dead")]


def test_replay_keeps_the_idempotency_key_and_is_capped(engine: Engine) -> None:
    _enqueue(engine, FREE, {"n": 1})
    (job,) = _claim(engine, "w1")
    for replay in range(2):
        with session_scope(engine, write=True) as session:
            assert store.fail(session, job, "w1", T0, error="bad", retry_at=None) == "dead"
        with session_scope(engine, write=True) as session:
            replay_one(session, job.id, actor="ops", reason="fixed", now=T0, max_replays=2)
        (job,) = _claim(engine, "w1")
        assert job.attempts == 1
        assert job.replay_count == replay + 1
        assert job.idempotency_key == store.new_job(FREE, {"n": 1}).idempotency_key
    with session_scope(engine, write=True) as session:
        store.fail(session, job, "w1", T0, error="bad", retry_at=None)
    with pytest.raises(Conflict), session_scope(engine, write=True) as session:
        replay_one(session, job.id, actor="ops", reason="again", now=T0, max_replays=2)


def test_bulk_replay_needs_a_filter_and_takes_only_matching_dead_letters(engine: Engine) -> None:
    _enqueue(engine, FREE, {"n": 1}, {"n": 2})
    _enqueue(engine, SYNC, {"golden_id": "cus_1"})
    for job in _claim(engine, "w1", limit=10):
        with session_scope(engine, write=True) as session:
            store.fail(session, job, "w1", T0, error=f"{job.task} broke", retry_at=None)
    with pytest.raises(InvalidInput), session_scope(engine, write=True) as session:
        replay_many(
            session, ReplayFilter(), actor="ops", reason="x", now=T0, max_replays=3, limit=10
        )
    with session_scope(engine, write=True) as session:
        report = replay_many(
            session,
            ReplayFilter(task=FREE.name),
            actor="ops",
            reason="x",
            now=T0,
            max_replays=3,
            limit=1,
        )
    assert len(report.replayed) == 1
    assert report.truncated
    assert sorted(_statuses(engine).values()) == [JobStatus.DEAD, JobStatus.DEAD, JobStatus.TODO]


def test_a_claim_over_several_queues_takes_them_in_name_order_each_in_id_order(
    engine: Engine,
) -> None:
    late, early = Task("test.late", _noop, queue="later"), Task("test.early", _noop, queue="early")
    for n in range(2):
        _enqueue(engine, late, {"n": n})
        _enqueue(engine, early, {"n": n})
    with session_scope(engine, write=True) as session:
        jobs = store.claim(
            session,
            "w1",
            queues=["later", "early"],
            tasks=[late.name, early.name],
            now=T0,
            lease_seconds=30,
            limit=2,
        )
    assert [(job.queue, job.args["n"]) for job in jobs] == [("early", 0), ("early", 1)]
