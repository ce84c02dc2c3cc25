"""Fault injection: the failures real integrations meet, on request or by rate.

A fault is chosen per request from, in order: the `X-Sandbox-Fault` request header, the
one-shot faults scheduled through `POST /_sandbox/faults` (matched by method and path prefix),
then the configured rates (seeded, so a run can be repeated).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, Field


class FaultKind(StrEnum):
    """What can go wrong with one request."""

    COMMIT_THEN_TIMEOUT = "commit_then_timeout"  # stored, then the answer never comes in time
    FAIL_BEFORE_COMMIT = "fail_before_commit"  # 500, nothing stored
    THROTTLE = "throttle"  # the vendor's throttle answer, with Retry-After where it sends one
    THROTTLE_NO_RETRY_AFTER = "throttle_no_retry_after"  # 429 and no hint (Kantata's way)
    HTTP_5XX = "http_5xx"  # 503, nothing stored
    SLOW = "slow"  # answered correctly, late
    PARTIAL_BATCH_FAILURE = "partial_batch_failure"  # some items of a batch refused


class FaultSpec(BaseModel):
    """One scheduled fault: which requests it hits, how many times, and its parameters."""

    kind: FaultKind
    method: str | None = Field(default=None, description="Only this HTTP method (any if null).")
    path: str | None = Field(default=None, description="Only paths starting with this.")
    times: int = Field(default=1, ge=1, le=10_000)
    delay_seconds: float = Field(default=2.0, ge=0, le=600, description="Hang or slowness.")
    retry_after_seconds: int = Field(default=1, ge=0, le=3600)

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        method_ok = self.method is None or self.method.upper() == method.upper()
        return method_ok and (self.path is None or path.startswith(self.path))


class FaultRates(BaseModel):
    """Faults drawn at random per request (writes only for the write-side kinds)."""

    rates: dict[FaultKind, float] = Field(default_factory=dict)
    seed: int = 0
    delay_seconds: float = Field(default=2.0, ge=0, le=600)
    retry_after_seconds: int = Field(default=1, ge=0, le=3600)


@dataclass
class FaultPlan:
    """The faults in force for one sandbox; thread-safe (requests run on many threads)."""

    scheduled: list[FaultSpec] = field(default_factory=list)
    rates: FaultRates = field(default_factory=FaultRates)
    _rng: random.Random = field(default_factory=lambda: random.Random(0))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def schedule(self, spec: FaultSpec) -> None:
        """Add a one-shot (or n-shot) fault."""
        with self._lock:
            self.scheduled.append(spec)

    def set_rates(self, rates: FaultRates) -> None:
        """Replace the random faults (and reseed)."""
        with self._lock:
            self.rates = rates
            self._rng = random.Random(rates.seed)

    def clear(self) -> None:
        """No faults at all."""
        with self._lock:
            self.scheduled.clear()
            self.rates = FaultRates()
            self._rng = random.Random(0)

    def pick(self, method: str, path: str, header: str | None) -> FaultSpec | None:
        """The fault for this request, if any (consuming a scheduled one)."""
        if header:
            return FaultSpec(kind=FaultKind(header))
        with self._lock:
            for spec in self.scheduled:
                if spec.matches(method, path):
                    spec.times -= 1
                    if spec.times == 0:
                        self.scheduled.remove(spec)
                    return spec.model_copy(update={"times": 1})
            return self._draw(method)

    def _draw(self, method: str) -> FaultSpec | None:
        for kind, rate in self.rates.rates.items():
            if _write_only(kind) and method.upper() == "GET":
                continue
            if self._rng.random() < rate:
                return FaultSpec(
                    kind=kind,
                    delay_seconds=self.rates.delay_seconds,
                    retry_after_seconds=self.rates.retry_after_seconds,
                )
        return None


def _write_only(kind: FaultKind) -> bool:
    return kind in (
        FaultKind.COMMIT_THEN_TIMEOUT,
        FaultKind.FAIL_BEFORE_COMMIT,
        FaultKind.PARTIAL_BATCH_FAILURE,
    )
