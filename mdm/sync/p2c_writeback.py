"""Project-to-cash, the CRM end: invoice statuses and receivables written to the account.

`p2c.writeback` (lock per CRM account, so two write-backs never race on one account) writes
every invoice status of the account the CRM has not been told of (`revision` ahead of
`crm_revision`, see `p2c_jobs.py`), then the account's receivables in each of their currencies
across all its deals, from the hub's books, and only then marks those revisions written. Both
CRM writes are upserts: a retry after a lost answer writes the same values again. A change
that lands while the job runs keeps its newer revision, so the next write-back carries it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from mdm.clock import utcnow
from mdm.connectors.ports import InvoiceStatus, PaymentSummary
from mdm.db import session_scope
from mdm.jobs.context import JobContext
from mdm.jobs.tasks import registry
from mdm.sync import systems
from mdm.sync.config import LegalEntity, load_sync_config
from mdm.sync.models import BillingState, BillingTransaction, SyncDeal
from mdm.sync.p2c import due_date
from mdm.sync.p2c_jobs import FLOW_RETRY, WRITEBACK

BILLED = (BillingState.POSTED, BillingState.PAID)
Books = list[tuple[BillingTransaction, int]]  # transactions with their payment terms in days


@registry.task(name=WRITEBACK, retry=FLOW_RETRY, lock="crm:{account_id}")
def writeback(
    context: JobContext,
    account_id: str,
    transaction_id: str | None = None,
    deal_id: int | None = None,
) -> None:
    """Write the account's unwritten invoice statuses and its receivables to the CRM.

    A job queued before write-backs were coalesced also names its deal (unused) and its
    transaction, which is written whatever its revision."""
    del deal_id
    config = load_sync_config(systems.settings_of(context).sync_config_file)
    with session_scope(context.engine) as session:
        rows = _account_books(session, account_id)
    terms = {entity: _terms(config.entity(entity)) for _, entity in rows}
    books = [(tx, terms[entity]) for tx, entity in rows]
    due = [tx for tx, _ in books if tx.revision > tx.crm_revision or tx.id == transaction_id]
    if not due:
        return  # an earlier write-back of the account carried these changes
    crm, today = systems.crm(context), utcnow().date()
    days_of = {tx.id: days for tx, days in books}
    by_currency: dict[str, list[BillingTransaction]] = defaultdict(list)
    for tx in due:
        by_currency[tx.currency].append(tx)
    for currency, changed in sorted(by_currency.items()):
        for tx in changed:
            status = invoice_status(tx, days_of[tx.id], today=today)
            crm.write_invoice_status(account_id, status, key=f"p2c:writeback:{tx.id}:{tx.revision}")
        summary = receivables([b for b in books if b[0].currency == currency], currency, today)
        key = f"{context.idempotency_key}:summary:{currency}"
        crm.write_payment_summary(account_id, summary, key=key)
        mark_written(context.engine, changed)


def mark_written(engine: Engine, written: list[BillingTransaction]) -> None:
    """Record the revisions the CRM now shows; a newer revision stays due."""
    with session_scope(engine, write=True) as session:
        for tx in written:
            session.connection().execute(
                update(BillingTransaction)
                .where(
                    col(BillingTransaction.id) == tx.id,
                    col(BillingTransaction.crm_revision) < tx.revision,
                )
                .values(crm_revision=tx.revision)
            )


def _terms(entity: LegalEntity | None) -> int:
    return entity.payment_terms_days if entity is not None else 30


Row = tuple[BillingTransaction, str | None]  # a transaction and its deal's legal entity


def _account_books(session: Session, account_id: str) -> list[Row]:
    """The account's posted transactions, across its deals, with their legal entities."""
    query = (
        select(BillingTransaction, SyncDeal.legal_entity)
        .join(SyncDeal, col(SyncDeal.id) == col(BillingTransaction.deal_id))
        .where(
            col(SyncDeal.account_id) == account_id,
            col(BillingTransaction.state).in_(BILLED),
        )
        .order_by(col(BillingTransaction.id))
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


def receivables(books: Books, currency: str, today: date) -> PaymentSummary:
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
