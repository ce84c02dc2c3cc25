"""Posting billing transactions to the ERP in batches: one job, one read, one commit for many.

`p2c.post_batch` posts each pending transaction of its list with the adapter call `p2c.post`
makes, under the same key (`p2c:post:<id>`), so the ERP side is the same: one invoice per
transaction id, found again by any retry. Then it records every invoice and asks for its
write-back in one unit of work. What a batch saves is the queue's and the database's cost per
transaction: one claim, one read, one commit and one acknowledgement per batch.

- A transaction with its own `p2c.post` job is left to that job (never two posters at once).
- A transaction the ERP refuses (or that fails in any way but a transient one) is handed to its
  own `p2c.post` job in that same unit of work, which retries or dead-letters it alone, with its
  reason; the others go on.
- A transient failure (timeout, 429, 5xx) stops the batch: what was posted is recorded, and
  the batch is retried after the backoff (or the server's `Retry-After`). Its last attempt
  hands every transaction left to its own job instead of giving up on them.
- A crash before the unit of work runs the batch again: what the ERP already billed is found
  by its external id, never billed twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.connectors.errors import TransientRemoteError
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.tasks import RetryableError, registry
from mdm.sync import systems
from mdm.sync.models import BillingState, BillingTransaction, SyncDeal
from mdm.sync.p2c import port_transaction, writeback_window
from mdm.sync.p2c_jobs import FLOW_RETRY, POST_BATCH, post_job, request_writeback

log = logging.getLogger("mdm.sync.p2c")


@dataclass
class Outcome:
    """One run of a batch: invoices by transaction, hand-offs, the failure that stopped it."""

    invoices: dict[str, str] = field(default_factory=dict)
    handed_off: list[str] = field(default_factory=list)
    stopped_by: TransientRemoteError | None = None


@registry.task(name=POST_BATCH, retry=FLOW_RETRY)
def post_batch(context: JobContext, transaction_ids: list[str]) -> None:
    """Post each pending transaction once; record the invoices and the write-backs together."""
    with session_scope(context.engine) as session:
        pending = _pending(session, transaction_ids)
    last_attempt = context.job.attempts >= context.job.max_attempts
    outcome = Outcome()
    try:
        _post_all(context, pending, last_attempt, outcome)
    finally:
        # Even when something unforeseen stops the batch, what it posted is kept.
        record_batch(context.engine, outcome, writeback_window(context))
    if outcome.stopped_by is not None:
        error = outcome.stopped_by
        raise RetryableError(f"batch stopped: {error}", retry_after=error.retry_after)


def _pending(
    session: Session, transaction_ids: list[str]
) -> list[tuple[BillingTransaction, SyncDeal]]:
    """The batch's transactions still pending, with their deals, less those with their own job."""
    own_keys = {f"p2c:post:{tx_id}": tx_id for tx_id in transaction_ids}
    taken = session.connection().execute(
        select(store.JOB.c.idempotency_key).where(store.JOB.c.idempotency_key.in_(list(own_keys)))
    )
    skip = {own_keys[key] for (key,) in taken}
    query = (
        select(BillingTransaction, SyncDeal)
        .join(SyncDeal, col(SyncDeal.id) == col(BillingTransaction.deal_id))
        .where(
            col(BillingTransaction.id).in_(transaction_ids),
            col(BillingTransaction.state) == BillingState.PENDING,
        )
    )
    found = {tx.id: (tx, deal) for tx, deal in session.exec(query) if tx.id not in skip}
    return [found[tx_id] for tx_id in transaction_ids if tx_id in found]


def _post_all(
    context: JobContext,
    pending: list[tuple[BillingTransaction, SyncDeal]],
    last_attempt: bool,
    outcome: Outcome,
) -> None:
    erp = systems.erp(context)
    batch_correlation = correlation.get()
    try:
        for index, (tx, deal) in enumerate(pending):
            # Each posting carries its own deal's correlation id, as `p2c.post` would.
            correlation.set_current(tx.correlation_id or batch_correlation)
            try:
                ref = erp.post_billing(port_transaction(tx, deal), key=f"p2c:post:{tx.id}")
            except TransientRemoteError as error:
                if last_attempt:
                    outcome.handed_off.extend(t.id for t, _ in pending[index:])
                else:
                    outcome.stopped_by = error
                return
            except Exception as error:  # refused, or unforeseen: this one alone, not the rest
                log.warning("batch hands a posting to its own job: %s", error)
                outcome.handed_off.append(tx.id)
                continue
            outcome.invoices[tx.id] = ref.id
    finally:
        correlation.set_current(batch_correlation)


def record_batch(engine: Engine, outcome: Outcome, window: timedelta) -> None:
    """Store the invoices, ask for their write-backs, enqueue the hand-offs: one unit of work."""
    ids = [*outcome.invoices, *outcome.handed_off]
    if not ids:
        return
    now = utcnow()
    with session_scope(engine, write=True) as session:
        query = (
            select(BillingTransaction, SyncDeal)
            .join(SyncDeal, col(SyncDeal.id) == col(BillingTransaction.deal_id))
            .where(col(BillingTransaction.id).in_(ids))
            .with_for_update(of=BillingTransaction)
        )
        jobs: list[store.NewJob] = []
        for tx, deal in list(session.exec(query)):
            if tx.state != BillingState.PENDING:
                continue  # recorded meanwhile by another poster
            if tx.id in outcome.invoices:
                tx.state, tx.erp_invoice_id, tx.posted_at = (
                    BillingState.POSTED,
                    outcome.invoices[tx.id],
                    now,
                )
                request_writeback(session, deal, tx, now, window)
            else:
                jobs.append(post_job(tx))
        session.flush()
        store.enqueue(session, jobs, now)
