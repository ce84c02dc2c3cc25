"""Crash campaign: hundreds of `mdm worker` processes killed by SIGKILL, and not a job lost.

Run on demand:
`.venv/bin/python -m tests.benchmarks.jobs_crash [--backend sqlite|postgresql] [--kills 200]
[--workers 4] [--jobs 2000] [--keys 50] [--seed 7]`.

It enqueues sink jobs over some lock keys on a throwaway database, then keeps W workers
running, each started with a random crash step and occurrence (`MDM_JOBS_CRASH_AT=step:n`,
seeded), restarting them as they die, until the kills reach the target; clean workers then
drain the queue. The table shows the kills per step, and what the queue and the idempotent
sink hold: lost jobs (enqueued but neither succeeded nor dead), duplicate records at the sink,
and the jobs delivered more than once (the redelivery the crashes caused). Exits 1 when a job
was lost or an effect doubled.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from mdm import migrate
from mdm.db import create_db_engine
from mdm.jobs import store
from mdm.jobs.hooks import STEPS
from mdm.jobs.models import JobStatus
from mdm.settings import Settings
from tests.support.crash_workers import (
    enqueue_sink_jobs,
    queue_state,
    start_worker,
    worker_log,
)
from tests.support.databases import throwaway_database
from tests.support.sink_store import create_sink, read_sink

# Occurrences drawn from 1..MAX_NTH: a worker runs a few jobs before it dies, so kills fall on
# fresh jobs as well as on the ones an earlier kill stranded.
MAX_NTH = 8
WORKER_TIMEOUT_S = 600.0


@dataclass
class Campaign:
    """The running campaign: its database, sink, workers and tallies."""

    url: str
    engine: Engine
    workdir: Path
    sink: Path
    keys: list[str]
    rng: random.Random
    enqueued: int = 0
    batches: int = 0
    kills: Counter[str] = field(default_factory=Counter)
    clean_exits: int = 0
    started: int = 0
    running: dict[str, tuple[subprocess.Popen[bytes], float]] = field(default_factory=dict)

    def enqueue(self, per_key: int) -> None:
        """Another batch of jobs for every key."""
        start = self.batches * per_key
        self.enqueued += enqueue_sink_jobs(self.engine, self.sink, self.keys, per_key, start=start)
        self.batches += 1

    def start(self, crash: bool) -> None:
        """One more worker: a crashing one (random step and occurrence) or a clean one."""
        self.started += 1
        crash_at = None
        if crash:
            crash_at = f"{self.rng.choice(STEPS)}:{self.rng.randint(1, MAX_NTH)}"
        name = f"w{self.started:04d}-{(crash_at or 'clean').replace(':', '-')}"
        process = start_worker(self.url, self.workdir, name, crash_at=crash_at)
        self.running[name] = (process, time.monotonic())

    def reap(self) -> None:
        """Count the workers that ended: killed at their step, or done (the queue ran dry)."""
        for name, (process, since) in list(self.running.items()):
            code = process.poll()
            if code is None:
                if time.monotonic() - since > WORKER_TIMEOUT_S:
                    process.kill()
                    process.wait()
                    raise SystemExit(f"{name} hung:\n{worker_log(self.workdir, name)}")
                continue
            del self.running[name]
            if code == -signal.SIGKILL:
                self.kills[name.split("-")[1]] += 1
            elif code == 0:
                self.clean_exits += 1
            else:
                raise SystemExit(f"{name} exited {code}:\n{worker_log(self.workdir, name)}")

    def open_jobs(self) -> int:
        """Jobs still to run or running."""
        with self.engine.connect() as connection:
            query = select(func.count()).where(
                store.JOB.c.status.in_([JobStatus.TODO, JobStatus.DOING])
            )
            return int(connection.execute(query).scalar_one())


def run(args: argparse.Namespace, url: str, workdir: Path) -> int:
    """Run the campaign on `url`; returns the exit code."""
    engine = create_db_engine(Settings(database_url=url, _env_file=None))
    migrate.upgrade(engine)
    keys = [f"k{i:03d}" for i in range(args.keys)]
    per_key = max(1, args.jobs // args.keys)
    campaign = Campaign(url, engine, workdir, create_sink(workdir / "sink.db"), keys,
                        random.Random(args.seed))  # fmt: skip
    campaign.enqueue(per_key)
    began = time.monotonic()
    try:
        _crash_phase(campaign, args, per_key)
        drained_at = time.monotonic()
        for _ in range(args.workers):
            campaign.start(crash=False)
        while campaign.running:
            campaign.reap()
            time.sleep(0.1)
        wall = time.monotonic() - began
        return _report(campaign, args, wall, time.monotonic() - drained_at)
    finally:
        for process, _since in campaign.running.values():
            process.kill()
            process.wait()
        engine.dispose()


def _crash_phase(campaign: Campaign, args: argparse.Namespace, per_key: int) -> None:
    last_check = 0.0
    while sum(campaign.kills.values()) < args.kills:
        campaign.reap()
        while len(campaign.running) < args.workers:
            campaign.start(crash=True)
        if time.monotonic() - last_check > 2.0:
            last_check = time.monotonic()
            # Keep work in hand so every crashing worker reaches its step.
            if campaign.open_jobs() < args.workers * MAX_NTH * 2:
                campaign.enqueue(per_key)
            print(f"  kills {sum(campaign.kills.values())}/{args.kills}", file=sys.stderr)
        time.sleep(0.05)
    # The last crashing workers either die at their step or finish the queue.
    while campaign.running:
        campaign.reap()
        time.sleep(0.05)


def _report(campaign: Campaign, args: argparse.Namespace, wall: float, drain: float) -> int:
    jobs = queue_state(campaign.engine)
    sink = read_sink(campaign.sink)
    statuses = Counter(job.status for job in jobs)
    succeeded, dead = statuses[JobStatus.SUCCEEDED], statuses[JobStatus.DEAD]
    lost = campaign.enqueued - succeeded - dead
    missing = sum(
        1
        for job in jobs
        if job.status == JobStatus.SUCCEEDED and job.idempotency_key not in sink.effects
    )
    duplicates = sink.duplicate_effects()
    rows = [
        *((f"kills at {step}", str(campaign.kills[step])) for step in STEPS),
        ("kills in all", str(sum(campaign.kills.values()))),
        ("workers started (crashing + clean)", str(campaign.started)),
        ("crashing workers that found the queue empty", str(campaign.clean_exits - args.workers)),
        ("jobs enqueued", str(campaign.enqueued)),
        ("succeeded", str(succeeded)),
        ("dead", str(dead)),
        ("lost (enqueued minus succeeded and dead)", str(lost)),
        ("succeeded without a record at the sink", str(missing)),
        ("duplicate records at the sink", str(duplicates)),
        ("jobs delivered more than once", str(len(sink.redelivered()))),
        ("deliveries in all", str(sum(sink.deliveries.values()))),
        ("lease expiries (a job stranded by each kill)", str(sum(j.lease_expiries for j in jobs))),
        ("jobs stranded at least once", str(sum(j.lease_expiries > 0 for j in jobs))),
        ("most attempts of one job", str(max((j.attempts for j in jobs), default=0))),
        ("per-key order violations at the sink", str(sink.order_violations())),
        ("wall time, s (clean drain)", f"{wall:.1f} ({drain:.1f})"),
    ]
    width = max(len(label) for label, _value in rows)
    print(f"crash campaign on {args.backend}: {args.workers} workers, seed {args.seed}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>12}")
    return 1 if lost or missing or duplicates or sink.order_violations() else 0


def main() -> None:
    """Parse the options, run the campaign on a throwaway database, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--keys", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mdm-crash-") as tmp:
        workdir = Path(tmp)
        with throwaway_database(args.backend, workdir) as url:
            code = run(args, url, workdir)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
