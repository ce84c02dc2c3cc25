"""The feed never skips a row whose transaction commits after a later-numbered one was read.

On PostgreSQL with two real concurrent transactions; on SQLite the assumption the id order rests
on: a second writer cannot write while the first one holds the database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from mdm.db import create_db_engine, session_scope
from mdm.entities import EntityType
from mdm.golden.feed import START, FeedPage, Position, read_feed
from mdm.golden.lineage_models import OutboxEvent
from mdm.records.service import RecordInput, ingest
from mdm.settings import Settings


def _ingest(session: Session, name: str) -> str:
    row = RecordInput({"source_system": "crm", "source_id": name, "name": name})
    result = ingest(session, EntityType.CUSTOMER, [row], resolve=False).results[0]
    return result.golden_id or ""


def _read(engine: Engine, after: Position) -> FeedPage:
    with session_scope(engine) as session:
        return read_feed(session, after, 100)


def _golden_ids(page: FeedPage) -> list[str]:
    return [e.row.aggregate_id for e in page.events]


def _outbox_id(engine: Engine, golden_id: str) -> int:
    with session_scope(engine) as session:
        query = select(OutboxEvent.id).where(col(OutboxEvent.aggregate_id) == golden_id)
        return session.exec(query).one() or 0


@pytest.fixture
def open_transaction(engine: Engine, backend: str) -> Iterator[Session]:
    """A session whose transaction the test commits or rolls back itself."""
    if backend != "postgresql":
        pytest.skip("concurrent writers exist on PostgreSQL only; see the SQLite test below")
    with Session(engine, expire_on_commit=False) as session:
        yield session
        session.rollback()


def test_a_lower_id_committed_late_is_served_not_skipped(
    engine: Engine, open_transaction: Session
) -> None:
    before = _read(engine, START)
    slow = _ingest(open_transaction, "Slow Ltd")  # takes the lower outbox id, commits last
    with session_scope(engine, write=True) as session:
        fast = _ingest(session, "Fast Ltd")
    waiting = _read(engine, before.next)
    # Serving "Fast" now would move the cursor past the row "Slow" is about to commit.
    assert _golden_ids(waiting) == []
    assert waiting.next == before.next
    open_transaction.commit()
    after = _read(engine, waiting.next)
    assert _golden_ids(after) == [slow, fast]
    assert _outbox_id(engine, slow) < _outbox_id(engine, fast)  # the order ids alone would break
    assert _golden_ids(_read(engine, after.next)) == []


def test_a_later_transaction_that_committed_first_is_served_first(
    engine: Engine, open_transaction: Session
) -> None:
    with session_scope(engine, write=True) as early:
        # The early transaction gets its id first but writes its outbox row after the slow one.
        early.execute(text("SELECT pg_current_xact_id()"))
        slow = _ingest(open_transaction, "Slow Ltd")
        fast = _ingest(early, "Early Ltd")
    first = _read(engine, START)
    assert _golden_ids(first) == [fast]
    open_transaction.commit()
    second = _read(engine, first.next)
    assert _golden_ids(second) == [slow]
    assert _outbox_id(engine, slow) < _outbox_id(engine, fast)


def test_a_rolled_back_transaction_does_not_hold_the_feed(
    engine: Engine, open_transaction: Session
) -> None:
    _ingest(open_transaction, "Never Ltd")
    with session_scope(engine, write=True) as session:
        kept = _ingest(session, "Kept Ltd")
    assert _golden_ids(_read(engine, START)) == []
    open_transaction.rollback()
    assert _golden_ids(_read(engine, START)) == [kept]


def test_sqlite_lets_one_writer_at_a_time_so_ids_follow_commit_order(
    engine: Engine, settings: Settings, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the PostgreSQL tests above cover concurrent writers")
    impatient = create_db_engine(settings.model_copy(update={"sqlite_busy_timeout_ms": 50}))
    try:
        with session_scope(engine, write=True) as first:
            first_id = _ingest(first, "First Ltd")
            with (
                pytest.raises(OperationalError, match="locked"),
                session_scope(impatient, write=True) as second,
            ):
                _ingest(second, "Second Ltd")
            assert _golden_ids(_read(impatient, START)) == []  # readers see committed rows only
    finally:
        impatient.dispose()
    assert _golden_ids(_read(engine, START)) == [first_id]
