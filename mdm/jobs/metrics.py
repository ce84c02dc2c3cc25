"""Job queue metrics: depth read from the database at scrape time, and a worker's own outcomes.

Depth (`mdm_jobs{status}`, `mdm_job_oldest_due_seconds`) is the same whichever process is
scraped, so the hub's `/metrics` reports it. Durations, queue delays, retries and dead letters
are counted by the worker that saw them (`JobMetrics`, the worker's observer): the embedded
worker counts into the app's registry, an `mdm worker --metrics-port` process into its own.
"""

from __future__ import annotations

import logging
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlmodel import Session

from mdm.jobs import queries
from mdm.jobs.context import JobRecord
from mdm.jobs.models import JobStatus

log = logging.getLogger("mdm.jobs.metrics")

# From a quick local write to a slow remote API called with a 30 s timeout, retries included.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# From a job claimed on the next poll to a backlog of hours.
DELAY_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


def queue_families(session: Session, now: datetime) -> list[GaugeMetricFamily]:
    """`mdm_jobs{status}` and `mdm_job_oldest_due_seconds`, counted now."""
    depth = GaugeMetricFamily(
        "mdm_jobs",
        "Jobs by status (todo and doing: queue depth; dead: letters).",
        labels=["status"],
    )
    for status, count in queries.status_counts(session).items():
        depth.add_metric([status], count)
    oldest = GaugeMetricFamily(
        "mdm_job_oldest_due_seconds",
        "How long the longest-waiting due job has waited past its run_at (0: none waiting).",
        queries.oldest_due_seconds(session, now),
    )
    return [depth, oldest]


class JobMetrics:
    """A worker's observer: each job's duration and queue delay, its retries and dead letters."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.duration = Histogram(
            "mdm_job_duration_seconds",
            "Time a worker spent running a job attempt, by task and outcome.",
            ["task", "outcome"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.queue_delay = Histogram(
            "mdm_job_queue_delay_seconds",
            "Time from a job attempt being due (run_at) to a worker claiming it.",
            buckets=DELAY_BUCKETS,
            registry=registry,
        )
        self.retries = Counter(
            "mdm_job_retries",
            "Job attempts that failed and were scheduled again, by task.",
            ["task"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "mdm_job_dead_letters",
            "Jobs that ran out of attempts or failed for good, by task.",
            ["task"],
            registry=registry,
        )

    def finished(self, job: JobRecord, outcome: str, seconds: float) -> None:
        """Count one finished attempt (called by the worker; never raises)."""
        try:
            self.duration.labels(job.task, outcome).observe(seconds)
            if job.started_at is not None:
                delay = (job.started_at - job.run_at).total_seconds()
                self.queue_delay.observe(max(delay, 0.0))
            if outcome == "retried":
                self.retries.labels(job.task).inc()
            elif outcome == JobStatus.DEAD:
                self.dead_letters.labels(job.task).inc()
        except Exception:  # metrics must never fail a job
            log.exception("could not record job metrics")
