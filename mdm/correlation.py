"""The correlation id that follows a request or job through every log line and downstream call."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Correlation-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def new_id() -> str:
    """A fresh correlation id."""
    return uuid.uuid4().hex


def accept(candidate: str | None) -> str:
    """Keep a caller's id if it is safe to log and forward, else make a new one."""
    if candidate and _VALID.match(candidate):
        return candidate
    return new_id()


def get() -> str | None:
    """The id of the request or job being handled, if any."""
    return _current.get()


def set_current(value: str | None) -> None:
    """Bind the id to the current context (a request task or a job run)."""
    _current.set(value)
