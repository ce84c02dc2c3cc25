"""Engine factory and the one session scope, on the backend under test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from mdm.db import session_scope


@pytest.fixture
def scratch_table(engine: Engine) -> Iterator[str]:
    """A throwaway table outside the hub's schema, for exercising transactions."""
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch_note (id INTEGER PRIMARY KEY, body TEXT)"))
    yield "scratch_note"
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE scratch_note"))


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM scratch_note")).scalar_one())


def test_session_scope_commits_when_the_block_succeeds(engine: Engine, scratch_table: str) -> None:
    with session_scope(engine) as session:
        session.execute(text("INSERT INTO scratch_note (id, body) VALUES (1, 'kept')"))
    assert _count(engine) == 1


def test_session_scope_rolls_back_everything_when_the_block_raises(
    engine: Engine, scratch_table: str
) -> None:
    def write_two_then_fail() -> None:
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO scratch_note (id, body) VALUES (1, 'a')"))
            session.execute(text("INSERT INTO scratch_note (id, body) VALUES (2, 'b')"))
            raise RuntimeError("half way")

    with pytest.raises(RuntimeError, match="half way"):
        write_two_then_fail()
    assert _count(engine) == 0


def test_nested_savepoint_rolls_back_alone(engine: Engine, scratch_table: str) -> None:
    def inner_write_fails(session: Session) -> None:
        with session.begin_nested():
            session.execute(text("INSERT INTO scratch_note (id, body) VALUES (2, 'inner')"))
            raise RuntimeError("inner fails")

    with session_scope(engine) as session:
        session.execute(text("INSERT INTO scratch_note (id, body) VALUES (1, 'outer')"))
        with pytest.raises(RuntimeError, match="inner fails"):
            inner_write_fails(session)
    assert _count(engine) == 1


def test_engine_is_tuned_for_its_backend(engine: Engine, backend: str) -> None:
    with engine.connect() as connection:
        if backend == "sqlite":
            # WAL lets readers run beside the one writer; the busy timeout makes writers queue.
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 30_000
            assert connection.execute(text("PRAGMA cache_size")).scalar_one() == -65536  # 64 MiB
        else:
            assert engine.dialect.driver == "psycopg"
            assert engine.pool.size() == 10  # type: ignore[attr-defined]
