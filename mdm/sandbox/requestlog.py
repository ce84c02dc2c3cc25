"""Every request a sandbox saw: method, path, the correlation headers, the fault, the status."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# The headers integrations use to correlate and deduplicate; recorded so tests can assert them.
TRACKED_HEADERS = (
    "x-correlation-id",
    "idempotency-key",
    "traceparent",
    "sforce-call-options",
    "x-netsuite-idempotency-key",
    "prefer",
)


@dataclass
class RequestLog:
    """The last `capacity` requests, oldest first."""

    capacity: int = 10_000
    _entries: deque[dict[str, Any]] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self, method: str, path: str, headers: dict[str, str], fault: str | None, status: int
    ) -> None:
        """Record one request."""
        entry = {
            "at": datetime.now(UTC).isoformat(),
            "method": method,
            "path": path,
            "headers": {k: headers[k] for k in TRACKED_HEADERS if k in headers},
            "fault": fault,
            "status": status,
        }
        with self._lock:
            self._entries.append(entry)
            while len(self._entries) > self.capacity:
                self._entries.popleft()

    def entries(self) -> list[dict[str, Any]]:
        """A copy of the log."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Start a fresh log."""
        with self._lock:
            self._entries.clear()
