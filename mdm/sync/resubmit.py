"""Sending a deal stopped in the exception queue through quote-to-project again.

A deal stops when its terms are incomplete (`validation.py`). A person fixes the source: the
opportunity in the CRM (billing method, legal entity, currency), or the hub's data (a contract
ingested, a rate card added, an account merged by a steward). Then the deal is resubmitted:
its open exceptions are closed as resolved, and `q2p.deal_won` runs again with the deal's
current terms, which resolves the customer, contract and rate card afresh. A deal that is
still incomplete stops again with new exceptions; one that passes goes on to the ERP and PSA.

Resubmission is asked for by a person (`mdm sync resubmit`, REST) or by the CRM poller when
an opportunity in exception comes back changed. Each one is audited on the deal's exceptions
(who resolved them, when) and its job carries a fresh key, so a deal can go round any number of
times while every run stays in its trace.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, col, func, select

from mdm.errors import Conflict
from mdm.jobs.models import Job
from mdm.jobs.store import enqueue
from mdm.sync.models import DealState, SyncDeal, SyncException
from mdm.sync.q2p import DEAL_WON, step_job, step_key
from mdm.sync.q2p_specs import load_deal

OPEN, RESOLVED = "open", "resolved"


@dataclass(frozen=True)
class Resubmitted:
    """What a resubmission did: the deal, the exceptions it closed, the job it queued."""

    opportunity_id: str
    resolved_exceptions: list[int]
    job_key: str


def resubmit(session: Session, opportunity_id: str, actor: str, now: datetime) -> Resubmitted:
    """Close the deal's open exceptions and run its validation again (in the caller's unit of
    work). `NotFound` for an unknown deal; `Conflict` for a deal that is not in exception."""
    deal = load_deal(session, opportunity_id)
    if deal.state != DealState.EXCEPTION:
        raise Conflict(f"deal {opportunity_id} is {deal.state}, not in exception")
    return _resubmit(session, deal, actor, now)


def _resubmit(session: Session, deal: SyncDeal, actor: str, now: datetime) -> Resubmitted:
    resolved = resolve_open(session, deal.opportunity_id, actor, now)
    deal.state = DealState.RECEIVED
    session.add(deal)
    session.flush()
    # `q2p:deal_won:<id>` is the first run's key; each resubmission adds its ordinal.
    first = step_key(DEAL_WON, deal.opportunity_id)
    runs = session.exec(
        select(func.count())
        .select_from(Job)
        .where(
            (col(Job.idempotency_key) == first)
            | col(Job.idempotency_key).startswith(f"{first}:resubmit:")
        )
    ).one()
    job = step_job(DEAL_WON, deal)
    job = replace(job, idempotency_key=f"{job.idempotency_key}:resubmit:{runs}")
    enqueue(session, [job], now)
    return Resubmitted(deal.opportunity_id, resolved, job.idempotency_key)


def resolve_open(session: Session, opportunity_id: str, actor: str, now: datetime) -> list[int]:
    """Mark the deal's open exceptions resolved by `actor`; returns their ids."""
    rows = session.exec(
        select(SyncException).where(
            col(SyncException.subject) == opportunity_id, col(SyncException.status) == OPEN
        )
    ).all()
    for row in rows:
        row.status, row.resolved_at, row.resolved_by = RESOLVED, now, actor
        session.add(row)
    return sorted(row.id for row in rows if row.id is not None)


def resubmit_changed(session: Session, deal: SyncDeal, now: datetime) -> Resubmitted | None:
    """The CRM poller's call for a deal it has seen again with new terms: resubmitted when it is
    in exception (a deal under way keeps the terms it started with)."""
    if deal.state != DealState.EXCEPTION:
        return None
    return _resubmit(session, deal, "crm", now)
