"""The hub's one clock, so tests and replays can reason about time in one place."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now, in UTC."""
    return datetime.now(UTC)
