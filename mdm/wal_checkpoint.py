"""Copy the embedded database's write-ahead log into the database file on a background thread.

With SQLite's default, the writer whose commit takes the log past 1,000 pages copies every
page the log holds back into the database file, and syncs it, before its commit returns.
Resolve on ingest dirties thousands of pages a batch, so every batch paid for that copy: a
tenth of its time. Here a thread with its own connection makes the copy (a PASSIVE
checkpoint, which never waits for readers or writers) once a unit of work has been returned
to the pool, while the next one runs: SQLite lets go of Python's GIL while it copies, so the
copy runs on another core. The writers keep an automatic checkpoint only as a backstop, at
`BACKSTOP_PAGES`, for a thread that falls behind or a process that writes without one.

The thread starts at the first commit and stops after `IDLE_SECONDS` without one (or when the
engine is disposed of), so an idle hub holds no thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

# The log a writer lets grow before copying it itself (4 KiB pages: about 80 MB). Above a
# batch's pages, so that the thread, not the next writer, copies each batch.
BACKSTOP_PAGES = 20_000
IDLE_SECONDS = 30.0
# what a pooled connection had changed when last returned (`sqlite3.Connection.total_changes`)
_SEEN = "mdm_total_changes"
_ATTACHED: WeakKeyDictionary[Engine, Checkpointer] = WeakKeyDictionary()


class Checkpointer:
    """One database file's background checkpoints."""

    def __init__(self, path: str, busy_ms: int, idle_seconds: float = IDLE_SECONDS) -> None:
        self._path = path
        self._busy_ms = busy_ms
        self._idle = idle_seconds
        self._wake = threading.Event()
        self._guard = threading.Lock()  # guards _thread, _stopping and _off
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._off = False  # the file could not be opened: the writers' backstop copies alone
        self.checkpoints = 0  # completed, for tests and diagnostics

    @property
    def running(self) -> bool:
        """Whether a checkpoint thread is alive."""
        with self._guard:
            return self._thread is not None

    def committed(self) -> None:
        """Something was written: copy the log into the database file soon."""
        with self._guard:
            if self._off:
                return
            if self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(
                    target=self._run, name="sqlite-checkpoint", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread (a later commit starts another) once its copy in hand is done."""
        with self._guard:
            thread, self._stopping = self._thread, True
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(
                self._path, timeout=self._busy_ms / 1000, isolation_level=None
            )
        except sqlite3.Error as exc:  # the writers' backstop still copies the log
            log.warning("background checkpoints off for %s: %s", self._path, exc)
            with self._guard:
                self._thread, self._off = None, True
            return
        try:
            while self._next():
                self._checkpoint(connection)
        finally:
            connection.close()

    def _next(self) -> bool:
        """Wait for a commit; False (and the thread forgotten) when stopped or idle too long."""
        woken = self._wake.wait(self._idle)
        with self._guard:
            if self._stopping or not (woken or self._wake.is_set()):
                self._thread = None
                return False
            self._wake.clear()
            return True

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.Error as exc:  # e.g. the file went away; the next commit tries again
            log.debug("background checkpoint of %s failed: %s", self._path, exc)


def attach(engine: Engine, path: str, busy_ms: int) -> Checkpointer:
    """Checkpoint `path` in the background whenever one of `engine`'s connections wrote."""
    checkpointer = Checkpointer(path, busy_ms)

    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is None:  # invalidated: nothing to read
            return
        changes = dbapi_connection.total_changes
        if changes > record.info.get(_SEEN, 0):
            record.info[_SEEN] = changes
            checkpointer.committed()

    event.listen(engine, "checkin", _on_checkin)
    event.listen(engine, "engine_disposed", lambda _engine: checkpointer.stop())
    weakref.finalize(engine, checkpointer.stop)
    _ATTACHED[engine] = checkpointer
    return checkpointer


def checkpointer_of(engine: Engine) -> Checkpointer | None:
    """The background checkpointer of an engine, if its database is a file."""
    return _ATTACHED.get(engine)
