"""The change feed: golden outbox rows in an order no late commit can break, behind a cursor.

Why not simply `id > cursor`: on PostgreSQL ids come from a sequence when a row is inserted,
not when its transaction commits. A transaction holding id 41 can commit after another one
holding id 42; a reader that served 42 and moved its cursor past it would never see 41.

What we do instead (the transaction-id outbox, PostgreSQL 13+): every outbox row carries the
id of the transaction that wrote it (`txid`, stamped by a trigger, see migration 0007), and
the feed is ordered by `(txid, id)`. A page serves only rows whose `txid` lies below the
*horizon*: the lowest transaction of this database still in flight (from the statement's
snapshot). Every transaction below the horizon has finished, so the set of rows below it can no
longer grow, and a cursor inside it never skips anything. A transaction that runs long holds
the feed back while it runs (the price of never skipping), and only transactions of this
database count: the session list tells which in-flight ids belong to other databases.

A time horizon ("serve rows older than five seconds") was rejected: it is a guess that a slow
commit breaks. Serialising outbox writers under one lock was rejected: it would queue every
golden change behind the slowest, and deadlock against the per-blocking-key locks.

SQLite needs none of this: one writer at a time holds the database until it commits, so ids
are handed out in commit order and `(0, id)` is the position. Outbox rows must therefore never
be deleted from the top of the table (SQLite would hand the freed ids out again).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, text, tuple_
from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.errors import MDMError
from mdm.golden.lineage_models import OutboxEvent

_PREFIX = "v1."
_XID_SPAN = 1 << 32  # session lists show 32-bit transaction ids; snapshots show 64-bit ones


class InvalidCursor(MDMError):
    """The `after` cursor is not one this feed handed out."""

    code = "invalid_cursor"
    status_code = 400


@dataclass(frozen=True, order=True)
class Position:
    """Where an outbox row sits in the feed: its transaction id (0 on SQLite), then its id."""

    txid: int
    id: int

    def cursor(self) -> str:
        """The opaque cursor that resumes the feed right after this position."""
        raw = f"{_PREFIX}{self.txid}.{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


START = Position(0, 0)


def parse_cursor(cursor: str | None) -> Position:
    """The position a cursor stands for (the start for None); `InvalidCursor` otherwise."""
    if cursor is None:
        return START
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    txid, _, row_id = raw.removeprefix(_PREFIX).partition(".")
    valid = raw.startswith(_PREFIX) and txid.isdigit() and row_id.isdigit()
    if not valid or max(int(txid), int(row_id)) >= 1 << 63:
        raise InvalidCursor(
            f"cursor {cursor[:80]!r} is not one this feed handed out; "
            "omit `after` to read from the start, or pass a `next_cursor` you received"
        )
    return Position(int(txid), int(row_id))


@dataclass(frozen=True)
class FeedFilter:
    """Which events a consumer wants; the cursor still moves past the others."""

    entity: EntityType | None = None
    kind: str | None = None


@dataclass(frozen=True)
class FeedEvent:
    """One outbox row and its position."""

    position: Position
    row: OutboxEvent


@dataclass(frozen=True)
class FeedPage:
    """A page of events, where to resume, and whether more are ready already."""

    events: list[FeedEvent]
    next: Position
    has_more: bool


def read_feed(
    session: Session, after: Position, limit: int, where: FeedFilter = FeedFilter()
) -> FeedPage:
    """Up to `limit` events after `after`, oldest first, none that a later commit could precede."""
    ordered = session.get_bind().dialect.name == "postgresql"
    limit_at = horizon(session) if ordered else None
    # Read before the page: whatever commits in between lies beyond it, never skipped.
    top = _top(session, ordered, limit_at)
    query = select(OutboxEvent).where(*_beyond(after, ordered, limit_at), *_matching(where))
    rows = list(session.exec(query.order_by(*_order(ordered)).limit(limit + 1)))
    events = [FeedEvent(_position(row.txid, row.id, ordered), row) for row in rows[:limit]]
    if len(rows) > limit:
        return FeedPage(events, events[-1].position, has_more=True)
    # The page looked at everything up to `top`: move past rows the filter left out too.
    reached = events[-1].position if events else after
    return FeedPage(events, max(reached, top or after, after), has_more=False)


def horizon(session: Session) -> int:
    """The lowest transaction id of this database still in flight (PostgreSQL).

    Rows written by lower transaction ids are final: committed and visible, or gone for good.
    An in-flight id that the session list cannot place in another database counts as ours.
    """
    row = session.execute(
        text(
            "SELECT pg_snapshot_xmax(s)::text::bigint AS xmax,"
            " ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) AS xip,"
            " ARRAY(SELECT a.backend_xid::text::bigint FROM pg_stat_activity AS a"
            "       WHERE a.backend_xid IS NOT NULL AND a.datid IS DISTINCT FROM"
            "       (SELECT oid FROM pg_database WHERE datname = current_database())"
            " ) AS foreign_xids"
            " FROM pg_current_snapshot() AS s"
        )
    ).one()
    return lowest_in_flight(row.xmax, row.xip, row.foreign_xids)


def lowest_in_flight(xmax: int, in_flight: list[int], foreign: list[int]) -> int:
    """The horizon from a snapshot's `xmax`, its in-flight ids and other databases' 32-bit ids."""
    elsewhere = set(foreign)
    ours = [x for x in in_flight if x % _XID_SPAN not in elsewhere]
    return min([xmax, *ours])


def _beyond(after: Position, ordered: bool, limit_at: int | None) -> list[ColumnElement[bool]]:
    if not ordered:
        return [col(OutboxEvent.id) > after.id]
    key = tuple_(col(OutboxEvent.txid), col(OutboxEvent.id))
    return [key > tuple_(after.txid, after.id), col(OutboxEvent.txid) < limit_at]


def _matching(where: FeedFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if where.entity is not None:
        prefix = f"{where.entity.golden_prefix}_"
        clauses.append(col(OutboxEvent.aggregate_id).startswith(prefix, autoescape=True))
    if where.kind is not None:
        clauses.append(col(OutboxEvent.topic) == f"golden.{where.kind}")
    return clauses


def _order(ordered: bool) -> list[Any]:
    ids = col(OutboxEvent.id)
    return [col(OutboxEvent.txid), ids] if ordered else [ids]


def _position(txid: int | None, row_id: int | None, ordered: bool) -> Position:
    assert row_id is not None
    return Position((txid or 0) if ordered else 0, row_id)


def _top(session: Session, ordered: bool, limit_at: int | None) -> Position | None:
    """The last position below the horizon, filter or not."""
    query = select(OutboxEvent.txid, OutboxEvent.id)
    if ordered:
        query = query.where(col(OutboxEvent.txid) < limit_at)
    desc = [c.desc() for c in _order(ordered)]
    found = session.exec(query.order_by(*desc).limit(1)).first()
    return None if found is None else _position(found[0], found[1], ordered)
