"""Writers to one embedded database file queue on an OS lock and go the moment it is free.

SQLite lets one writer in at a time; the others retry through its busy handler, which sleeps
between tries, longer the longer it has waited (100 ms a try after the first quarter second).
Two processes writing in turn thus lost up to 100 ms at each hand-over. Here a writer (BEGIN
IMMEDIATE, see `session_scope(write=True)`) first takes an exclusive `flock` on a file beside
the database, tried every millisecond, and lets go when its connection goes back to the pool,
after its COMMIT or ROLLBACK. SQLite's lock still decides who writes: the flock only orders
the queue. A writer that waited the whole busy timeout for it goes on to SQLite's lock anyway,
which then fails as it always would.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

_HELD = "mdm_writer_lock"  # the locked file's descriptor, in the connection record's info
POLL_SECONDS = 0.001


def attach(engine: Engine, database_path: str, busy_ms: int) -> None:
    """Queue `engine`'s writers on `<database>-writer.lock` before they take SQLite's lock."""
    path = f"{database_path}-writer.lock"

    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("sqlite_begin") != "IMMEDIATE":
            return
        if _HELD not in connection.info:
            descriptor = _take(path, busy_ms / 1000)
            if descriptor is not None:
                connection.info[_HELD] = descriptor

    def _on_done(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)

    # inserted first: the lock is taken before the listener that sends BEGIN IMMEDIATE
    event.listen(engine, "begin", _on_begin, insert=True)
    for done in ("checkin", "close"):  # back in the pool after COMMIT/ROLLBACK, or closed
        event.listen(engine, done, _on_done)


def _take(path: str, timeout: float) -> int | None:
    """An open descriptor of `path` holding its exclusive lock; None when it could not be had
    within `timeout` or the file cannot be opened (SQLite's own lock then decides alone)."""
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        log.debug("no writer queue for %s: %s", path, exc)
        return None
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return descriptor
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(descriptor)
                return None
            time.sleep(POLL_SECONDS)


def _release(info: dict[str, Any]) -> None:
    descriptor = info.pop(_HELD, None)
    if descriptor is not None:
        os.close(descriptor)  # closing the last descriptor of the open file lets go of the lock
