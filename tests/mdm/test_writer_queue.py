"""Writers to the embedded database queue on a file lock beside it."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from mdm.db import create_db_engine, session_scope
from mdm.settings import Settings


def _engine(path: Path, busy_ms: int = 30_000) -> Engine:
    settings = Settings(
        database_url=f"sqlite:///{path}", sqlite_busy_timeout_ms=busy_ms, _env_file=None
    )
    return create_db_engine(settings)


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    path = tmp_path / "hub.db"
    engine = _engine(path)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)"))
    engine.dispose()
    return path


def _queue_is_free(path: Path) -> bool:
    """Whether another open file could take the writers' lock now (and let it go at once)."""
    descriptor = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


def test_a_writer_holds_the_queue_until_it_commits_or_rolls_back(hub: Path) -> None:
    engine = _engine(hub)
    with session_scope(engine, write=True) as session:
        session.execute(text("INSERT INTO item (name) VALUES ('acme')"))
        assert not _queue_is_free(hub)
    assert _queue_is_free(hub)

    with pytest.raises(RuntimeError):
        _fail_while_writing(engine)
    assert _queue_is_free(hub)
    engine.dispose()


def _fail_while_writing(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        session.execute(text("INSERT INTO item (name) VALUES ('globex')"))
        raise RuntimeError("the unit of work fails")


def test_a_reader_does_not_queue(hub: Path) -> None:
    engine = _engine(hub)
    with session_scope(engine) as session:
        assert session.execute(text("SELECT count(*) FROM item")).scalar_one() == 0
        assert _queue_is_free(hub)
    engine.dispose()


def test_the_second_writer_goes_once_the_first_has_committed(hub: Path) -> None:
    first, second = _engine(hub), _engine(hub)
    order: list[str] = []
    waiting = threading.Event()

    def write_second() -> None:
        waiting.set()
        with session_scope(second, write=True) as session:
            session.execute(text("INSERT INTO item (name) VALUES ('second')"))
            order.append("second")

    with session_scope(first, write=True) as session:
        session.execute(text("INSERT INTO item (name) VALUES ('first')"))
        thread = threading.Thread(target=write_second)
        thread.start()
        waiting.wait(5)
        thread.join(0.2)  # it waits in the queue meanwhile
        assert thread.is_alive()
        order.append("first")
    thread.join(10)

    assert order == ["first", "second"]
    with first.connect() as connection:
        names = connection.execute(text("SELECT name FROM item ORDER BY id")).scalars().all()
    assert names == ["first", "second"]
    first.dispose()
    second.dispose()


def test_a_writer_that_waits_out_its_busy_timeout_goes_on_to_sqlites_own_lock(
    hub: Path,
) -> None:
    # something else holds the queue's file lock, but not SQLite's: the write still happens
    descriptor = os.open(f"{hub}-writer.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    engine = _engine(hub, busy_ms=100)
    try:
        with session_scope(engine, write=True) as session:
            session.execute(text("INSERT INTO item (name) VALUES ('acme')"))
    finally:
        os.close(descriptor)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM item")).scalar_one() == 1
    engine.dispose()


def test_an_in_memory_database_has_no_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = create_db_engine(Settings(database_url="sqlite://", _env_file=None))
    with session_scope(engine, write=True) as session:
        session.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY)"))
    assert not [p for p in tmp_path.iterdir() if p.name.endswith("writer.lock")]
    engine.dispose()
