"""Merge awareness: when golden customers merge or unmerge after deals exist, the deals follow.

The outbox relay hands golden `merged` / `unmerged` customer events to `CONSUMER`, which
enqueues one `sync.repoint` job per event (key `sync:repoint:<outbox id>`). That job finds the
deals on the golden ids involved and enqueues a `sync.repoint_deal` job for each, under the
deal's lock key, so it never interleaves with the deal's own quote-to-project steps. A deal's
golden customer is whatever its CRM account now resolves to (a merge moves the account to the
survivor; an unmerge may move it to the split-off part). Where that customer already has its
own ERP or PSA customer, the deal's ERP job and PSA project are re-pointed to it by the same
upserts that made them (external id `opp_<opportunity id>`), so a retry changes nothing more.
The job rows and their events are the audit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.golden.feed import FeedEvent
from mdm.jobs.context import JobContext
from mdm.jobs.relay import Consumer
from mdm.jobs.store import NewJob, enqueue, new_job
from mdm.jobs.tasks import RetryStrategy, registry
from mdm.sync import systems
from mdm.sync.models import SyncDeal
from mdm.sync.q2p import LOCK, RETRY
from mdm.sync.q2p_specs import load_deal, project_spec
from mdm.sync.xrefs import customer_of_account, ids_in

REPOINT, REPOINT_DEAL = "sync.repoint", "sync.repoint_deal"
TOPICS = ("golden.merged", "golden.unmerged")


def repoint_jobs(session: Session, events: Sequence[FeedEvent]) -> list[NewJob]:
    """A `sync.repoint` job per customer merge or unmerge."""
    task = registry.get(REPOINT)
    assert task is not None
    found = [(e, _involved(e.row.topic, e.row.aggregate_id, e.row.payload)) for e in events]
    found = [(e, ids) for e, ids in found if ids]
    # Only merges that touch a deal become jobs: a hub that syncs nothing relays for free.
    with_deals = _with_deals(session, {gid for _e, ids in found for gid in ids})
    jobs = []
    for event, involved in found:
        if with_deals.isdisjoint(involved):
            continue
        args = {"event_id": event.row.id, "golden_ids": involved}
        job = new_job(task, args, idempotency_key=f"sync:repoint:{event.row.id}")
        cid = event.row.correlation_id or correlation.new_id()
        jobs.append(dataclasses.replace(job, correlation_id=cid))
    return jobs


def _involved(topic: str, golden_id: str, payload: dict[str, Any]) -> list[str]:
    """The golden ids a customer merge or unmerge touches; none for any other event.

    A merge writes two events (survivor and absorbed); the absorbed one (`into`) is enough.
    """
    if topic not in TOPICS or payload.get("entity_type") != "customer":
        return []
    detail = payload.get("detail") or {}
    other = detail.get("into") if topic == "golden.merged" else detail.get("split_off")
    return sorted({golden_id, other}) if isinstance(other, str) else []


def _with_deals(session: Session, golden_ids: set[str]) -> set[str]:
    if not golden_ids:
        return set()
    column = col(SyncDeal.golden_customer_id)
    query = select(SyncDeal.golden_customer_id).where(column.in_(sorted(golden_ids))).distinct()
    return {gid for gid in session.exec(query) if gid is not None}


CONSUMER = Consumer("sync_repoint", repoint_jobs)


@registry.task(name=REPOINT, retry=RetryStrategy(max_attempts=5))
def repoint(context: JobContext, event_id: int, golden_ids: list[str]) -> None:
    """Enqueue a re-point of every deal on the golden ids involved."""
    task = registry.get(REPOINT_DEAL)
    assert task is not None
    with session_scope(context.engine, write=True) as session:
        query = select(SyncDeal).where(col(SyncDeal.golden_customer_id).in_(golden_ids))
        jobs = []
        for deal in session.exec(query.order_by(col(SyncDeal.opportunity_id))):
            args = {"opportunity_id": deal.opportunity_id, "event_id": event_id}
            key = f"sync:repoint:{event_id}:{deal.opportunity_id}"
            job = new_job(task, args, idempotency_key=key)
            jobs.append(dataclasses.replace(job, correlation_id=deal.correlation_id))
        enqueue(session, jobs, utcnow())


@registry.task(name=REPOINT_DEAL, retry=RETRY, lock=LOCK)
def repoint_deal(context: JobContext, opportunity_id: str, event_id: int) -> None:
    """Move the deal to its account's golden customer now, and its remote projects along."""
    key = context.idempotency_key
    with session_scope(context.engine) as session:
        deal = load_deal(session, opportunity_id)
        target = customer_of_account(session, deal.account_id)
        if target is None or target == deal.golden_customer_id:
            return
        erp_ids, psa_ids = ids_in(session, target, "erp"), ids_in(session, target, "psa")
        project = project_spec(session, deal, "")
    erp_to = _moved(deal.erp_project_id, deal.erp_customer_id, erp_ids)
    psa_to = _moved(deal.psa_project_id, deal.psa_customer_id, psa_ids)
    if erp_to is not None:
        spec = dataclasses.replace(project, customer_ref=erp_to)
        systems.erp(context).ensure_project(spec, key=f"{key}:erp")
    if psa_to is not None:
        spec = dataclasses.replace(project, customer_ref=psa_to)
        systems.psa(context).upsert_project(spec, key=f"{key}:psa")
    with session_scope(context.engine, write=True) as session:
        deal = load_deal(session, opportunity_id)
        deal.golden_customer_id = target
        deal.erp_customer_id = erp_to or deal.erp_customer_id
        deal.psa_customer_id = psa_to or deal.psa_customer_id
        session.add(deal)


def _moved(project_id: str | None, customer_id: str | None, target_ids: list[str]) -> str | None:
    """The customer id a remote project moves to: the target's own, when the project exists
    and sits under another (None: nothing to do remotely)."""
    if project_id is None or not target_ids or customer_id in target_ids:
        return None
    return target_ids[0]
