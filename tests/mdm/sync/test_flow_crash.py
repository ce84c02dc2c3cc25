"""Both sync flows survive `mdm worker` processes killed by SIGKILL at each step boundary.

For each hook (after_claim, before_effect, after_effect, during_ack), deals are staged so that
one job of every step of the flow is pending, and each of those jobs is taken by its own worker
that dies at the hook while holding it (four at once on PostgreSQL, two and two on SQLite).
Clean workers then drain the queue. Counted from the sandboxes' own storage: one PSA project,
ERP customer and ERP job per deal and customer, one ERP invoice per billing transaction (no
duplicate posting), every transaction posted at the amount the billing rules call for (no lost
posting), every deal linked and every job succeeded.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.hooks import STEPS
from mdm.jobs.models import Job, JobStatus
from mdm.settings import Settings
from mdm.sync import p2c_cash, q2p
from mdm.sync.billing import to_cents
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal, SyncException
from mdm.sync.p2c_jobs import (
    COLLECT,
    POST,
    POST_BATCH,
    WRITEBACK,
    collect_job,
    post_job,
)
from mdm.sync.p2c_poll import poll_billable
from mdm.sync.q2p_poll import poll_won_deals
from tests.mdm.sync.q2p_world import (
    Systems,
    World,
    add_contract,
    deals,
    load_world,
    run_flows,
    sync_settings,
    systems,
    won,
)
from tests.support.crash_workers import queue_state
from tests.support.flow_crash import (
    FlowWorkers,
    add_expense,
    add_milestone,
    add_time,
    route,
    run_tasks,
)

__all__ = ["sync_settings", "systems"]  # the fixtures, used by name

Q2P_STEPS = (q2p.DEAL_WON, q2p.ERP_CUSTOMER, q2p.PSA_CUSTOMER, q2p.PSA_PROJECT, q2p.LINK)
P2C_STEPS = (COLLECT, POST_BATCH, POST, WRITEBACK, p2c_cash.INVOICES)


@pytest.fixture
def workers(settings: Settings, systems: Systems, tmp_path: Path) -> Iterator[FlowWorkers]:
    """Worker processes on the test database and the served sandboxes."""
    pool = FlowWorkers(settings.database_url, systems.urls, tmp_path)
    yield pool
    pool.stop_all()


def _killed_tasks(engine: Engine) -> set[str]:
    """The tasks of the jobs whose worker died holding them (their lease ran out).

    A set: a clean worker starved of CPU long enough to lose a lease adds a harmless rerun."""
    return {job.task for job in queue_state(engine) if job.lease_expiries}


def _assert_every_job_succeeded(engine: Engine) -> None:
    ends = {(job.idempotency_key, job.status, job.last_error) for job in queue_state(engine)}
    assert {key for key, status, _ in ends if status != JobStatus.SUCCEEDED} == set(), ends


def _stage_won_deals(
    engine: Engine, settings: Settings, systems: Systems, world: World
) -> list[str]:
    """Five won deals, the n-th brought through the flow's first n steps (its step n pending).

    Three new Acme deals (the flow creates Acme's ERP and PSA customers) and two of Bergmann's
    (the hub knows its customers there), one of them fixed fee under a golden contract."""
    specs = [
        (world.acme, "Acme - Data Platform", {}),
        (world.bergmann, "Bergmann - Treasury", {"billing": "fixed_fee"}),
        (world.acme, "Acme - Support", {}),
        (world.bergmann, "Bergmann - Audit", {}),
        (world.acme, "Acme - Migration", {}),
    ]
    opportunities: list[str] = []
    for done in range(len(Q2P_STEPS) - 1, -1, -1):  # the deal furthest along first
        account, name, extra = specs[done]
        terms = {"entity": "DE01", "currency": "EUR", **extra} if account == world.bergmann else {}
        opportunity = won(systems, account, name, **terms)  # type: ignore[arg-type]
        if extra:
            add_contract(engine, account, opportunity)
        assert poll_won_deals(engine, settings, utcnow()) == 1
        run_tasks(engine, settings, Q2P_STEPS[:done])
        opportunities.insert(0, opportunity)
    return opportunities


@pytest.mark.parametrize("hook", STEPS)
def test_quote_to_project_with_workers_killed_at_every_step_creates_each_record_once(
    hook: str,
    backend: str,
    engine: Engine,
    sync_settings: Settings,
    systems: Systems,
    workers: FlowWorkers,
) -> None:
    world = load_world(engine, sync_settings, systems)
    opportunities = _stage_won_deals(engine, sync_settings, systems, world)
    pending = [q2p.step_key(s, o) for s, o in zip(Q2P_STEPS, opportunities, strict=True)]

    workers.crash(backend, hook, route(engine, pending))
    workers.drain(backend)

    assert _killed_tasks(engine) == set(Q2P_STEPS)  # one kill at each step of the flow
    _assert_every_job_succeeded(engine)
    flow_jobs = [job for job in queue_state(engine) if job.task in Q2P_STEPS]
    assert len(flow_jobs) == len(Q2P_STEPS) * len(opportunities)  # one job per step and deal
    found = deals(engine)
    assert {d.state for d in found.values()} == {DealState.LINKED}
    with session_scope(engine) as session:
        assert list(session.exec(select(SyncException))) == []
    # One ERP job and one PSA project per deal, under its external id, and nothing twice.
    for role, type_ in (("erp", "job"), ("psa", "workspaces")):
        stats = systems.stats(role, type_)
        assert (stats["records"], stats["duplicates"]) == (len(opportunities), {}), (role, stats)
    erp_jobs = {j.fields["externalId"]: j.id for j in systems.records("erp", "job")}
    assert erp_jobs == {f"opp_{o}": found[o].erp_project_id for o in opportunities}
    workspaces = {w.id for w in systems.records("psa", "workspaces")}
    assert workspaces == {found[o].psa_project_id for o in opportunities}
    # Customers: Bergmann's own (from the hub's cross-reference) and Acme's, made once.
    for role, type_ in (("erp", "customer"), ("psa", "workspace_groups")):
        stats = systems.stats(role, type_)
        assert (stats["records"], stats["duplicates"]) == (2, {}), (role, stats)
    acme = {found[o].erp_customer_id for o in opportunities[::2]}
    bergmann = {found[o].erp_customer_id for o in opportunities[1::2]}
    assert (len(acme), bergmann) == (1, {world.bergmann_erp})
    assert {found[o].psa_customer_id for o in opportunities[1::2]} == {world.bergmann_psa}


# What each staged deal's approved work bills under the billing rules, in cents, by the
# transaction id's suffix: minutes / 60 x rate per line, rounded half up, plus expenses;
# a fixed-fee deal bills its completed milestone and never its time.
P1_BILLS = {"tm_2025_01": 12000, "tm_2025_02": 1167}  # 60 min at 120.00; 7 min at 99.99
# Two completed milestones (a third is not completed); 600 minutes of time are not billed.
P2_BILLS = {"ms": 1250050, "ms2": 300000}
P3_BILLS = {"tm_2025_01": 22500 + 4929}  # 90 min at 150.00 and a 49.29 expense


def _linked_deals(
    engine: Engine, settings: Settings, systems: Systems
) -> tuple[list[SyncDeal], dict[str, int]]:
    """Three deals linked by quote-to-project, with approved work in the PSA; returns them and
    what each transaction should bill, by transaction id."""
    world = load_world(engine, settings, systems)
    p1 = won(systems, world.acme, "Acme - Data Platform")
    bergmann = {"billing": "fixed_fee", "entity": "DE01", "currency": "EUR"}
    p2 = won(systems, world.bergmann, "Bergmann - Treasury", **bergmann)  # type: ignore[arg-type]
    p3 = won(systems, world.acme, "Acme - Support")
    add_contract(engine, world.bergmann, p2)
    run_flows(engine, settings)
    found = deals(engine)
    linked = [found[p1], found[p2], found[p3]]
    assert {d.state for d in linked} == {DealState.LINKED}
    psa, (one, two, three) = systems.urls["psa"], [d.psa_project_id or "" for d in linked]
    add_time(psa, one, "2025-01-10", 60, 12000, currency="USD")
    add_time(psa, one, "2025-02-03", 7, 9999, currency="USD")
    add_time(psa, two, "2025-01-10", 600, 15000, currency="EUR")
    add_milestone(psa, two, 500000, None)
    milestone = add_milestone(psa, two, P2_BILLS["ms"], "2025-02-10")
    design = add_milestone(psa, two, P2_BILLS["ms2"], "2025-01-20")
    add_time(psa, three, "2025-01-10", 90, 15000, currency="USD")
    add_expense(psa, three, "2025-01-20", 4929)
    expected = {
        **{f"bt_{linked[0].id}_{suffix}": cents for suffix, cents in P1_BILLS.items()},
        f"bt_{linked[1].id}_ms_{milestone}": P2_BILLS["ms"],
        f"bt_{linked[1].id}_ms_{design}": P2_BILLS["ms2"],
        **{f"bt_{linked[2].id}_{suffix}": cents for suffix, cents in P3_BILLS.items()},
    }
    return linked, expected


def _collect(engine: Engine, *jobs: store.NewJob) -> None:
    with session_scope(engine, write=True) as session:
        store.enqueue(session, list(jobs), utcnow())


def _stage_billing(engine: Engine, settings: Settings, linked: list[SyncDeal]) -> list[str]:
    """One pending job of each project-to-cash step: the third deal posted (its write-back
    pending), the second collected (its posting batch pending, and one of its two transactions
    handed to its own posting job, as a batch does with one the ERP refused), the first to
    collect, and a read of the ERP's invoices. Returns their keys in step order."""
    first, second, third = linked
    _collect(engine, collect_job(third, "staged"))
    run_tasks(engine, settings, (COLLECT, POST_BATCH))
    _collect(engine, collect_job(second, "staged"))
    run_tasks(engine, settings, (COLLECT,))
    _collect(engine, collect_job(first, "staged"), p2c_cash.invoices_job("staged"))
    (posted,) = _transactions(engine, third.id)
    pending = _transactions(engine, second.id)
    assert len(pending) == 2  # its two completed milestones
    _collect(engine, post_job(pending[1]))
    return [
        f"p2c:collect:{first.id}:staged",
        _pending_key(engine, POST_BATCH),
        f"p2c:post:{pending[1].id}",
        f"p2c:writeback:{third.account_id}:{posted.id}:{posted.revision}",
        "p2c:invoices:staged",
    ]


def _pending_key(engine: Engine, task: str) -> str:
    """The key of the one job of `task` waiting to run."""
    with session_scope(engine) as session:
        query = select(Job.idempotency_key).where(
            col(Job.task) == task, col(Job.status) == JobStatus.TODO
        )
        (key,) = session.exec(query).all()
    return key


def _transactions(engine: Engine, deal_id: int | None = None) -> list[BillingTransaction]:
    with session_scope(engine) as session:
        query = select(BillingTransaction).order_by(col(BillingTransaction.id))
        if deal_id is not None:
            query = query.where(col(BillingTransaction.deal_id) == deal_id)
        return list(session.exec(query))


@pytest.mark.parametrize("hook", STEPS)
def test_project_to_cash_with_workers_killed_at_every_step_posts_each_transaction_once(
    hook: str,
    backend: str,
    engine: Engine,
    sync_settings: Settings,
    systems: Systems,
    workers: FlowWorkers,
) -> None:
    linked, expected = _linked_deals(engine, sync_settings, systems)
    pending = _stage_billing(engine, sync_settings, linked)

    workers.crash(backend, hook, route(engine, pending))
    # A poll round after the crash collects every deal again: it must find nothing new.
    poll_billable(engine, sync_settings, utcnow())
    workers.drain(backend)

    assert _killed_tasks(engine) == set(P2C_STEPS)  # one kill at each step of the flow
    _assert_every_job_succeeded(engine)
    assert {d.state for d in deals(engine).values()} == {DealState.LINKED}
    # Every transaction the rules call for, each posted once at its amount: none lost.
    found = _transactions(engine)
    assert {tx.id: tx.amount_cents for tx in found} == expected
    assert {tx.state for tx in found} == {BillingState.POSTED}
    # The ERP's own storage: one sales order and one invoice per transaction, nothing twice.
    for type_ in ("salesOrder", "invoice"):
        stats = systems.stats("erp", type_)
        assert (stats["records"], stats["duplicates"]) == (len(expected), {}), (type_, stats)
    invoices = {i.fields["externalId"]: i for i in systems.records("erp", "invoice")}
    assert {tx_id: to_cents(Decimal(i.fields["total"])) for tx_id, i in invoices.items()} == (
        expected
    )
    assert {tx.id: tx.erp_invoice_id for tx in found} == {k: i.id for k, i in invoices.items()}
    # The CRM holds one invoice status per transaction (its write-backs are upserts).
    stats = systems.stats("crm", "Invoice_Status__c")
    assert (stats["records"], stats["duplicates"]) == (len(expected), {}), stats
