"""Project-to-cash, the cash end: invoices and payments from the ERP.

`p2c.invoices` (one at a time, lock `p2c:invoices`) reads the invoices the ERP changed since its
cursor (new ones, and ones a payment lowered) and copies each one's number and amount paid
(total less remaining: an absolute figure, so reading an invoice twice changes nothing) onto
its transaction, asking for the CRM write-back (`p2c_writeback.py`) when something changed.
The cursor moves in the same unit of work.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.clock import utcnow
from mdm.connectors.ports import Invoice
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.tasks import registry
from mdm.sync import systems
from mdm.sync.billing import to_cents
from mdm.sync.models import BillingState, BillingTransaction, SyncCursor, SyncDeal
from mdm.sync.p2c import writeback_window
from mdm.sync.p2c_jobs import FLOW_RETRY, request_writeback, task

INVOICES = "p2c.invoices"
INVOICES_CURSOR = "p2c.invoices.since"
# Read a little before the cursor: an invoice changed while the last read ran is not missed.
OVERLAP = timedelta(seconds=5)


def invoices_job(round_: str) -> store.NewJob:
    """One read of the invoices the ERP changed."""
    key = f"p2c:invoices:{round_}"
    return store.new_job(task(INVOICES), {"poll_round": round_}, idempotency_key=key)


# The flows' patience: a read fails whole when one of its calls fails, and the ERP may fail for
# minutes; three quick attempts would dead-letter the round.
@registry.task(name=INVOICES, retry=FLOW_RETRY, lock="p2c:invoices")
def read_invoices(context: JobContext, poll_round: str) -> None:
    """Copy changed ERP invoices (number, amount paid) onto their transactions."""
    started = utcnow()
    with session_scope(context.engine) as session:
        cursor = session.get(SyncCursor, INVOICES_CURSOR)
    since = datetime.fromisoformat(cursor.value) - OVERLAP if cursor is not None else None
    found = systems.erp(context).invoices(since)
    apply_invoices(context.engine, found, started, writeback_window(context))


def apply_invoices(
    engine: Engine, found: list[Invoice], read_at: datetime, window: timedelta
) -> int:
    """Record invoices on their transactions (by external id), enqueue write-backs for those
    that changed, move the cursor; returns how many changed."""
    by_tx = {invoice.external_id: invoice for invoice in found if invoice.external_id}
    changed = 0
    with session_scope(engine, write=True) as session:
        if by_tx:
            query = select(BillingTransaction).where(col(BillingTransaction.id).in_(list(by_tx)))
            for tx in list(session.exec(query)):
                changed += _apply(session, tx, by_tx[tx.id], read_at, window)
        cursor = SyncCursor(name=INVOICES_CURSOR, value=read_at.isoformat(), updated_at=read_at)
        session.merge(cursor)
    return changed


def _apply(
    session: Session, tx: BillingTransaction, invoice: Invoice, now: datetime, window: timedelta
) -> int:
    if tx.state == BillingState.PENDING:
        return 0  # its posting job records the invoice first (and asks for the write-back)
    paid = to_cents(invoice.total - invoice.remaining)
    if (tx.erp_invoice_number, tx.paid_cents) == (invoice.number, paid):
        return 0
    tx.erp_invoice_number, tx.paid_cents = invoice.number, paid
    if invoice.remaining <= 0 and tx.state == BillingState.POSTED:
        tx.state, tx.paid_at = BillingState.PAID, now
    deal = session.get(SyncDeal, tx.deal_id)
    assert deal is not None
    request_writeback(session, deal, tx, now, window)
    return 1
