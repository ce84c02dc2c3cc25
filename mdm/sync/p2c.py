"""Project-to-cash: collect billable work from the PSA, post billing transactions to the ERP.

Each step is an idempotent job (`p2c_jobs.py` builds them). `p2c.collect` (lock
`deal:<opportunity id>`, so one collection per deal at a time) reads the PSA and inserts the
new transactions the billing rules call for, with the `p2c.post_batch` jobs that post them
(`p2c_batch.py`), in one unit of work: a crash leaves both or neither. A batch hands a
transaction it cannot post to its own `p2c.post` job (lock `billing:<transaction id>`). Either
posts under the transaction id as the ERP external id, so a retry after a lost answer finds the
invoice instead of billing twice, then records the invoice and asks for the CRM write-back in
one unit of work.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.clock import utcnow
from mdm.connectors import ports
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.tasks import PermanentError, registry
from mdm.sync import systems
from mdm.sync.billing import (
    KIND_TIME,
    MILESTONE_METHODS,
    TIME_AND_MATERIALS,
    Existing,
    Work,
    month_end,
    plan_billing,
)
from mdm.sync.config import load_sync_config
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal
from mdm.sync.p2c_jobs import COLLECT, FLOW_RETRY, POST, posting_jobs, request_writeback


def is_billable(deal: SyncDeal) -> bool:
    """Linked to a PSA project and an ERP customer: work on it can be billed."""
    return (
        deal.state == DealState.LINKED
        and deal.psa_project_id is not None
        and deal.erp_customer_id is not None
    )


@registry.task(name=COLLECT, retry=FLOW_RETRY, lock="deal:{opportunity_id}")
def collect(context: JobContext, deal_id: int, opportunity_id: str, poll_round: str) -> None:
    """Read the deal's approved work from the PSA; create the transactions it calls for."""
    with session_scope(context.engine) as session:
        deal = session.get(SyncDeal, deal_id)
    if deal is None or not is_billable(deal):
        return
    settings = systems.settings_of(context)
    entity = load_sync_config(settings.sync_config_file).entity(deal.legal_entity, deal.currency)
    if entity is None:
        raise PermanentError(f"deal {opportunity_id}: unknown legal entity {deal.legal_entity!r}")
    work = read_work(systems.psa(context), deal)
    with session_scope(context.engine, write=True) as session:
        existing = _existing(session, deal_id)
        planned = plan_billing(
            deal_id, deal.billing_method, entity, work, existing, utcnow().date()
        )
        rows = [
            BillingTransaction(
                id=tx.id,
                deal_id=deal_id,
                kind=tx.kind,
                period=tx.period,
                currency=tx.currency,
                tax_code=tx.tax_code,
                subsidiary=tx.subsidiary,
                amount_cents=tx.amount_cents,
                lines=[line.as_json() for line in tx.lines],
                correlation_id=deal.correlation_id,
            )
            for tx in planned
        ]
        session.add_all(rows)
        session.flush()
        store.enqueue(session, posting_jobs(rows), utcnow())


def read_work(psa: ports.PsaPort, deal: SyncDeal) -> Work:
    """What the deal's billing method bills from: time and expenses, or milestones."""
    project = deal.psa_project_id
    assert project is not None
    if deal.billing_method == TIME_AND_MATERIALS:
        return Work(
            time=psa.approved_time_entries(project, None),
            expenses=psa.approved_expenses(project, None),
        )
    if deal.billing_method in MILESTONE_METHODS:
        return Work(milestones=psa.completed_milestones(project, None))
    return Work()


def _existing(session: Session, deal_id: int) -> list[Existing]:
    rows = session.exec(
        select(BillingTransaction).where(col(BillingTransaction.deal_id) == deal_id)
    )
    return [Existing(tx.id, tx.period, frozenset(refs(tx))) for tx in rows]


def refs(tx: BillingTransaction) -> list[str]:
    """The PSA items a transaction bills."""
    return [str(line["source_ref"]) for line in tx.lines]


def transaction_date(tx: BillingTransaction) -> date:
    """The day the transaction is dated: its month's last day, or the day it was collected."""
    if tx.kind == KIND_TIME:
        return month_end(date.fromisoformat(f"{tx.period[:7]}-01"))
    return tx.created_at.date()


def port_transaction(tx: BillingTransaction, deal: SyncDeal) -> ports.BillingTransaction:
    """The transaction as the ERP port takes it; its id is the ERP external id."""
    assert deal.erp_customer_id is not None
    lines = tuple(
        ports.BillingLine(
            description=str(line["description"]),
            quantity=Decimal(str(line["quantity"])),
            rate=Decimal(str(line["rate"])),
            amount=Decimal(int(line["amount_cents"])) / 100,
            source_ref=str(line["source_ref"]),
        )
        for line in tx.lines
    )
    return ports.BillingTransaction(
        external_id=tx.id,
        customer_ref=deal.erp_customer_id,
        project_ref=deal.erp_project_id or f"eid:opp_{deal.opportunity_id}",
        transaction_date=transaction_date(tx),
        currency=tx.currency,
        lines=lines,
        memo=f"{tx.id} | tax code {tx.tax_code} | subsidiary {tx.subsidiary}",
    )


@registry.task(name=POST, retry=FLOW_RETRY, lock="billing:{transaction_id}")
def post(context: JobContext, transaction_id: str) -> None:
    """Post one transaction to the ERP once; record its invoice; ask for the write-back."""
    with session_scope(context.engine) as session:
        tx = session.get(BillingTransaction, transaction_id)
        deal = session.get(SyncDeal, tx.deal_id) if tx is not None else None
    if tx is None or deal is None:
        raise PermanentError(f"billing transaction {transaction_id} is gone")
    if tx.state != BillingState.PENDING:
        return  # posted by an earlier attempt whose acknowledgement was lost
    ref = systems.erp(context).post_billing(port_transaction(tx, deal), key=context.idempotency_key)
    record_posting(context.engine, tx.id, ref.id, writeback_window(context))


def writeback_window(context: JobContext) -> timedelta:
    """How long a new CRM write-back waits for more changes of its account."""
    return timedelta(seconds=systems.settings_of(context).sync_writeback_window_seconds)


def record_posting(engine: Engine, transaction_id: str, invoice_id: str, window: timedelta) -> None:
    """Store the ERP invoice on the transaction and ask for its write-back, together."""
    now = utcnow()
    with session_scope(engine, write=True) as session:
        tx = session.get(BillingTransaction, transaction_id)
        assert tx is not None
        if tx.state != BillingState.PENDING:
            return
        deal = session.get(SyncDeal, tx.deal_id)
        assert deal is not None
        tx.state, tx.erp_invoice_id, tx.posted_at = BillingState.POSTED, invoice_id, now
        request_writeback(session, deal, tx, now, window)


def due_date(tx: BillingTransaction, terms_days: int) -> date:
    """When the invoice falls due under the legal entity's payment terms."""
    return transaction_date(tx) + timedelta(days=terms_days)
