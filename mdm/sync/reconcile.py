"""Reconciliation: is the business flowing (deals, billing, cash), and is the machinery healthy.

Business health, over deals won and billing months that ended since `since`:
- activation: hours from `won_at` to `activated_at` (the PSA project linked), p50/p95, and how
  many deals took longer than the SLA or still wait past it (deals in an exception excluded:
  they wait for a person and are counted under exceptions);
- posting: a time-and-materials transaction is one project-month of approved billable time; it
  is on time when posted within `posting_sla_days` after its month ends. The share is over the
  transactions that are posted or already overdue (one not yet due is not counted yet);
- invoice lag: days from month end to `posted_at`, p50/p95, over posted T&M transactions;
- unreconciled value per currency (a balance, not windowed): pending transactions, what is
  posted but not paid, and the amounts of deals stopped in an open exception;
- open exceptions per reason.
Technical health is in `mdm.sync.reconcile_queue`. Percentiles are nearest-rank: p95 of twenty
values is the 19th smallest, so every figure is one that was measured.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from mdm.clock import aware
from mdm.sync.config import SyncConfig
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal, SyncException
from mdm.sync.reconcile_queue import QueueHealth, queue_health

MONTH = re.compile(r"^(\d{4})-(\d{2})")
MILESTONE = "milestone"
NO_CURRENCY = "XXX"  # ISO 4217's code for "no currency": a deal stopped before it had one


@dataclass(frozen=True)
class Spread:
    """How many values, and their nearest-rank median and 95th percentile."""

    count: int
    p50: float | None
    p95: float | None


@dataclass(frozen=True)
class Activation:
    """Won deals of the window: how fast their projects became active."""

    sla_hours: float
    won: int
    activated: int
    hours: Spread
    over_sla: int  # activated late, or not yet activated and past the SLA


@dataclass(frozen=True)
class Posting:
    """Billing months of the window: posted within the SLA, and the invoice lag."""

    sla_days: float
    counted: int  # posted, or overdue
    on_time: int
    lag_days: Spread

    @property
    def on_time_share(self) -> float | None:
        """On-time postings over those counted (None before any is counted)."""
        return self.on_time / self.counted if self.counted else None


@dataclass(frozen=True)
class Unreconciled:
    """What is not cash yet, in one currency, in minor units."""

    pending_cents: int = 0
    unpaid_cents: int = 0
    exception_cents: int = 0

    @property
    def total_cents(self) -> int:
        """Everything not reconciled."""
        return self.pending_cents + self.unpaid_cents + self.exception_cents


@dataclass(frozen=True)
class Reconciliation:
    """Business and technical health at `now`, over the window since `since`."""

    now: datetime
    since: datetime
    activation: Activation
    posting: Posting
    unreconciled: dict[str, Unreconciled]
    exceptions: dict[str, int]
    queue: QueueHealth


def reconcile(
    session: Session, config: SyncConfig, now: datetime, since: datetime
) -> Reconciliation:
    """Every figure of the reconciliation, read from the hub's own tables."""
    return Reconciliation(
        now=now,
        since=since,
        activation=activation(session, config, now, since),
        posting=posting(session, config, now, since),
        unreconciled=unreconciled(session),
        exceptions=open_exceptions(session),
        queue=queue_health(session, since),
    )


def percentile(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank `p`th percentile (None for no values)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def spread(values: list[float]) -> Spread:
    """Count, p50 and p95 of `values`."""
    return Spread(len(values), percentile(values, 50), percentile(values, 95))


def month_end(period: str) -> datetime | None:
    """The instant a billing month ends (its next month's first midnight, UTC), or None."""
    found = MONTH.match(period)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def activation(session: Session, config: SyncConfig, now: datetime, since: datetime) -> Activation:
    """Won-to-active hours of the deals won since `since`."""
    query = select(SyncDeal.won_at, SyncDeal.activated_at, SyncDeal.state).where(
        col(SyncDeal.won_at) >= since
    )
    sla = timedelta(hours=config.activation_sla_hours)
    hours: list[float] = []
    won = late = 0
    for won_at, activated_at, state in session.exec(query):
        if won_at is None:  # the window's filter leaves none; this tells the type checker
            continue
        won += 1
        start = aware(won_at)
        if activated_at is not None:
            took = aware(activated_at) - start
            hours.append(took.total_seconds() / 3600)
            late += took > sla
        elif state != DealState.EXCEPTION and now - start > sla:
            late += 1
    return Activation(config.activation_sla_hours, won, len(hours), spread(hours), late)


def posting(session: Session, config: SyncConfig, now: datetime, since: datetime) -> Posting:
    """Posting SLA and invoice lag of the T&M months that ended since `since`."""
    query = select(BillingTransaction.period, BillingTransaction.posted_at).where(
        BillingTransaction.kind != MILESTONE
    )
    sla = timedelta(days=config.posting_sla_days)
    counted = on_time = 0
    lags: list[float] = []
    for period, posted_at in session.exec(query):
        ended = month_end(period)
        if ended is None or ended < since:
            continue
        if posted_at is not None:
            posted = aware(posted_at)
            counted += 1
            on_time += posted <= ended + sla
            lags.append((posted - ended).total_seconds() / 86400)
        elif now > ended + sla:
            counted += 1
    return Posting(config.posting_sla_days, counted, on_time, spread(lags))


def unreconciled(session: Session) -> dict[str, Unreconciled]:
    """Per currency: pending, posted-but-unpaid, and stopped-deal amounts (minor units)."""
    parts: dict[str, Counter[str]] = defaultdict(Counter)
    open_tx = select(
        BillingTransaction.currency,
        BillingTransaction.state,
        func.sum(BillingTransaction.amount_cents),
        func.sum(BillingTransaction.paid_cents),
    ).where(BillingTransaction.state != BillingState.PAID)
    for currency, state, amount, paid in session.exec(
        open_tx.group_by(col(BillingTransaction.currency), col(BillingTransaction.state))
    ):
        key = "pending_cents" if state == BillingState.PENDING else "unpaid_cents"
        parts[currency][key] += int(amount or 0) - (0 if key == "pending_cents" else int(paid or 0))
    stopped = (
        select(SyncDeal.currency, func.sum(SyncDeal.amount_cents))
        .where(
            col(SyncDeal.opportunity_id).in_(
                select(SyncException.subject).where(SyncException.status == "open")
            )
        )
        .group_by(col(SyncDeal.currency))
    )
    for deal_currency, deal_cents in session.exec(stopped):
        parts[deal_currency or NO_CURRENCY]["exception_cents"] += int(deal_cents or 0)
    return {c: Unreconciled(**dict(p)) for c, p in sorted(parts.items()) if any(p.values())}


def open_exceptions(session: Session) -> dict[str, int]:
    """Open exceptions per reason."""
    query = (
        select(SyncException.reason, func.count())
        .where(SyncException.status == "open")
        .group_by(col(SyncException.reason))
    )
    return {reason: int(n) for reason, n in sorted(session.exec(query))}


def open_exception_rows(session: Session, limit: int = 1000) -> list[SyncException]:
    """Open exceptions, oldest first (the queue a person works through)."""
    query = (
        select(SyncException)
        .where(SyncException.status == "open")
        .order_by(col(SyncException.created_at), col(SyncException.id))
        .limit(limit)
    )
    return list(session.exec(query))
