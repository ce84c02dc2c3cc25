"""The CRM poller: closed-won opportunities become won deals and `q2p.deal_won` jobs.

One transaction per page: the new deals, their first jobs and the moved cursor commit
together, so a crash re-reads the page and a deal seen again is a no-op (the opportunity id is
unique on `sync_deal`, and the job key `q2p:deal_won:<id>` is unique on the queue).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import aware
from mdm.connectors import registry as connectors
from mdm.connectors.ports import CrmPort, Opportunity
from mdm.db import session_scope
from mdm.jobs.store import enqueue
from mdm.jobs.worker import Duty
from mdm.settings import Settings
from mdm.sync.models import DealState, SyncCursor, SyncDeal
from mdm.sync.q2p import DEAL_WON, step_job
from mdm.sync.resubmit import resubmit_changed

log = logging.getLogger("mdm.sync.q2p_poll")
CURSOR = "crm.closed_won"
PAGE_SIZE = 200
DEALS: Table = SyncDeal.__table__  # type: ignore[attr-defined]


def poll_won_deals(engine: Engine, settings: Settings, now: datetime) -> int:
    """Read the CRM's won deals since the cursor and record the new ones; returns how many."""
    crm = connectors.crm(settings)
    try:
        return poll_with(engine, crm, now)
    finally:
        crm.close()


def poll_with(engine: Engine, crm: CrmPort, now: datetime) -> int:
    """`poll_won_deals` with an adapter the caller keeps."""
    opportunities = crm.closed_won_opportunities(since=read_cursor(engine))
    return record_won(engine, opportunities, now)


def read_cursor(engine: Engine) -> datetime | None:
    """The last change the poller has recorded (None: from the start)."""
    with session_scope(engine) as session:
        cursor = session.get(SyncCursor, CURSOR)
        return datetime.fromisoformat(cursor.value) if cursor is not None else None


def record_won(engine: Engine, opportunities: Sequence[Opportunity], now: datetime) -> int:
    """Record the deals not seen before, page by page; returns how many were new."""
    new = 0
    ordered = sorted(opportunities, key=lambda o: o.modified_at)
    for start in range(0, len(ordered), PAGE_SIZE):
        page = ordered[start : start + PAGE_SIZE]
        with session_scope(engine, write=True) as session:
            new += _record_page(session, page, now)
    if new:
        log.info("won deals received", extra={"deals": new})
    return new


def _record_page(session: Session, page: Sequence[Opportunity], now: datetime) -> int:
    rows = list({o.id: _row(o, now) for o in page}.values())
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DEALS).on_conflict_do_nothing(index_elements=["opportunity_id"])
    inserted = {
        row.opportunity_id
        for row in session.connection().execute(statement.returning(DEALS.c.opportunity_id), rows)
    }
    if inserted:
        query = select(SyncDeal).where(col(SyncDeal.opportunity_id).in_(inserted))
        deals = sorted(session.exec(query), key=lambda d: d.opportunity_id)
        enqueue(session, [step_job(DEAL_WON, deal) for deal in deals], now)
    _refresh_stopped(session, [row for row in rows if row["opportunity_id"] not in inserted], now)
    _move_cursor(session, max(o.modified_at for o in page), now)
    return len(inserted)


# The terms a person may fix in the CRM for a deal stopped in the exception queue.
TERMS = ("account_id", "name", "billing_method", "currency", "legal_entity", "amount_cents")


def _refresh_stopped(session: Session, seen_again: list[dict[str, Any]], now: datetime) -> None:
    """Deals in exception whose opportunity changed its terms take them and are resubmitted."""
    if not seen_again:
        return
    by_id = {row["opportunity_id"]: row for row in seen_again}
    stopped = session.exec(
        select(SyncDeal).where(
            col(SyncDeal.opportunity_id).in_(list(by_id)),
            col(SyncDeal.state) == DealState.EXCEPTION,
        )
    )
    for deal in sorted(stopped, key=lambda d: d.opportunity_id):
        row = by_id[deal.opportunity_id]
        if all(getattr(deal, name) == row[name] for name in TERMS):
            continue  # changed elsewhere (a note, the owner): nothing to check again
        for name in TERMS:
            setattr(deal, name, row[name])
        resubmit_changed(session, deal, now)


def _row(opportunity: Opportunity, now: datetime) -> dict[str, Any]:
    amount = opportunity.amount
    cents = None if amount is None else int((amount * 100).quantize(Decimal(1), ROUND_HALF_UP))
    won = opportunity.close_date
    return {
        "opportunity_id": opportunity.id,
        "account_id": opportunity.account_id,
        "name": opportunity.name[:255] or opportunity.id,
        "state": DealState.RECEIVED.value,
        "billing_method": opportunity.billing_method,
        "currency": opportunity.currency,
        "legal_entity": opportunity.legal_entity,
        "amount_cents": cents,
        # Minted once, here: every job and remote call of this deal carries it.
        "correlation_id": correlation.new_id(),
        "won_at": datetime(won.year, won.month, won.day, tzinfo=UTC) if won else None,
        "created_at": now,
    }


def _move_cursor(session: Session, reached: datetime, now: datetime) -> None:
    """Move forward only: a page older than the cursor (a re-read) leaves it where it is."""
    cursor = session.get(SyncCursor, CURSOR)
    if cursor is None:
        session.add(SyncCursor(name=CURSOR, value=aware(reached).isoformat(), updated_at=now))
        return
    if aware(reached) > aware(datetime.fromisoformat(cursor.value)):
        cursor.value, cursor.updated_at = aware(reached).isoformat(), now
        session.add(cursor)


def poll_duty(settings: Settings) -> Duty:
    """The poller as a worker duty, every `sync_poll_seconds`, its adapter kept between runs."""
    adapters: dict[str, CrmPort] = {}

    def run(engine: Engine, now: datetime) -> int:
        if "crm" not in adapters:
            adapters["crm"] = connectors.crm(settings)
        return poll_with(engine, adapters["crm"], now)

    return Duty("q2p_poll_won_deals", settings.sync_poll_seconds, run)
