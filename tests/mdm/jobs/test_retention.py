"""Pruning: old succeeded jobs go with their events; dead letters and recent jobs stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.retention import prune_succeeded
from mdm.jobs.tasks import Task

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _noop(_ctx: JobContext, **_args: object) -> None:
    return None


TASK = Task("test.prune", _noop)


def _finish(engine: Engine, n: int, when: datetime, *, dead: bool) -> None:
    with session_scope(engine, write=True) as session:
        store.enqueue(session, [store.new_job(TASK, {"n": n})], when)
    with session_scope(engine, write=True) as session:
        (job,) = store.claim(
            session, "w", queues=["default"], tasks=[TASK.name], now=when, lease_seconds=30
        )
        if dead:
            store.fail(session, job, "w", when, error="no", retry_at=None)
        else:
            store.complete(session, job, "w", when)


def test_prune_deletes_only_old_succeeded_jobs_and_their_events(engine: Engine) -> None:
    _finish(engine, 1, T0, dead=False)
    _finish(engine, 2, T0, dead=True)
    _finish(engine, 3, T0 + timedelta(days=20), dead=False)
    with session_scope(engine, write=True) as session:
        assert prune_succeeded(session, T0 + timedelta(days=21), keep_days=14) == 1
    with engine.connect() as connection:
        args = connection.execute(select(store.JOB.c.args).order_by(store.JOB.c.id)).scalars()
        assert [a["n"] for a in args] == [2, 3]
        orphans = select(func.count()).where(store.EVENT.c.job_id.not_in(select(store.JOB.c.id)))
        assert connection.execute(orphans).scalar_one() == 0
