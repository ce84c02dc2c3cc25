"""The demo's faults: every remote call fails with probability exactly F, the kind drawn among
those that apply to it, and the change feeds duplicate, reorder and delay events.

The sandboxes' own rate table (`PUT /_sandbox/faults/rates`) draws each kind independently,
and the write-only kinds skip reads, so no single table gives reads and writes the same total
probability. The demo runs the sandboxes in its own process, so it gives each one a plan that
draws once per call instead; `DELETE /_sandbox/faults` still turns it off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from mdm.connectors.config import Role
from mdm.connectors.registry import ROLES
from mdm.sandbox.faults import FaultKind, FaultPlan, FaultSpec
from mdm.sandbox.feed import FeedFaults
from mdm.sync.demo_setup import Systems, Tuning

# Every kind a real integration meets; the write-only ones are drawn for writes only.
KINDS = tuple(FaultKind)
WRITE_ONLY = (
    FaultKind.COMMIT_THEN_TIMEOUT,
    FaultKind.FAIL_BEFORE_COMMIT,
    FaultKind.PARTIAL_BATCH_FAILURE,
)
HANGS = (FaultKind.COMMIT_THEN_TIMEOUT,)


@dataclass
class SpreadFaults(FaultPlan):
    """A fault on a call with probability `probability`, its kind uniform among those that
    apply (the scheduled faults and the fault header still come first, as in `FaultPlan`)."""

    probability: float = 0.0
    hang_seconds: float = 0.6
    slow_seconds: float = 0.2
    kinds: tuple[FaultKind, ...] = field(default=KINDS)

    def reseed(self, seed: int) -> None:
        """Start the draws again from `seed`."""
        with self._lock:
            self._rng.seed(seed)

    def clear(self) -> None:
        """No faults at all, this plan's included."""
        super().clear()
        with self._lock:
            self.probability = 0.0

    def _draw(self, method: str) -> FaultSpec | None:
        if self.probability <= 0 or self._rng.random() >= self.probability:
            return None
        reading = method.upper() == "GET"
        kinds = [k for k in self.kinds if not (reading and k in WRITE_ONLY)]
        kind = self._rng.choice(kinds)
        delay = self.hang_seconds if kind in HANGS else self.slow_seconds
        return FaultSpec(kind=kind, delay_seconds=delay, retry_after_seconds=1)


def apply_faults(systems: Systems, rate: float, seed: int, tuning: Tuning) -> None:
    """Fault every sandbox's calls at `rate` and its change feed at the same rates (seeded)."""
    for offset, role in enumerate(ROLES):
        sandbox = systems.sandbox(role)
        plan = SpreadFaults(
            probability=rate, hang_seconds=tuning.hang_seconds, slow_seconds=tuning.slow_seconds
        )
        plan.reseed(seed * 10 + offset)
        sandbox.faults = plan
        feed = FeedFaults(
            duplicate_rate=rate, reorder_rate=rate, late_rate=rate / 3, seed=seed * 10 + offset
        )
        _admin(systems, role, "PUT", "/feed/faults", feed.model_dump())


def clear_faults(systems: Systems) -> None:
    """Every sandbox answers faithfully again (calls and feed)."""
    for role in ROLES:
        _admin(systems, role, "DELETE", "/faults")
        _admin(systems, role, "PUT", "/feed/faults", FeedFaults().model_dump())


def _admin(systems: Systems, role: Role, method: str, path: str, body: object = None) -> None:
    url = f"{systems.urls[role]}/_sandbox{path}"
    response = httpx.request(method, url, json=body, timeout=10)
    response.raise_for_status()
