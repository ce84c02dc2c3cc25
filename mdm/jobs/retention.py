"""Pruning finished jobs: succeeded jobs and their events are deleted after the retention time.

Dead letters are kept until replayed or deleted by hand: they are the queue's to-do list for
people. A pruned job's idempotency key is free again, so the retention time must outlast any
producer that could enqueue the same job twice (the outbox relay never does: its cursor moves
past an event once).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from mdm.jobs.models import JobStatus
from mdm.jobs.store import EVENT, JOB


def prune_succeeded(session: Session, now: datetime, keep_days: float, limit: int = 1000) -> int:
    """Delete up to `limit` jobs that succeeded more than `keep_days` ago; returns how many."""
    cutoff = now - timedelta(days=keep_days)
    old = (
        select(JOB.c.id)
        .where(JOB.c.status == JobStatus.SUCCEEDED, JOB.c.finished_at < cutoff)
        .order_by(JOB.c.id)
        .limit(limit)
    )
    ids = list(session.connection().execute(old).scalars())
    if ids:
        session.connection().execute(delete(EVENT).where(EVENT.c.job_id.in_(ids)))
        session.connection().execute(delete(JOB).where(JOB.c.id.in_(ids)))
    return len(ids)
