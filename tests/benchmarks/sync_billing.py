"""Billing throughput: pending billing transactions posted to the sandbox ERP by `mdm worker`s.

Run on demand (never in `make test`):
`.venv/bin/python -m tests.benchmarks.sync_billing [--transactions N] [--workers W]
[--deals D] [--backend postgresql|sqlite] [--prefetch P] [--batch B | --per-deal]`.

A fresh migrated database gets D linked deals (one ERP customer and job each, made through the
NetSuite adapter in a fresh NetSuite sandbox served over HTTP from this process, and one CRM
account each in a Salesforce sandbox) and N pending transactions spread over them, each with
its `p2c.post` job (or, with `--batch B`, one `p2c.post_batch` job per B transactions, and
workers that claim one job at a time so that the batches spread over them; with `--per-deal`,
the jobs a collection enqueues: each deal's transactions in batches of up to 50, as the flow
posts them), behind a gate (a
far-future `run_at`). W worker processes start; once all are up the gate opens. Posting rate
is N over the span from the first post's `started_at` to the last one's `finished_at` (the
write-backs each posting enqueues run after, in id order, and are not counted). Checked: every
posting job succeeded, every transaction is posted, and the sandbox holds N invoices with no
duplicated external id. Also shown: how busy the sandboxes kept this process (their uvicorn
threads run sync endpoints in a thread pool, but share one interpreter), to tell whether they
were the bottleneck. Target of the issue: at least 200 transactions/s on PostgreSQL with 4
workers, batching allowed: `--batch 25`, and the flow's own batching: `--per-deal`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import Engine, func, select, update

from mdm import migrate
from mdm.clock import aware, utcnow
from mdm.connectors.config import SystemConnection
from mdm.connectors.netsuite import build as netsuite
from mdm.connectors.ports import CustomerSpec, ProjectSpec
from mdm.db import create_db_engine, insert_rows, session_scope
from mdm.jobs import store
from mdm.jobs.models import JobStatus
from mdm.sandbox import netsuite as netsuite_sandbox
from mdm.sandbox import salesforce as salesforce_sandbox
from mdm.settings import Settings
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal
from mdm.sync.p2c_jobs import POST, POST_BATCH, post_batch_jobs, post_job, posting_jobs
from tests.support.databases import throwaway_database
from tests.support.sandboxes import serving

TARGET_PER_S = 200.0
GATE = datetime(2999, 1, 1, tzinfo=UTC)
START_TIMEOUT_S = 60.0
ROOT = Path(__file__).resolve().parents[2]
SALESFORCE = "/services/data/v61.0"
AUTH = {"Authorization": "Bearer sandbox-token"}


@dataclass(frozen=True)
class Run:
    """One measured run."""

    backend: str
    workers: int
    prefetch: int
    batching: str
    transactions: int
    post_seconds: float
    wall_seconds: float
    sandbox_cpu: float  # cores the sandboxes kept busy over the wall time
    invoices: int
    duplicates: int
    problems: tuple[str, ...]

    @property
    def rate(self) -> float:
        """Transactions posted per second."""
        return self.transactions / self.post_seconds if self.post_seconds > 0 else 0.0


def make_deals(engine: Engine, erp_url: str, crm_url: str, count: int) -> list[SyncDeal]:
    """`count` linked deals, each with its ERP customer and job and its CRM account."""
    connection = SystemConnection(base_url=erp_url, token=SecretStr("sandbox-token"))
    erp = netsuite(connection, erp_url)
    deals = []
    try:
        with httpx.Client(base_url=crm_url, headers=AUTH) as crm:
            for n in range(count):
                golden = f"cus_bench{n:05d}"
                customer = erp.ensure_customer(CustomerSpec(golden, f"Bench {n}"), key=golden).id
                job_spec = ProjectSpec(f"opp_bench{n:05d}", f"Bench {n} - Work", customer)
                job = erp.ensure_project(job_spec, key=f"job:{n}").id
                body = {"Name": f"Bench {n}"}
                account = crm.post(f"{SALESFORCE}/sobjects/Account", json=body).json()["id"]
                deals.append(_deal(n, golden, customer, job, account))
    finally:
        erp.close()
    with session_scope(engine, write=True) as session:
        session.add_all(deals)
    return deals


def _deal(n: int, golden: str, customer: str, job: str, account: str) -> SyncDeal:
    return SyncDeal(
        opportunity_id=f"bench{n:05d}",
        account_id=account,
        name=f"Bench {n}",
        state=DealState.LINKED,
        golden_customer_id=golden,
        billing_method="time_and_materials",
        currency="USD",
        legal_entity="US01",
        erp_customer_id=customer,
        psa_project_id=f"ws{n}",
        erp_project_id=job,
        correlation_id=f"bench-{n}",
    )


def make_transactions(engine: Engine, deals: list[SyncDeal], count: int, batch: int) -> int:
    """N pending transactions over the deals, with their gated posting jobs (`batch` < 0: per
    deal, as a collection enqueues them); returns how many posting jobs."""
    """`count` pending transactions over the deals, with their posting jobs, behind the gate."""
    rows: list[dict[str, Any]] = []
    for n in range(count):
        deal = deals[n % len(deals)]
        month = n // len(deals)
        year, period = 2000 + month // 12, month % 12 + 1
        line = {
            "source_ref": f"time:{n}",
            "description": f"Time {n}",
            "quantity": "1.5",
            "rate": "150",
            "amount_cents": 22500,
        }
        rows.append(
            {
                "id": f"bt_{deal.id}_tm_{year:04d}_{period:02d}",
                "deal_id": deal.id,
                "kind": "time_and_expenses",
                "period": f"{year:04d}-{period:02d}",
                "currency": "USD",
                "tax_code": "US-EXEMPT",
                "subsidiary": "1",
                "amount_cents": 22500,
                "lines": [line],
                "state": BillingState.PENDING.value,
                "paid_cents": 0,
                "correlation_id": deal.correlation_id,
                "created_at": utcnow(),
            }
        )
    with session_scope(engine, write=True) as session:
        insert_rows(session, BillingTransaction, rows)
        query = select(BillingTransaction).order_by(BillingTransaction.id)
        transactions = list(session.execute(query).scalars())
        jobs = _posting_jobs(transactions, batch)
        store.enqueue(session, [_gated(job) for job in jobs], utcnow())
    return len(jobs)


def _posting_jobs(transactions: list[BillingTransaction], batch: int) -> list[store.NewJob]:
    if batch < 0:
        by_deal: dict[int, list[BillingTransaction]] = {}
        for tx in transactions:
            by_deal.setdefault(tx.deal_id, []).append(tx)
        return [job for group in by_deal.values() for job in posting_jobs(group)]
    if batch:
        return post_batch_jobs([tx.id for tx in transactions], batch)
    return [post_job(tx) for tx in transactions]


def _gated(job: store.NewJob) -> store.NewJob:
    return store.NewJob(**{**job.__dict__, "run_at": GATE})


def worker_env(url: str, erp_url: str, crm_url: str, prefetch: int) -> dict[str, str]:
    """One worker's environment: the database, the sandboxes, short polls."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDM_")}
    return env | {
        "MDM_DATABASE_URL": url,
        "MDM_ERP__BASE_URL": erp_url,
        "MDM_ERP__TOKEN": "sandbox-token",
        "MDM_ERP__RATE_PER_SECOND": "10000",
        "MDM_CRM__BASE_URL": crm_url,
        "MDM_CRM__TOKEN": "sandbox-token",
        "MDM_CRM__RATE_PER_SECOND": "10000",
        "MDM_JOBS_PREFETCH": str(prefetch),
        "MDM_JOBS_POLL_SECONDS": "0.05",
        "MDM_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


@contextmanager
def workers(env: dict[str, str], count: int, logs: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` burst workers, yielded once each says it is running."""
    mdm = str(Path(sys.executable).parent / "mdm")
    processes, paths = [], []
    try:
        for index in range(count):
            path = logs / f"worker-{index}.log"
            with path.open("wb") as log:
                command = [mdm, "worker", "--burst", "--worker-id", f"bill-{index}"]
                processes.append(subprocess.Popen(command, env=env, stderr=log, stdout=log))
            paths.append(path)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not all("running tasks" in path.read_text() for path in paths):
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                raise RuntimeError("a worker did not start:\n" + paths[0].read_text())
            time.sleep(0.05)
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def measure(
    backend: str, count: int, deal_count: int, worker_count: int, prefetch: int, batch: int = 0
) -> Run:
    """One run on a fresh database and fresh sandboxes."""
    with (
        tempfile.TemporaryDirectory(prefix="mdm-bench-billing-") as scratch,
        throwaway_database(backend, Path(scratch)) as url,
        serving(netsuite_sandbox.create_app(seed=False, concurrency_limit=50)) as erp_url,
        serving(salesforce_sandbox.create_app(seed=False)) as crm_url,
    ):
        engine = create_db_engine(Settings(database_url=url, _env_file=None))
        try:
            migrate.upgrade(engine)
            deals = make_deals(engine, erp_url, crm_url, deal_count)
            jobs = make_transactions(engine, deals, count, batch)
            env = worker_env(url, erp_url, crm_url, prefetch)
            with workers(env, worker_count, Path(scratch)) as processes:
                started, cpu = time.monotonic(), time.process_time()
                with session_scope(engine, write=True) as session:
                    session.connection().execute(update(store.JOB).values(run_at=utcnow()))
                codes = [process.wait() for process in processes]
                wall = time.monotonic() - started
                # This process only waits now: its CPU is the sandboxes serving the workers.
                sandbox_cpu = (time.process_time() - cpu) / wall
            span, problems = check(engine, count, jobs)
            invoices = httpx.get(f"{erp_url}/_sandbox/stats").json()["types"].get("invoice", {})
        finally:
            engine.dispose()
    duplicates = sum(n - 1 for n in invoices.get("duplicates", {}).values())
    if invoices.get("records") != count:
        problems = (*problems, f"{invoices.get('records')} invoices for {count} transactions")
    if any(codes):
        problems = (*problems, f"worker exit codes {codes}")
    return Run(
        backend, worker_count, prefetch, _batching(batch), count, span, wall, sandbox_cpu,
        int(invoices.get("records", 0)), duplicates, problems,
    )  # fmt: skip


def _batching(batch: int) -> str:
    if batch < 0:
        return "per-deal batches (the flow's)"
    return f"batches of {batch}" if batch else "one job per transaction"


def check(engine: Engine, count: int, jobs: int) -> tuple[float, tuple[str, ...]]:
    """The posting span, and what went wrong (`jobs`: how many posting jobs there were)."""
    job = store.JOB.c
    with engine.connect() as connection:
        first, last, done = connection.execute(
            select(func.min(job.started_at), func.max(job.finished_at), func.count())
            .where(job.task.in_([POST, POST_BATCH]), job.status == JobStatus.SUCCEEDED)
        ).one()  # fmt: skip
        posted = connection.execute(
            select(func.count()).where(
                BillingTransaction.__table__.c.state == BillingState.POSTED  # type: ignore[attr-defined]
            )
        ).scalar_one()
    problems = []
    if done != jobs:
        problems.append(f"{done} of {jobs} posting jobs succeeded")
    if posted != count:
        problems.append(f"{posted} of {count} transactions posted")
    span = (aware(last) - aware(first)).total_seconds() if first and last else 0.0
    return span, tuple(problems)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the figures, fail when a run broke a promise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--transactions", type=int, default=2_000)
    parser.add_argument("--deals", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--prefetch", type=int, help="jobs a worker claims at once (default 10; 1 with --batch)"
    )
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument(
        "--batch", type=int, default=0, help="transactions per p2c.post_batch job (0: one job each)"
    )
    parser.add_argument(
        "--per-deal", action="store_true", help="each deal's transactions batched, as the flow does"
    )
    args = parser.parse_args(argv)
    batch = -1 if args.per_deal else args.batch
    run = measure(
        args.backend,
        args.transactions,
        args.deals,
        args.workers,
        args.prefetch or (1 if batch else 10),
        batch,
    )
    verdict = "met" if run.rate >= TARGET_PER_S else "MISSED"
    if (run.backend, run.workers) != ("postgresql", 4):
        verdict = "not this setup"
    print(
        f"{run.backend}, {run.workers} workers, prefetch {run.prefetch}, {run.batching}: "
        f"{run.transactions} transactions posted in {run.post_seconds:.2f} s = "
        f"{run.rate:,.0f}/s (wall {run.wall_seconds:.1f} s incl. write-backs, sandboxes "
        f"busy {run.sandbox_cpu:.0%} of a core); "
        f"ERP invoices {run.invoices}, duplicates {run.duplicates}; "
        f"target >= {TARGET_PER_S:.0f}/s on PostgreSQL with 4 workers: {verdict}"
    )
    for problem in run.problems:
        print(f"BROKEN: {problem}", file=sys.stderr)
    return 1 if run.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
