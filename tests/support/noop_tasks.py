"""`bench.noop`: a task that does nothing, to measure the queue itself (the throughput harness).

Workers load it with `MDM_JOBS_TASK_MODULES='["tests.support.noop_tasks"]'`. A job's optional
`lock` argument is its lock key, so the harness can mix free jobs and jobs serialised per key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mdm.jobs.context import JobContext
from mdm.jobs.tasks import RetryStrategy, registry

NAME = "bench.noop"


def lock_of(args: Mapping[str, Any]) -> str | None:
    """The job's lock key: its `lock` argument, when it has one."""
    lock = args.get("lock")
    return None if lock is None else f"bench:{lock}"


@registry.task(name=NAME, retry=RetryStrategy(max_attempts=3, base_delay_s=0), lock=lock_of)
def noop(_ctx: JobContext, **_args: Any) -> None:
    """Nothing: the job's whole cost is the queue's."""
    return None
