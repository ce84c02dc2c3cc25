"""Engine factory and the one session scope, on the backend under test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.planner import index_lookups
from mdm.records.service import RecordInput, ingest
from tests.mdm.resolution.test_batch import ROWS


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


def test_index_lookups_turn_sequential_scans_off_for_the_block_only(
    engine: Engine, backend: str
) -> None:
    with session_scope(engine) as session:
        if backend == "sqlite":
            with index_lookups(session):
                assert not session.in_transaction()  # no connection taken for nothing
            return
        setting = text("SELECT current_setting('enable_seqscan')")
        with index_lookups(session):
            assert session.execute(setting).scalar_one() == "off"
            with index_lookups(session):  # nested: the outer block's setting comes back
                pass
            assert session.execute(setting).scalar_one() == "off"
        assert session.execute(setting).scalar_one() == "on"


def test_an_ingest_leaves_the_planner_as_it_found_it(engine: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite's planner has no such setting")
    setting = text("SELECT current_setting('enable_seqscan')")
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(ROWS[0])])
        assert session.execute(setting).scalar_one() == "on"


def test_a_failed_block_leaves_its_error_and_the_rollback_restores_the_planner(
    engine: Engine, backend: str
) -> None:
    setting = text("SELECT current_setting('enable_seqscan')")
    with Session(engine) as session:
        with pytest.raises(DBAPIError, match="no_such_table"), index_lookups(session):
            session.execute(text("SELECT * FROM no_such_table"))
        session.rollback()
        if backend == "postgresql":
            assert session.execute(setting).scalar_one() == "on"


def test_nul_in_a_list_bound_as_one_parameter_is_bad_input(engine: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite text holds NUL")
    with engine.connect() as connection, pytest.raises(InvalidInput, match="NUL"):
        connection.execute(text("SELECT CAST(:keys AS varchar[])"), {"keys": ["ok", "a\x00b"]})
