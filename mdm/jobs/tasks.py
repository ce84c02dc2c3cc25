"""Tasks: named functions with a retry strategy and a lock key, kept in a registry.

A job names its task; a worker looks the name up here. Task modules register on import
(`@registry.task(name=...)`), and a worker imports the built-in ones plus any listed in
`MDM_JOBS_TASK_MODULES`.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mdm.jobs.context import JobContext

TaskFunction = Callable[..., None]
LockSpec = str | Callable[[Mapping[str, Any]], str | None] | None

# Modules whose tasks every worker can run; each registers into `registry` when imported.
BUILTIN_TASK_MODULES: tuple[str, ...] = (
    "mdm.webhooks.delivery",
    "mdm.sync.q2p",
    "mdm.sync.repoint",
    "mdm.sync.p2c",
    "mdm.sync.p2c_cash",
    "mdm.sync.p2c_batch",
    "mdm.sync.p2c_writeback",
)


class JobError(Exception):
    """Raised by a task to say how its failure should be treated."""


class RetryableError(JobError):
    """A transient failure (timeout, 429, 5xx): try again later, after `retry_after` if given."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(JobError):
    """A failure no retry can fix (400, 404, a rejected payload): dead-letter at once."""


@dataclass(frozen=True)
class RetryStrategy:
    """Exponential backoff with jitter, bounded by `max_attempts`.

    Attempt n (1-based) that fails waits base * 2^(n-1), capped at `max_delay_s`, of which the
    last `jitter` fraction is random, so retries of many jobs spread out instead of stampeding.
    A server's `Retry-After` wins when it asks for longer.
    """

    max_attempts: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 3600.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("max_attempts must be at least 1 and delays non-negative")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter is a fraction between 0 and 1")

    def delay(self, attempt: int, *, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before the attempt after `attempt`."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** max(attempt - 1, 0))
        backoff = ceiling * (1 - self.jitter * rng.random())
        return float(max(backoff, retry_after or 0.0))


@dataclass(frozen=True)
class Task:
    """A registered task: its function, how it retries, and which jobs it serialises."""

    name: str
    fn: TaskFunction
    retry: RetryStrategy = RetryStrategy()
    # A template over the job's args ("webhook:{subscription_id}") or a function of them.
    lock: LockSpec = None
    queue: str = "default"

    def lock_key(self, args: Mapping[str, Any]) -> str | None:
        """The lock key of a job of this task with these args (None: runs in parallel)."""
        if self.lock is None:
            return None
        if isinstance(self.lock, str):
            return self.lock.format(**args)
        return self.lock(args)

    def run(self, context: JobContext) -> None:
        """Run the task's function for one job."""
        self.fn(context, **context.job.args)


@dataclass
class TaskRegistry:
    """Task names to tasks; a job whose task is unknown to a worker is left for another."""

    tasks: dict[str, Task] = field(default_factory=dict)

    def task(
        self,
        *,
        name: str,
        retry: RetryStrategy | None = None,
        lock: LockSpec = None,
        queue: str = "default",
    ) -> Callable[[TaskFunction], TaskFunction]:
        """Decorator: register `fn` under `name`."""

        def register(fn: TaskFunction) -> TaskFunction:
            self.add(Task(name, fn, retry or RetryStrategy(), lock, queue))
            return fn

        return register

    def add(self, task: Task) -> None:
        """Register a task; a second task under the same name is a programming error."""
        known = self.tasks.get(task.name)
        if known is not None and known.fn is not task.fn:
            raise ValueError(f"task {task.name!r} is registered twice")
        self.tasks[task.name] = task

    def get(self, name: str) -> Task | None:
        """The task called `name`, if this process knows it."""
        return self.tasks.get(name)

    def names(self) -> list[str]:
        """Every registered task name, sorted."""
        return sorted(self.tasks)


registry = TaskRegistry()


def load_task_modules(extra: Iterable[str] = ()) -> TaskRegistry:
    """Import the built-in task modules and `extra` ones; return the registry they filled."""
    for module in (*BUILTIN_TASK_MODULES, *extra):
        importlib.import_module(module)
    return registry
