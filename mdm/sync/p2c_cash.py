"""Project-to-cash, the cash end: invoices from the ERP, their status and receivables to the CRM.

`p2c.invoices` (one at a time, lock `p2c:invoices`) reads the invoices the ERP changed since its
cursor (new ones, and ones a payment lowered) and copies each one's number and amount paid
(total less remaining: an absolute figure, so reading an invoice twice changes nothing) onto
its transaction, asking for a write-back when something changed. The cursor moves in the same
unit of work. `p2c.writeback` (lock per CRM account, so two write-backs never race on one
account's summary) writes the invoice's status, and the account's receivables in the invoice's
currency across all its deals, from the hub's books. Both CRM writes are upserts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.clock import utcnow
from mdm.connectors.ports import Invoice, InvoiceStatus, PaymentSummary
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.tasks import RetryStrategy, registry
from mdm.sync import systems
from mdm.sync.billing import to_cents
from mdm.sync.config import LegalEntity, load_sync_config
from mdm.sync.models import BillingState, BillingTransaction, SyncCursor, SyncDeal
from mdm.sync.p2c import FLOW_RETRY, WRITEBACK, due_date, task, writeback_job

INVOICES = "p2c.invoices"
INVOICES_CURSOR = "p2c.invoices.since"
# Read a little before the cursor: an invoice changed while the last read ran is not missed.
OVERLAP = timedelta(seconds=5)


def invoices_job(round_: str) -> store.NewJob:
    """One read of the invoices the ERP changed."""
    key = f"p2c:invoices:{round_}"
    return store.new_job(task(INVOICES), {"poll_round": round_}, idempotency_key=key)


@registry.task(name=INVOICES, retry=RetryStrategy(max_attempts=3), lock="p2c:invoices")
def read_invoices(context: JobContext, poll_round: str) -> None:
    """Copy changed ERP invoices (number, amount paid) onto their transactions."""
    started = utcnow()
    with session_scope(context.engine) as session:
        cursor = session.get(SyncCursor, INVOICES_CURSOR)
    since = datetime.fromisoformat(cursor.value) - OVERLAP if cursor is not None else None
    apply_invoices(context.engine, systems.erp(context).invoices(since), started)


def apply_invoices(engine: Engine, found: list[Invoice], read_at: datetime) -> int:
    """Record invoices on their transactions (by external id), enqueue write-backs for those
    that changed, move the cursor; returns how many changed."""
    by_tx = {invoice.external_id: invoice for invoice in found if invoice.external_id}
    changed = 0
    with session_scope(engine, write=True) as session:
        if by_tx:
            query = select(BillingTransaction).where(col(BillingTransaction.id).in_(list(by_tx)))
            for tx in list(session.exec(query)):
                changed += _apply(session, tx, by_tx[tx.id], read_at)
        cursor = SyncCursor(name=INVOICES_CURSOR, value=read_at.isoformat(), updated_at=read_at)
        session.merge(cursor)
    return changed


def _apply(session: Session, tx: BillingTransaction, invoice: Invoice, now: datetime) -> int:
    if tx.state == BillingState.PENDING:
        return 0  # its posting job records the invoice first (and asks for the write-back)
    paid = to_cents(invoice.total - invoice.remaining)
    if (tx.erp_invoice_number, tx.paid_cents) == (invoice.number, paid):
        return 0
    tx.erp_invoice_number, tx.paid_cents = invoice.number, paid
    if invoice.remaining <= 0 and tx.state == BillingState.POSTED:
        tx.state, tx.paid_at = BillingState.PAID, now
    session.add(tx)
    deal = session.get(SyncDeal, tx.deal_id)
    assert deal is not None
    session.flush()
    store.enqueue(session, [writeback_job(deal, tx, f"{invoice.number}:{paid}")], now)
    return 1


@registry.task(name=WRITEBACK, retry=FLOW_RETRY, lock="crm:{account_id}")
def writeback(context: JobContext, deal_id: int, account_id: str, transaction_id: str) -> None:
    """Write the invoice's status and the account's receivables to the CRM account."""
    config = load_sync_config(systems.settings_of(context).sync_config_file)
    today = utcnow().date()
    with session_scope(context.engine) as session:
        tx = session.get(BillingTransaction, transaction_id)
        if tx is None or tx.erp_invoice_id is None:
            return
        rows = _account_books(session, account_id, tx.currency)
    terms = {entity: _terms(config.entity(entity)) for _, entity in rows}
    by_id = {row.id: (row, terms[entity]) for row, entity in rows}
    status = invoice_status(*by_id.get(tx.id, (tx, 30)), today=today)
    summary = receivables([(row, days) for row, days in by_id.values()], tx.currency, today)
    crm = systems.crm(context)
    crm.write_invoice_status(account_id, status, key=f"{context.idempotency_key}:invoice")
    crm.write_payment_summary(account_id, summary, key=f"{context.idempotency_key}:summary")


def _terms(entity: LegalEntity | None) -> int:
    return entity.payment_terms_days if entity is not None else 30


def _account_books(
    session: Session, account_id: str, currency: str
) -> list[tuple[BillingTransaction, str | None]]:
    """The account's posted transactions in `currency`, across its deals, with legal entities."""
    query = (
        select(BillingTransaction, SyncDeal.legal_entity)
        .join(SyncDeal, col(SyncDeal.id) == col(BillingTransaction.deal_id))
        .where(
            col(SyncDeal.account_id) == account_id,
            col(BillingTransaction.currency) == currency,
            col(BillingTransaction.state).in_([BillingState.POSTED, BillingState.PAID]),
        )
    )
    return [(tx, entity) for tx, entity in session.exec(query)]


def _money(cents: int) -> Decimal:
    return Decimal(cents) / 100


def invoice_status(tx: BillingTransaction, terms_days: int, *, today: date) -> InvoiceStatus:
    """What the CRM shows about one transaction's invoice."""
    due = due_date(tx, terms_days)
    remaining = max(tx.amount_cents - tx.paid_cents, 0)
    status = "paid" if remaining == 0 else "overdue" if due < today else "open"
    return InvoiceStatus(
        invoice_id=tx.erp_invoice_id or tx.id,
        number=tx.erp_invoice_number or tx.erp_invoice_id or tx.id,
        status=status,
        total=_money(tx.amount_cents),
        remaining=_money(remaining),
        currency=tx.currency,
        due_date=due,
    )


def receivables(
    books: list[tuple[BillingTransaction, int]], currency: str, today: date
) -> PaymentSummary:
    """An account's open, paid and overdue totals in one currency."""
    open_cents = paid_cents = overdue_cents = 0
    for tx, days in books:
        remaining = max(tx.amount_cents - tx.paid_cents, 0)
        open_cents += remaining
        paid_cents += min(tx.paid_cents, tx.amount_cents)
        if remaining and due_date(tx, days) < today:
            overdue_cents += remaining
    return PaymentSummary(
        open_total=_money(open_cents),
        paid_total=_money(paid_cents),
        overdue_total=_money(overdue_cents),
        currency=currency,
        as_of=utcnow(),
    )
