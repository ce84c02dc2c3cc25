"""Sink tasks: the jobs of the crash-safety tests and the crash campaign.

Worker processes load this module (`MDM_JOBS_TASK_MODULES='["tests.support.job_sink"]'`):
- `sink.effect` delivers item `{key}/{n}` to the sink file named in its args, under the job's
  idempotency key. Jobs of one `key` share a lock key, so they run one at a time, in order.
- `sink.poison` arrives at the sink, then kills its worker with SIGKILL, on every attempt.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from mdm.jobs.context import JobContext
from mdm.jobs.tasks import RetryStrategy, registry
from tests.support.sink_store import (
    EFFECT_ATTEMPTS,
    EFFECT_LOCK,
    EFFECT_TASK,
    POISON_ATTEMPTS,
    POISON_TASK,
    deliver,
)


@registry.task(
    name=EFFECT_TASK,
    retry=RetryStrategy(max_attempts=EFFECT_ATTEMPTS, base_delay_s=0.0),
    lock=EFFECT_LOCK,
)
def effect(ctx: JobContext, sink: str, key: str, n: int) -> None:
    """Deliver item `{key}/{n}` to the sink, carrying the job's idempotency key."""
    deliver(Path(sink), ctx.idempotency_key, f"{key}/{n}", ctx.job.id, ctx.attempt)


@registry.task(name=POISON_TASK, retry=RetryStrategy(max_attempts=POISON_ATTEMPTS))
def poison(ctx: JobContext, sink: str, n: int) -> None:
    """Arrive at the sink, then die like an out-of-memory kill, every single time."""
    deliver(Path(sink), ctx.idempotency_key, f"poison/{n}", ctx.job.id, ctx.attempt)
    os.kill(os.getpid(), signal.SIGKILL)
