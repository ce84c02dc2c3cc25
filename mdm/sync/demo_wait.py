"""Running the demo's workers and waiting until the flows have nothing left to do.

Settled means: every chosen deal is linked or stopped, every delivered deal's work is posted
(the hub's posted transactions add up to what the billing rules expect) or a dead letter owns
it, and no flow job is open apart from the pollers' own rounds; or, when some deal can go no
further, nothing has changed for a while. A time bound ends the wait in any case.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, or_
from sqlalchemy import select as table_select
from sqlmodel import col, select

from mdm.db import session_scope
from mdm.jobs.models import JobStatus
from mdm.jobs.replay import ReplayFilter, replay_many
from mdm.jobs.store import JOB
from mdm.settings import Settings
from mdm.sync.config import SyncConfig, load_sync_config
from mdm.sync.demo_count import held_deals, read_hub
from mdm.sync.demo_delivery import Delivery
from mdm.sync.demo_setup import FLOW_KEY_PREFIXES
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal
from mdm.sync.p2c_cash import INVOICES
from mdm.sync.p2c_jobs import COLLECT, WRITEBACK

# The pollers enqueue these every round whether or not there is work: not a sign of progress.
# Invoice-status write-backs to the CRM follow a posting; they show cash, not what is billed,
# so the run does not wait for them (the report lists what is still open).
NOT_WAITED_FOR = (COLLECT, INVOICES, WRITEBACK)
FLOW_JOBS = or_(*(JOB.c.idempotency_key.startswith(p) for p in FLOW_KEY_PREFIXES))
Say = Callable[[str], None]


@dataclass(frozen=True)
class Progress:
    """One look at the hub: whether it is done, and a fingerprint of where it is."""

    done: bool
    busy: bool
    seen_all: bool
    fingerprint: tuple[object, ...]
    summary: str


@dataclass(frozen=True)
class Snapshot:
    """The hub's flow tables at one moment."""

    deals: list[SyncDeal]
    posted: dict[int, int]  # deal id -> minor units posted
    open_tasks: list[str]
    dead: int
    dead_deals: set[str]  # opportunities a dead letter holds up


def snapshot(engine: Engine) -> Snapshot:
    """Read deals, posted sums, open flow jobs and dead letters."""
    hub = read_hub(engine)
    with session_scope(engine) as session:
        sums = session.exec(
            select(BillingTransaction.deal_id, func.sum(BillingTransaction.amount_cents))
            .where(col(BillingTransaction.state) != BillingState.PENDING)
            .group_by(col(BillingTransaction.deal_id))
        ).all()
        open_tasks = session.connection().execute(
            table_select(JOB.c.task).where(
                JOB.c.status.in_([JobStatus.TODO, JobStatus.DOING]), FLOW_JOBS
            )
        )
        tasks = list(open_tasks.scalars())
    posted = {deal: int(total or 0) for deal, total in sums}
    return Snapshot(list(hub.deals.values()), posted, tasks, len(hub.dead), held_deals(hub))


def look(engine: Engine, settings: Settings, delivery: Delivery) -> Progress:
    """Where the flows are for the chosen deals."""
    config = load_sync_config(settings.sync_config_file)
    now = snapshot(engine)
    ours = [d for d in now.deals if d.opportunity_id in delivery.deals]
    free = [d for d in ours if d.opportunity_id not in now.dead_deals]
    states = Counter(d.state for d in ours)
    unseen = len(delivery.deals) - len(ours)
    unsettled = [d for d in free if d.state not in (DealState.LINKED, DealState.EXCEPTION)]
    unbilled = [
        d
        for d in free
        if d.state == DealState.LINKED
        and not _billed(delivery, config, d, now.posted.get(d.id or 0, 0))
    ]
    busy = any(task not in NOT_WAITED_FOR for task in now.open_tasks)
    progress = (tuple(sorted(states.items())), sum(now.posted.values()), now.dead)
    summary = (
        f"deals {dict(sorted(states.items()))}, unseen {unseen}, delivered "
        f"{len(delivery.delivered)}, awaiting billing {len(unbilled)}, open jobs "
        f"{len(now.open_tasks)}, dead letters {now.dead}"
    )
    done = not busy and unseen == 0 and not unsettled and not unbilled
    return Progress(done, busy, unseen == 0, (*progress, len(delivery.delivered)), summary)


def _billed(delivery: Delivery, config: SyncConfig, deal: SyncDeal, posted_cents: int) -> bool:
    if deal.opportunity_id not in delivery.delivered:
        return False
    expected = delivery.expected(deal.opportunity_id, config, deal.billing_method)
    return expected is None or posted_cents >= expected[1]


def wait_settled(
    engine: Engine,
    settings: Settings,
    delivery: Delivery,
    *,
    deadline: float,
    settle_seconds: float,
    say: Say,
) -> bool:
    """Deliver work as projects appear, until settled (True) or the deadline (False)."""
    last: tuple[object, ...] | None = None
    changed_at = time.monotonic()
    told = 0.0
    while time.monotonic() < deadline:
        delivery.deliver_new(engine)
        progress = look(engine, settings, delivery)
        now = time.monotonic()
        if progress.fingerprint != last:
            last, changed_at = progress.fingerprint, now
        if now - told >= 5:
            say(progress.summary)
            told = now
        stuck = progress.seen_all and not progress.busy and now - changed_at >= settle_seconds
        if progress.done or stuck:
            say(progress.summary)
            return progress.done
        time.sleep(0.5)
    say("time bound reached")
    return False


def replay_dead_letters(engine: Engine, settings: Settings, since: datetime, now: datetime) -> int:
    """Replay, once, every flow job that died during the run; returns how many went back."""
    with session_scope(engine) as session:
        tasks = session.connection().execute(
            table_select(JOB.c.task)
            .where(JOB.c.status == JobStatus.DEAD, FLOW_JOBS, JOB.c.finished_at >= since)
            .distinct()
        )
        names = sorted(task for (task,) in tasks)
    replayed = 0
    for task in names:
        with session_scope(engine, write=True) as session:
            report = replay_many(
                session,
                ReplayFilter(task=task, died_after=since),
                actor="mdm sync demo",
                reason="demo: replayed once with the faults off",
                now=now,
                max_replays=settings.jobs_max_replays,
                limit=settings.jobs_replay_limit,
            )
        replayed += len(report.replayed)
    return replayed
