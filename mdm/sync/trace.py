"""One deal end to end: opportunity → golden customer → PSA project → billing → invoice → payment.

A trace is found by its correlation id, or by an opportunity id or billing transaction id that
leads to one. It also lists the jobs that carried the correlation id, in the order they were
made, and the exceptions still open for the deal. Read-only; amounts stay in minor units here
and are formatted (and masked) by the API shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from mdm.clock import aware
from mdm.errors import NotFound
from mdm.golden.queries import attributes_of, golden_by_id
from mdm.jobs.models import Job
from mdm.sync.models import BillingTransaction, SyncDeal, SyncException

MAX_KEY = 128
OPEN = "open"


@dataclass(frozen=True)
class TraceCustomer:
    """The deal's golden customer as it is now (a merged-away id followed to its survivor)."""

    golden_id: str
    name: str | None
    redirected_from: str | None


@dataclass(frozen=True)
class TraceJob:
    """A job that carried the correlation id."""

    id: int
    task: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Trace:
    """Everything the hub knows of one correlation id."""

    correlation_id: str
    deal: SyncDeal | None
    customer: TraceCustomer | None
    billing: list[BillingTransaction]
    jobs: list[TraceJob]
    exceptions: list[SyncException]


def trace(session: Session, key: str) -> Trace:
    """The trace of a correlation id, opportunity id or billing transaction id (404 if none)."""
    key = key.strip()
    # Ids are printable; PostgreSQL would refuse a NUL byte in a query as an error, not a miss.
    usable = 0 < len(key) <= MAX_KEY and key.isprintable()
    if not usable:
        raise NotFound(f"nothing carries the id {key[:MAX_KEY]!r}")
    deal = _deal_of(session, key)
    correlation_id = (deal.correlation_id if deal is not None else None) or key
    billing = _billing(session, deal) if deal is not None else []
    subjects = ([deal.opportunity_id] if deal is not None else []) + [b.id for b in billing]
    jobs = _jobs(session, correlation_id)
    exceptions = _open_exceptions(session, correlation_id, subjects)
    if deal is None and not jobs and not exceptions:
        raise NotFound(f"nothing carries the id {key[:MAX_KEY]!r}")
    return Trace(correlation_id, deal, _customer(session, deal), billing, jobs, exceptions)


def _deal_of(session: Session, key: str) -> SyncDeal | None:
    """The deal behind a correlation id, an opportunity id or one of its transactions' ids."""
    by_deal = select(SyncDeal).where(
        or_(col(SyncDeal.correlation_id) == key, col(SyncDeal.opportunity_id) == key)
    )
    # A correlation id of the deal itself wins over an opportunity id that happens to match.
    found = sorted(session.exec(by_deal), key=lambda d: d.correlation_id != key)
    if found:
        return found[0]
    billed = select(BillingTransaction.deal_id).where(
        or_(col(BillingTransaction.id) == key, col(BillingTransaction.correlation_id) == key)
    )
    deal_id = session.exec(billed.limit(1)).first()
    return session.get(SyncDeal, deal_id) if deal_id is not None else None


def _customer(session: Session, deal: SyncDeal | None) -> TraceCustomer | None:
    if deal is None or deal.golden_customer_id is None:
        return None
    stored = deal.golden_customer_id
    ref = golden_by_id(session, stored)
    if ref is None:
        return TraceCustomer(stored, None, None)
    name = attributes_of(session, [ref.id]).get(ref.id, {}).get("name")
    return TraceCustomer(ref.id, name.value if name else None, ref.redirected_from)


def _billing(session: Session, deal: SyncDeal) -> list[BillingTransaction]:
    query = select(BillingTransaction).where(BillingTransaction.deal_id == deal.id)
    rows = list(session.exec(query))
    # Periods ("2025-03") and their supplements sort in billing order; milestones by creation.
    return sorted(rows, key=lambda b: (aware(b.created_at), b.period, b.id))


def _jobs(session: Session, correlation_id: str) -> list[TraceJob]:
    query = (
        select(Job)
        .where(Job.correlation_id == correlation_id)
        .order_by(col(Job.created_at), col(Job.id))
    )
    return [
        TraceJob(
            id=job.id or 0,
            task=job.task,
            status=job.status,
            attempts=job.attempts,
            last_error=job.last_error,
            created_at=aware(job.created_at),
            finished_at=aware(job.finished_at) if job.finished_at else None,
        )
        for job in session.exec(query)
    ]


def _open_exceptions(
    session: Session, correlation_id: str, subjects: list[str]
) -> list[SyncException]:
    # An exception names its deal or transaction as subject, and may predate the correlation id.
    about = [col(SyncException.correlation_id) == correlation_id]
    if subjects:
        about.append(col(SyncException.subject).in_(subjects))
    query = (
        select(SyncException)
        .where(SyncException.status == OPEN, or_(*about))
        .order_by(col(SyncException.created_at), col(SyncException.id))
    )
    return list(session.exec(query))
