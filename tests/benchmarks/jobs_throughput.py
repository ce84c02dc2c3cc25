"""Job queue throughput: no-op jobs through several `mdm worker --burst` processes.

Run on demand (never in `make test`): `make bench-jobs`, or
`.venv/bin/python -m tests.benchmarks.jobs_throughput [--jobs N] [--workers W]
[--backend both|postgresql|sqlite] [--prefetch 1,10] [--repeat R]`.

Each run gets a fresh migrated database (a throwaway PostgreSQL database, or a temp SQLite
file) holding N `bench.noop` jobs, half free and half spread over 100 lock keys, enqueued
behind a gate (a far-future `run_at`). Before the run, one claim over the N jobs, all due, is
explained (see `jobs_claim_plan`): it must walk the partial indexes, never scan the job table.
W worker processes start, and once every one of them is up the gate opens (one UPDATE), so
process start-up is not measured. Throughput is N over the time from the first job's
`started_at` to the last one's `finished_at`; wall time runs from the gate to the last
worker's exit (so it includes the burst workers' final polls). Every run is checked: each job
succeeded on its first attempt with exactly one `claimed` and one `succeeded` event, and per
lock key the events run claimed, succeeded, claimed, ... in job id order (one running job per
key, in order). Target of the issue: at least 1,000 jobs/s through 4 workers on PostgreSQL;
SQLite is reported beside it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text, update

from mdm import migrate
from mdm.clock import aware, utcnow
from mdm.db import create_db_engine, session_scope
from mdm.jobs import store
from mdm.jobs.models import JobEventKind, JobStatus
from mdm.jobs.tasks import registry
from mdm.settings import Settings
from tests.benchmarks.jobs_claim_plan import ClaimPlan, claim_plan
from tests.support import noop_tasks
from tests.support.databases import throwaway_database

TARGET_JOBS_PER_S = 1_000.0
LOCK_KEYS = 100
BATCH = 5_000
GATE = datetime(2999, 1, 1, tzinfo=UTC)
START_TIMEOUT_S = 60.0
ROOT = Path(__file__).resolve().parents[2]
BACKEND_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


@dataclass(frozen=True)
class Run:
    """One measured run: where, how many workers and prefetch, and what it took."""

    backend: str
    prefetch: int
    workers: int
    jobs: int
    queue_seconds: float  # first started_at to last finished_at
    wall_seconds: float  # gate opened to last worker gone
    problems: tuple[str, ...]
    plan: ClaimPlan  # one claim over every job, due, before the run

    @property
    def rate(self) -> float:
        """Jobs per second through the queue."""
        return self.jobs / self.queue_seconds if self.queue_seconds > 0 else 0.0


def enqueue(engine: Engine, n: int) -> None:
    """N no-op jobs behind the gate: even ones free, odd ones over LOCK_KEYS keys in turn."""
    task = registry.get(noop_tasks.NAME)
    assert task is not None
    for start in range(0, n, BATCH):
        jobs = [
            store.new_job(
                task, {"n": i} if i % 2 == 0 else {"n": i, "lock": i % LOCK_KEYS}, run_at=GATE
            )
            for i in range(start, min(n, start + BATCH))
        ]
        with session_scope(engine, write=True) as session:
            store.enqueue(session, jobs, utcnow())


def open_gate(engine: Engine) -> None:
    """Make every job due now; on PostgreSQL, with statistics that know it (as autovacuum's
    would soon), so the claim is planned for a table of due jobs, not one dated 2999."""
    with session_scope(engine, write=True) as session:
        connection = session.connection()
        connection.execute(update(store.JOB).values(run_at=utcnow()))
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE job"))


def worker_env(url: str, prefetch: int) -> dict[str, str]:
    """The environment of one `mdm worker` process of the harness."""
    return os.environ | {
        "MDM_DATABASE_URL": url,
        "MDM_JOBS_TASK_MODULES": f'["{noop_tasks.__name__}"]',
        "MDM_JOBS_PREFETCH": str(prefetch),
        # Only the wait at the gate and the burst's last checks poll; keep them short.
        "MDM_JOBS_POLL_SECONDS": "0.05",
        "MDM_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


@contextmanager
def workers(
    url: str, count: int, prefetch: int, logs: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` burst workers, yielded once each says it is running; killed if still alive after."""
    mdm = str(Path(sys.executable).parent / "mdm")
    env = worker_env(url, prefetch)
    processes, paths = [], []
    try:
        for index in range(count):
            path = logs / f"worker-{index}.log"
            with path.open("wb") as log:
                command = [mdm, "worker", "--burst", "--worker-id", f"bench-{index}"]
                processes.append(
                    subprocess.Popen(command, env=env, stderr=log, stdout=log, cwd=ROOT)
                )
            paths.append(path)
        _wait_until_running(processes, paths)
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def _wait_until_running(processes: list[subprocess.Popen[bytes]], logs: list[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not all("running tasks" in path.read_text() for path in logs):
        failed = [
            path
            for process, path in zip(processes, logs, strict=True)
            if process.poll() is not None
        ]
        if failed or time.monotonic() > deadline:
            detail = "\n".join(path.read_text() for path in failed or logs)
            raise RuntimeError(f"a worker did not start:\n{detail}")
        time.sleep(0.05)


def measure(backend: str, jobs: int, worker_count: int, prefetch: int) -> Run:
    """One run on a fresh database."""
    with (
        tempfile.TemporaryDirectory(prefix="mdm-bench-jobs-") as scratch,
        throwaway_database(backend, Path(scratch)) as url,
    ):
        engine = create_db_engine(Settings(database_url=url, _env_file=None))
        try:
            migrate.upgrade(engine)
            enqueue(engine, jobs)
            plan = claim_plan(engine)
            with workers(url, worker_count, prefetch, Path(scratch)) as processes:
                started = time.monotonic()
                open_gate(engine)
                codes = [process.wait() for process in processes]
                wall = time.monotonic() - started
            span, problems = check(engine, jobs)
            if any(codes):
                problems = (*problems, f"worker exit codes {codes}")
            if plan.full_scan:
                problems = (*problems, "the claim walks every job (see its plan)")
            return Run(backend, prefetch, worker_count, jobs, span, wall, problems, plan)
        finally:
            engine.dispose()


def check(engine: Engine, jobs: int) -> tuple[float, tuple[str, ...]]:
    """The span from first start to last finish, and whatever broke the queue's promises."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(store.JOB.c.id, store.JOB.c.lock_key, store.JOB.c.status, store.JOB.c.attempts,
                   store.JOB.c.started_at, store.JOB.c.finished_at)
        ).all()  # fmt: skip
        events = connection.execute(
            select(store.EVENT.c.job_id, store.EVENT.c.kind).order_by(store.EVENT.c.id)
        ).all()
    problems = []
    wrong = [row.id for row in rows if (row.status, row.attempts) != (JobStatus.SUCCEEDED, 1)]
    if len(rows) != jobs or wrong:
        problems.append(f"{len(rows)} jobs, {len(wrong)} not succeeded on the first attempt")
    counts = Counter((job_id, kind) for job_id, kind in events)
    expected = {
        (row.id, kind) for row in rows for kind in (JobEventKind.CLAIMED, JobEventKind.SUCCEEDED)
    }
    if set(counts) != expected or any(n != 1 for n in counts.values()):
        problems.append("events are not exactly one claimed and one succeeded per job")
    problems.extend(_order_problems(rows, events))
    started = min(aware(row.started_at) for row in rows if row.started_at is not None)
    finished = max(aware(row.finished_at) for row in rows if row.finished_at is not None)
    return (finished - started).total_seconds(), tuple(problems)


def _order_problems(rows: Sequence[Any], events: Sequence[Any]) -> list[str]:
    """Per lock key, events must run claimed, succeeded, claimed, ... in job id order."""
    key_of = {row.id: row.lock_key for row in rows if row.lock_key is not None}
    seen: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for job_id, kind in events:
        if job_id in key_of:
            seen[key_of[job_id]].append((job_id, kind))
    problems = []
    for key, got in seen.items():
        ids = sorted({job_id for job_id, _kind in got})
        want = [
            (job_id, kind)
            for job_id in ids
            for kind in (JobEventKind.CLAIMED, JobEventKind.SUCCEEDED)
        ]
        if got != want:
            problems.append(f"lock key {key}: jobs overlapped or ran out of order")
    return problems


def table(runs: list[Run], jobs: int, worker_count: int) -> str:
    """PostgreSQL and SQLite side by side, one row per prefetch and repeat."""
    backends = list(dict.fromkeys(run.backend for run in runs))
    by_row: dict[tuple[int, int], dict[str, Run]] = defaultdict(dict)
    repeat: Counter[tuple[str, int]] = Counter()
    for run in runs:
        repeat[run.backend, run.prefetch] += 1
        by_row[run.prefetch, repeat[run.backend, run.prefetch]][run.backend] = run
    head = f"{'prefetch':>8}" + "".join(
        f"  {BACKEND_NAMES[b] + ' jobs/s':>18} {'wall s':>7}" for b in backends
    )
    lines = [
        f"{jobs:,} no-op jobs (half over {LOCK_KEYS} lock keys) through {worker_count} "
        "`mdm worker --burst` processes; jobs/s from first start to last finish",
        head,
        "-" * len(head),
    ]
    for (prefetch, _n), cells in sorted(by_row.items()):
        line = f"{prefetch:>8}"
        for backend in backends:
            cell = cells.get(backend)
            line += f"  {cell.rate:>18,.0f} {cell.wall_seconds:>7.1f}" if cell else " " * 28
        lines.append(line)
    for backend in backends:
        first = next(run for run in runs if run.backend == backend)
        lines.append(f"claim plan on {BACKEND_NAMES[backend]}: {first.plan.summary()}")
    best = max((r.rate for r in runs if r.backend == "postgresql" and r.workers == 4), default=None)
    if best is not None:
        verdict = "met" if best >= TARGET_JOBS_PER_S else "MISSED"
        lines.append(f"target: >= {TARGET_JOBS_PER_S:,.0f} jobs/s on PostgreSQL with 4 workers: "
                     f"best {best:,.0f}, {verdict}")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, and fail when any run broke the queue's promises."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backend", choices=["both", "postgresql", "sqlite"], default="both")
    parser.add_argument("--prefetch", default="1,10", help="comma-separated prefetch values")
    parser.add_argument("--repeat", type=int, default=1, help="runs per backend and prefetch")
    args = parser.parse_args(argv)
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    runs = []
    for prefetch in (int(p) for p in args.prefetch.split(",")):
        for _ in range(args.repeat):
            for backend in backends:
                run = measure(backend, args.jobs, args.workers, prefetch)
                print(f"{backend} prefetch {prefetch}: {run.rate:,.0f} jobs/s, "
                      f"{run.wall_seconds:.1f} s wall", file=sys.stderr, flush=True)  # fmt: skip
                runs.append(run)
    print(table(runs, args.jobs, args.workers))
    broken = [(run, problem) for run in runs for problem in run.problems]
    for run, problem in broken:
        print(f"BROKEN {run.backend} prefetch {run.prefetch}: {problem}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
