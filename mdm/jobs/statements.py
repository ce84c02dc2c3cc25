"""The queue's hot statements (claim, acknowledge), built once per dialect, run with parameters.

A no-op job costs little more than these statements, so each is shaped for its plan and its
round trips:
- statuses are inlined, not bound: a plan prepared once (psycopg prepares a statement run five
  times) can only use a partial index whose predicate it sees as a constant;
- on PostgreSQL, a claim or an acknowledgement writes its job_event rows in the same statement
  (a data-modifying CTE), one round trip instead of two; SQLite has no such CTE, and talks to
  its file in-process, so it inserts them separately (`store.record_events`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    exists,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql

from mdm.jobs.models import Job, JobEvent, JobEventKind, JobStatus

JOB = Job.__table__  # type: ignore[attr-defined]
EVENT = JobEvent.__table__  # type: ignore[attr-defined]

TODO: ColumnElement[str] = literal_column(f"'{JobStatus.TODO.value}'")
DOING: ColumnElement[str] = literal_column(f"'{JobStatus.DOING.value}'")

# Still this worker's claim: running, same worker, same attempt (the lease not lost).
HELD = and_(
    JOB.c.id == bindparam("job_id"),
    JOB.c.status == DOING,
    JOB.c.worker_id == bindparam("worker"),
    JOB.c.attempts == bindparam("attempt"),
)


def events_inline(dialect: str) -> bool:
    """Whether this dialect's claim and acknowledgement write their own events."""
    return dialect == "postgresql"


@cache
def claim(dialect: str) -> Any:
    """Claim up to :limit due jobs of :queues and :tasks for :worker at :now (`store.claim`)."""
    mine = JOB.alias("j")
    if dialect == "postgresql":
        # `= ANY(array)`, never IN: a one-element IN is an equality on queue, which makes the
        # queue column of the order redundant and lets the planner walk the primary key past
        # every finished job. Only ix_job_todo (queue, id) yields this order, whatever the
        # statistics say.
        queue_ok = mine.c.queue == any_(bindparam("queues", type_=postgresql.ARRAY(String)))
        task_ok = mine.c.task == any_(bindparam("tasks", type_=postgresql.ARRAY(String)))
    else:
        queue_ok = mine.c.queue.in_(bindparam("queues", expanding=True))
        task_ok = mine.c.task.in_(bindparam("tasks", expanding=True))
    # A keyed job waits while its key has an open job with a lower id (ix_job_lock_open: the
    # first index entry answers) or a running one (uq_job_lock_doing: one entry at most).
    ahead, running = JOB.alias("ahead"), JOB.alias("running")
    waits = exists().where(
        ahead.c.lock_key == mine.c.lock_key,
        ahead.c.status.in_([TODO, DOING]),
        ahead.c.id < mine.c.id,
    )
    blocked = exists().where(running.c.lock_key == mine.c.lock_key, running.c.status == DOING)
    # A materialised CTE picks the rows once: as a plain `IN (sub-select)`, PostgreSQL may
    # plan a semi-join that re-runs the LIMITed, SKIP LOCKED sub-select for every candidate
    # row, each run picking another job, so one claim took a job of every lock key.
    picked = (
        select(mine.c.id)
        .where(
            mine.c.status == TODO,
            queue_ok,
            task_ok,
            mine.c.run_at <= bindparam("now"),
            or_(mine.c.lock_key.is_(None), and_(~waits, ~blocked)),
        )
        .order_by(mine.c.queue, mine.c.id)
        .limit(bindparam("limit", type_=Integer, literal_execute=True))
        .with_for_update(skip_locked=True)
        .cte("picked")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    statement = (
        update(JOB)
        .where(JOB.c.id.in_(select(picked.c.id)), JOB.c.status == TODO)
        .values(
            status=JobStatus.DOING,
            attempts=JOB.c.attempts + 1,
            worker_id=bindparam("worker"),
            lease_expires_at=bindparam("lease_until"),
            started_at=bindparam("now"),
        )
        .returning(*JOB.c)
    )
    return _with_events(statement, JobEventKind.CLAIMED) if events_inline(dialect) else statement


@cache
def complete(dialect: str) -> Any:
    """Mark the :job_id that :worker holds at :attempt succeeded at :now (`store.complete`)."""
    statement = (
        update(JOB)
        .where(HELD)
        .values(status=JobStatus.SUCCEEDED, lease_expires_at=None, finished_at=bindparam("now"))
        .returning(JOB.c.id, JOB.c.attempts)
    )
    return _with_events(statement, JobEventKind.SUCCEEDED) if events_inline(dialect) else statement


def _with_events(statement: Any, kind: JobEventKind) -> Any:
    """The statement's changed jobs, each with a `kind` event by :worker at :now written too."""
    changed = statement.cte("changed")
    event = select(
        changed.c.id,
        literal(kind.value, String),
        changed.c.attempts,
        bindparam("worker", type_=String),
        null(),
        literal_column("'{}'", JSON),
        bindparam("now", type_=DateTime(timezone=True)),
    )
    columns = ["job_id", "kind", "attempt", "worker_id", "actor", "detail", "at"]
    events = insert(EVENT).from_select(columns, event).cte("events")
    return select(changed).add_cte(events)
