"""The project-to-cash duty: every poll round, collect each linked deal and read the ERP's invoices.

A round is a counter in `SyncCursor`; job keys carry it, so one round enqueues one collection
per deal however many workers run the duty at once. A deal whose collection from an earlier
round is still open is skipped: a slow PSA never piles up a backlog of identical reads.

The round also repairs write-backs: an account with a change the CRM was not told of and no
write-back queued gets one, keyed by that change, so a write-back that failed for good is not
retried every round (replaying its dead letter, or the account's next change, writes it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.models import Job, JobStatus
from mdm.jobs.worker import Duty
from mdm.settings import Settings
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncCursor, SyncDeal
from mdm.sync.p2c import is_billable
from mdm.sync.p2c_cash import INVOICES, invoices_job
from mdm.sync.p2c_jobs import COLLECT, WRITEBACK, collect_job, writeback_job

ROUND_CURSOR = "p2c.poll.round"


def poll_billable(engine: Engine, settings: Settings, now: datetime) -> int:
    """Enqueue this round's collections (and one ERP invoice read); returns how many jobs."""
    del settings  # the round needs none today; kept so every duty has one signature
    with session_scope(engine, write=True) as session:
        round_ = _next_round(session, now)
        busy = _open_tasks(session)
        deals = session.exec(
            select(SyncDeal).where(
                col(SyncDeal.state) == DealState.LINKED, col(SyncDeal.psa_project_id).is_not(None)
            )
        )
        jobs = [
            collect_job(deal, round_)
            for deal in deals
            if is_billable(deal) and f"{COLLECT}:{deal.id}" not in busy
        ]
        if INVOICES not in busy:
            jobs.append(invoices_job(round_))
        return store.enqueue(session, jobs + _writeback_repairs(session), now)


def _next_round(session: Session, now: datetime) -> str:
    cursor = session.get(SyncCursor, ROUND_CURSOR)
    value = str(int(cursor.value) + 1) if cursor is not None else "1"
    session.merge(SyncCursor(name=ROUND_CURSOR, value=value, updated_at=now))
    return value


def _open_tasks(session: Session) -> set[str]:
    """`p2c.collect:<deal id>` for each open collection, and `p2c.invoices` if one is open."""
    query = select(Job.task, Job.args).where(
        col(Job.task).in_([COLLECT, INVOICES]),
        col(Job.status).in_([JobStatus.TODO, JobStatus.DOING]),
    )
    return {
        f"{task}:{args['deal_id']}" if task == COLLECT else task
        for task, args in session.exec(query)
    }


def _writeback_repairs(session: Session) -> list[store.NewJob]:
    """A write-back for each account with unwritten changes and none open."""
    due = session.exec(
        select(SyncDeal.account_id, BillingTransaction)
        .join(SyncDeal, col(SyncDeal.id) == col(BillingTransaction.deal_id))
        .where(
            col(BillingTransaction.revision) > col(BillingTransaction.crm_revision),
            col(BillingTransaction.state).in_([BillingState.POSTED, BillingState.PAID]),
        )
        .order_by(col(BillingTransaction.id))
    )
    latest = dict(due.all())  # one change per account names its repair
    if not latest:
        return []
    open_locks = session.exec(
        select(Job.lock_key).where(
            col(Job.task) == WRITEBACK,
            col(Job.lock_key).in_([f"crm:{account}" for account in latest]),
            col(Job.status).in_([JobStatus.TODO, JobStatus.DOING]),
        )
    )
    busy = set(open_locks)
    return [
        writeback_job(
            account, f"p2c:writeback:{account}:{tx.id}:{tx.revision}:repair", tx.correlation_id
        )
        for account, tx in latest.items()
        if f"crm:{account}" not in busy
    ]


def p2c_duty(settings: Settings) -> Duty:
    """The poll as a worker duty, every `sync_poll_seconds`."""
    return Duty(
        "p2c_poll",
        settings.sync_poll_seconds,
        lambda engine, now: poll_billable(engine, settings, now),
    )
