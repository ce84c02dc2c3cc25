"""Tasks for worker tests that run in other processes (`MDM_JOBS_TASK_MODULES`) or threads.

They register into the global task registry on import, as a feature's task module does.
"""

from __future__ import annotations

import time
from pathlib import Path

from mdm.jobs.context import JobContext
from mdm.jobs.tasks import RetryableError, RetryStrategy, registry

WAIT_FOR_GO = "tests.wait_for_go"
TOUCH = "tests.touch"
ALWAYS_FAILS = "tests.always_fails"


@registry.task(name=WAIT_FOR_GO, retry=RetryStrategy(max_attempts=1))
def wait_for_go(ctx: JobContext, folder: str, timeout_s: float = 120.0) -> None:
    """Say `started-<id>`, wait until a `go` file appears, then say `done-<id>`.

    The test decides when the job ends, so "mid-job" is a fact, not a guess about timing.
    """
    where = Path(folder)
    (where / f"started-{ctx.job.id}").touch()
    deadline = time.monotonic() + timeout_s
    while not (where / "go").exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the test never said go")
        time.sleep(0.02)
    (where / f"done-{ctx.job.id}").touch()


@registry.task(name=TOUCH, retry=RetryStrategy(max_attempts=1))
def touch(ctx: JobContext, path: str) -> None:
    """Create the file at `path` (an effect the test can see)."""
    Path(path).touch()


@registry.task(name=ALWAYS_FAILS, retry=RetryStrategy(max_attempts=2, base_delay_s=0))
def always_fails(ctx: JobContext, n: int) -> None:
    """Fail retryably every time: one retry, then a dead letter."""
    raise RetryableError(f"job {n} fails on attempt {ctx.attempt}", retry_after=0)
