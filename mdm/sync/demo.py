"""`mdm sync demo`: quote-to-project and project-to-cash end to end, against fresh sandboxes,
under faults, on a compressed clock, in bounded time.

The run: the hub gets the seeds if it has none, and forgets earlier flow state; the CRM, PSA
and ERP sandboxes start fresh on free ports; N won deals are chosen (seeded) and every other
opportunity goes back to an open stage; every remote call fails with probability F; worker
threads run the flows (their pollers are worker duties); delivery appears on each new project;
when the flows settle, the faults go off, the run's dead letters are replayed once and the
flows settle again. The answer counts what the sandboxes store.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from mdm.clock import utcnow
from mdm.settings import Settings
from mdm.sync.config import load_sync_config
from mdm.sync.demo_count import (
    BILLING_PREFIX,
    CUSTOMER_PREFIX,
    PROJECT_PREFIX,
    dead_letter_reasons,
    duplicates,
    money,
    posted_invoices,
    read_hub,
    reckon,
    stats,
)
from mdm.sync.demo_delivery import Delivery, deal_terms
from mdm.sync.demo_faults import apply_faults, clear_faults
from mdm.sync.demo_setup import (
    Say,
    Systems,
    Tuning,
    demo_settings,
    ensure_seeded,
    free_base_port,
    refuse_real_systems,
    reset_flow_state,
    select_won,
    start_systems,
)
from mdm.sync.demo_wait import replay_dead_letters, wait_settled
from mdm.sync.demo_workers import start_worker_processes, start_workers

# After the faults are off, the replayed dead letters get at least this long.
REPLAY_SECONDS = 25.0


@dataclass(frozen=True)
class DemoOptions:
    """What the run is asked for."""

    opportunities: int = 500
    fault_rate: float = 0.3
    seed: int = 0
    # Mostly waiting on remote calls, so more than the cores; NetSuite takes 5 calls at once.
    workers: int = 6
    # `mdm worker` processes: threads of this process would share one interpreter lock with
    # the three sandboxes, and the run takes about half as long with processes.
    processes: bool = True
    time_limit_seconds: float = 110.0


def run_demo(engine: Engine, base: Settings, options: DemoOptions, say: Say) -> dict[str, Any]:
    """Run the scenario and return its report (the JSON the command prints)."""
    # Thousands of remote calls: their one line each would drown the progress on stderr.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
    started, started_at = time.monotonic(), utcnow()
    refuse_real_systems(base)
    ensure_seeded(engine, say)
    reset_flow_state(engine)
    tuning = Tuning()
    settings = demo_settings(base, free_base_port(base.sandbox_host), tuning)
    systems = start_systems(settings)
    say(f"sandboxes: {', '.join(f'{r} {u}' for r, u in systems.urls.items())}")
    try:
        chosen = select_won(systems, options.opportunities, options.seed)
        terms = deal_terms(systems.sandbox("crm"), chosen)
        # The flows bill by the UTC date: so does the expectation.
        delivery = Delivery(systems.sandbox("psa"), terms, options.seed, utcnow().date())
        apply_faults(systems, options.fault_rate, options.seed, tuning)
        logs = _drive(engine, settings, options, delivery, systems, started, started_at, say)
        report = _report(engine, settings, systems, delivery)
    finally:
        systems.stop()
    if logs is not None and report["ok"]:
        shutil.rmtree(logs, ignore_errors=True)  # kept only when something needs explaining
    elif logs is not None:
        say(f"worker logs kept in {logs}")
    report["elapsed_seconds"] = round(time.monotonic() - started, 1)
    report["seed"], report["fault_rate"] = options.seed, options.fault_rate
    return report


def _drive(
    engine: Engine,
    settings: Settings,
    options: DemoOptions,
    delivery: Delivery,
    systems: Systems,
    started: float,
    started_at: datetime,
    say: Say,
) -> Path | None:
    """Run the workers through the faulty phase and the replay; returns their log folder."""
    count = options.workers
    say(f"{len(delivery.deals)} won deals, fault rate {options.fault_rate}, {count} workers")
    logs = Path(tempfile.mkdtemp(prefix="mdm-demo-")) if options.processes else None
    if logs is not None:
        workers = start_worker_processes(settings, count, logs)
    else:
        workers = start_workers(engine, settings, count)
    settle = max(5 * settings.sync_poll_seconds, 3.0)
    limit = started + options.time_limit_seconds
    try:
        wait_settled(
            engine,
            settings,
            delivery,
            deadline=limit - REPLAY_SECONDS,
            settle_seconds=settle,
            say=say,
        )
        clear_faults(systems)
        replayed = replay_dead_letters(engine, settings, started_at, utcnow())
        say(f"faults off; {replayed} dead letters replayed")
        deadline = max(limit, time.monotonic() + REPLAY_SECONDS)
        wait_settled(engine, settings, delivery, deadline=deadline, settle_seconds=settle, say=say)
    finally:
        workers.stop()
    return logs


def _report(
    engine: Engine, settings: Settings, systems: Systems, delivery: Delivery
) -> dict[str, Any]:
    psa, erp = stats(systems, "psa"), stats(systems, "erp")
    erp_store = systems.sandbox("erp").store
    invoices = posted_invoices(systems)
    orders = [
        r
        for r in erp_store.all("salesOrder")
        if str(r.fields.get("externalId", "")).startswith(BILLING_PREFIX)
    ]
    projects = [
        r
        for r in systems.sandbox("psa").store.all("workspaces")
        if str(r.fields.get("_ref", "")).startswith(PROJECT_PREFIX)
    ]
    won = [r for r in systems.sandbox("crm").store.all("Opportunity") if r.fields.get("IsWon")]
    hub = read_hub(engine)
    reckoning = reckon(delivery, load_sync_config(settings.sync_config_file), hub, invoices)
    expected, posted = reckoning.totals()
    by_order: dict[str, int] = {}
    for fields in invoices:
        source = str((fields.get("createdFrom") or {}).get("id"))
        by_order[source] = by_order.get(source, 0) + 1
    duplicate_projects = duplicates(psa, "workspaces", PROJECT_PREFIX) + duplicates(
        erp, "job", PROJECT_PREFIX
    )
    # Not a key of the report, but a duplicate all the same: a customer created twice.
    duplicate_customers = duplicates(psa, "workspace_groups", CUSTOMER_PREFIX) + duplicates(
        erp, "customer", CUSTOMER_PREFIX
    )
    duplicate_postings = (
        duplicates(erp, "invoice", BILLING_PREFIX)
        + duplicates(erp, "salesOrder", BILLING_PREFIX)
        + sum(n - 1 for n in by_order.values())
    )
    reasons: dict[str, int] = {}
    for exception in hub.exceptions:
        reasons[exception.reason] = reasons.get(exception.reason, 0) + 1
    unreconciled = {c: expected[c] - posted.get(c, 0) for c in expected}
    duplicated = duplicate_projects + duplicate_postings + duplicate_customers
    ok = duplicated == 0 and not reckoning.unexplained
    return {
        "opportunities_won": len(won),
        "projects_created": len(projects),
        "duplicate_projects": duplicate_projects,
        "billing_transactions": len(orders),
        "erp_postings": len(invoices),
        "duplicate_postings": duplicate_postings,
        "duplicate_customers": duplicate_customers,
        "dead_letters": len(hub.dead),
        "amount_expected": money(expected),
        "amount_posted": money(posted),
        "unreconciled_value": money(unreconciled),
        "dead_letter_reasons": dead_letter_reasons(hub.dead),
        "exceptions": {"total": len(hub.exceptions), "by_reason": dict(sorted(reasons.items()))},
        "unexplained_differences": reckoning.unexplained,
        "ok": ok,
    }
