"""The hub's one clock, so tests and replays can reason about time in one place."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now, in UTC."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """The same instant with its UTC offset (SQLite hands timestamps back without one)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
