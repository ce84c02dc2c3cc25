"""How project-to-cash work is queued: the task names, their jobs, and the write-back requests.

The tasks live in `p2c.py` (collect, one posting), `p2c_batch.py` (a batch of postings),
`p2c_cash.py` (ERP invoices) and `p2c_writeback.py` (the CRM); this module only builds their
jobs, so any of them can queue another's without importing it.

Write-backs are coalesced per CRM account. A change the CRM shows (a posting, an invoice's
number or payment) bumps the transaction's `revision`; the account's write-back writes every
transaction whose revision is ahead of `crm_revision`, so one job can carry many changes. A
new job waits `window` before it runs: postings of one account that land meanwhile ride on it
instead of queuing their own, and the CRM's API calls (a daily budget in real systems) are
not spent on one call pair per invoice. The poll round (`p2c_poll.py`) enqueues a write-back
for any account left with unwritten changes, so the rare change that misses a waiting job (it
was claimed while the change committed) is written a round later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from mdm.jobs import store
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import RetryStrategy, Task, load_task_modules, registry
from mdm.sync.models import BillingTransaction, SyncDeal

COLLECT = "p2c.collect"
POST = "p2c.post"
POST_BATCH = "p2c.post_batch"
WRITEBACK = "p2c.writeback"
# Remote systems fail for minutes at a time; the compressed clock keeps a demo's waits short.
FLOW_RETRY = RetryStrategy(max_attempts=10, base_delay_s=1.0, max_delay_s=300.0)
# At most this many postings in one batch job: one claim, one read and one commit for all.
BATCH_SIZE = 50


def task(name: str) -> Task:
    """A registered project-to-cash task (its module is imported on first use: a caller that
    only queues jobs need not know which module defines the task)."""
    found = registry.get(name) or load_task_modules().get(name)
    assert found is not None, f"{name} is not registered"
    return found


def collect_job(deal: SyncDeal, round_: str) -> store.NewJob:
    """The collection of one deal in one poll round, under the deal's correlation id."""
    args = {"deal_id": deal.id, "opportunity_id": deal.opportunity_id, "poll_round": round_}
    job = store.new_job(task(COLLECT), args, idempotency_key=f"p2c:collect:{deal.id}:{round_}")
    return replace(job, correlation_id=deal.correlation_id or job.correlation_id)


def post_job(tx: BillingTransaction) -> store.NewJob:
    """Posting one transaction to the ERP on its own (a batch's hand-off)."""
    job = store.new_job(task(POST), {"transaction_id": tx.id}, idempotency_key=f"p2c:post:{tx.id}")
    return replace(job, correlation_id=tx.correlation_id or job.correlation_id)


def posting_jobs(transactions: Sequence[BillingTransaction]) -> list[store.NewJob]:
    """Batch jobs posting these transactions (one collection's), under their correlation id."""
    jobs = post_batch_jobs([tx.id for tx in transactions])
    correlation_id = transactions[0].correlation_id if transactions else None
    return [replace(job, correlation_id=correlation_id or job.correlation_id) for job in jobs]


def post_batch_jobs(transaction_ids: Sequence[str], size: int = BATCH_SIZE) -> list[store.NewJob]:
    """Jobs posting these transactions, `size` to a job, in the order given."""
    ids = list(transaction_ids)
    return [post_batch_job(ids[start : start + size]) for start in range(0, len(ids), size)]


def post_batch_job(transaction_ids: Sequence[str]) -> store.NewJob:
    """One batch; its key is a digest of its ids, so the same batch is enqueued once."""
    digest = hashlib.sha256("\n".join(transaction_ids).encode()).hexdigest()[:32]
    key = f"p2c:post_batch:{digest}"
    return store.new_job(
        task(POST_BATCH), {"transaction_ids": list(transaction_ids)}, idempotency_key=key
    )


def writeback_job(
    account_id: str, key: str, correlation_id: str | None, run_at: datetime | None = None
) -> store.NewJob:
    """Writing an account's unwritten invoice statuses and its receivables to the CRM."""
    job = store.new_job(
        task(WRITEBACK), {"account_id": account_id}, idempotency_key=key, run_at=run_at
    )
    return replace(job, correlation_id=correlation_id or job.correlation_id)


def request_writeback(
    session: Session,
    deal: SyncDeal,
    tx: BillingTransaction,
    now: datetime,
    window: timedelta,
) -> None:
    """Mark `tx` changed for the CRM and make sure a write-back of its account will run.

    Call inside the unit of work that changed `tx`, so the mark and the job commit together."""
    tx.revision += 1
    session.add(tx)
    session.flush()
    if _waiting_writeback(session, deal.account_id, now + window / 4):
        return  # it has not started yet, so it will read this change
    key = f"p2c:writeback:{deal.account_id}:{tx.id}:{tx.revision}"
    job = writeback_job(deal.account_id, key, tx.correlation_id, now + window)
    store.enqueue(session, [job], now)


def _waiting_writeback(session: Session, account_id: str, not_before: datetime) -> bool:
    """Whether the account has a write-back queued to start no sooner than `not_before`.

    The margin keeps a job that is about to be claimed from being counted on."""
    job = store.JOB
    query = select(job.c.id).where(
        job.c.lock_key == f"crm:{account_id}",
        job.c.status == JobStatus.TODO,
        job.c.task == WRITEBACK,
        job.c.run_at >= not_before,
    )
    return session.connection().execute(query.limit(1)).first() is not None
