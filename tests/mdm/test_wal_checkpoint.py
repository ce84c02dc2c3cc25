"""Background checkpoints of the embedded database's write-ahead log."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from mdm.db import create_db_engine, session_scope
from mdm.settings import Settings
from mdm.wal_checkpoint import BACKSTOP_PAGES, Checkpointer, checkpointer_of


def _engine(url: str) -> Engine:
    return create_db_engine(Settings(database_url=url, _env_file=None))


@pytest.fixture
def file_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = _engine(f"sqlite:///{tmp_path / 'hub.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)"))
    yield engine
    engine.dispose()


def _eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()


def _in_database_file(path: Path) -> list[str]:
    """Rows as the database file alone holds them (immutable: the log is not read)."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return [name for (name,) in connection.execute("SELECT name FROM item ORDER BY id")]
    finally:
        connection.close()


def test_a_commit_is_copied_into_the_database_file_by_the_thread(
    file_engine: Engine, tmp_path: Path
) -> None:
    checkpointer = checkpointer_of(file_engine)
    assert checkpointer is not None
    before = checkpointer.checkpoints
    with session_scope(file_engine, write=True) as session:
        session.execute(text("INSERT INTO item (name) VALUES ('acme')"))

    assert _eventually(lambda: checkpointer.checkpoints > before)
    assert _in_database_file(tmp_path / "hub.db") == ["acme"]


def test_writers_copy_the_log_themselves_only_past_the_backstop(file_engine: Engine) -> None:
    with file_engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pages == BACKSTOP_PAGES


def test_reading_starts_no_thread(file_engine: Engine) -> None:
    checkpointer = checkpointer_of(file_engine)
    assert checkpointer is not None
    checkpointer.stop()
    with session_scope(file_engine) as session:
        assert session.execute(text("SELECT count(*) FROM item")).scalar() == 0
    assert not checkpointer.running


def test_disposing_of_the_engine_stops_the_thread(file_engine: Engine) -> None:
    checkpointer = checkpointer_of(file_engine)
    assert checkpointer is not None
    with session_scope(file_engine, write=True) as session:
        session.execute(text("INSERT INTO item (name) VALUES ('acme')"))
    assert checkpointer.running

    file_engine.dispose()

    assert not checkpointer.running


def test_an_idle_thread_stops_and_the_next_commit_starts_another(tmp_path: Path) -> None:
    path = tmp_path / "idle.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")  # only the thread copies
    connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
    checkpointer = Checkpointer(str(path), busy_ms=1000, idle_seconds=0.05)
    try:
        checkpointer.committed()
        assert _eventually(lambda: not checkpointer.running)
        connection.execute("INSERT INTO item (name) VALUES ('acme')")

        checkpointer.committed()

        assert _eventually(lambda: _in_database_file(path) == ["acme"])
    finally:
        checkpointer.stop()
        connection.close()


def test_a_database_in_memory_has_no_checkpointer() -> None:
    engine = _engine("sqlite://")
    try:
        assert checkpointer_of(engine) is None
    finally:
        engine.dispose()


def test_a_file_that_cannot_be_opened_leaves_the_writers_backstop(tmp_path: Path) -> None:
    checkpointer = Checkpointer(str(tmp_path / "gone" / "hub.db"), busy_ms=10)

    checkpointer.committed()
    assert _eventually(lambda: not checkpointer.running)
    checkpointer.committed()  # no thread a commit: the file is left to the writers

    assert not checkpointer.running
    assert checkpointer.checkpoints == 0
