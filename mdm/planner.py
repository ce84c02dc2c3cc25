"""Planner hints for statements that look rows up by key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlmodel import Session


@contextmanager
def index_lookups(session: Session) -> Iterator[None]:
    """Statements in the block look rows up by key: on PostgreSQL, tell the planner so.

    Resolve on ingest reads a few thousand rows by id, golden id and key per batch. Without a
    table's statistics (a new hub's first minutes, autovacuum behind or off) PostgreSQL takes
    an IN list of 500 ids to match a few hundred rows of any size of table and scans it whole
    instead of seeking its index, once per chunk: a batch then slows with the size of the hub.
    Sequential scans are off for the block's statements only (the setting is local to the
    transaction in any case); SQLite has no such setting and needs none.
    """
    if session.get_bind().dialect.name != "postgresql":  # no connection taken: none needed
        yield
        return
    connection = session.connection()
    before = connection.execute(_SEQSCAN_NOW).scalar_one()
    connection.execute(_SEQSCAN, {"value": "off"})
    # Restored when the block succeeds. When it raises, nothing more is sent: a failed
    # transaction takes no statement, and its rollback (or its savepoint's) restores the value.
    yield
    connection.execute(_SEQSCAN, {"value": before})


_SEQSCAN_NOW = text("SELECT current_setting('enable_seqscan')")
_SEQSCAN = text("SELECT set_config('enable_seqscan', :value, true)")  # this transaction only
