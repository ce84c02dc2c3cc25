"""Deterministic crash injection at the named step boundaries of running a job.

Crash-safety tests and the crash campaign start workers with `MDM_JOBS_CRASH_AT=<step>[:n]`:
the worker kills itself with SIGKILL the n-th time (default first) it reaches that step, as a
power cut or an OOM kill would, with no chance to clean up. Never set it in production.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

STEPS = ("after_claim", "before_effect", "after_effect", "during_ack")


def kill_self(_step: str) -> None:
    """Die at once, the way `kill -9` does: no finally blocks, no rollback, no goodbye."""
    os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class CrashPoints:
    """Where to crash (a step and which occurrence of it), and how."""

    step: str | None = None
    nth: int = 1
    action: Callable[[str], None] = kill_self
    hits: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.step is not None and self.step not in STEPS:
            raise ValueError(f"crash step {self.step!r} is not one of {', '.join(STEPS)}")
        if self.nth < 1:
            raise ValueError("the crash occurrence counts from 1")

    @classmethod
    def parse(cls, spec: str | None, action: Callable[[str], None] = kill_self) -> CrashPoints:
        """`after_effect` or `after_effect:3`; None or empty for no crash."""
        if not spec:
            return cls(action=action)
        step, _, nth = spec.partition(":")
        if nth and not nth.isdigit():
            raise ValueError(f"crash spec {spec!r}: the occurrence after ':' is a number")
        return cls(step, int(nth or 1), action)

    def hit(self, step: str) -> None:
        """Called by the worker at each step boundary."""
        if step != self.step:
            return
        self.hits += 1
        if self.hits == self.nth:
            self.action(step)
