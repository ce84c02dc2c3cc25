"""The outbox relay: golden changes become jobs, each outbox event once per consumer.

A consumer (webhooks, later the sync flows) is a name and a function from a page of change
feed events to the jobs they cause. Each consumer has a cursor row in `outbox_relay`; one pass
for one consumer is ONE transaction: lock the cursor, read the feed after it
(`mdm.golden.feed.read_feed`, which never skips a late commit), enqueue the jobs, move the
cursor. The jobs and the cursor commit together, and every job has an idempotency key derived
from the consumer and the outbox event, so even a page read twice enqueues nothing twice.

Several workers run the relay at once: on PostgreSQL the cursor row is locked
`FOR UPDATE SKIP LOCKED`, so a second worker skips the consumer instead of waiting; on SQLite
the unit of work starts with `BEGIN IMMEDIATE`, so passes take turns.

Outbox rows every consumer has passed get `published_at`, so the outbox depth on /metrics
counts what is still to be relayed. Adding a consumer is one line in `BUILTIN_CONSUMERS`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    Engine,
    String,
    Table,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.golden.feed import START, FeedEvent, Position, read_feed
from mdm.golden.lineage_models import OutboxEvent
from mdm.jobs.store import NewJob, enqueue
from mdm.jobs.worker import Duty
from mdm.settings import Settings

log = logging.getLogger("mdm.jobs.relay")

# `module:attribute` of each consumer every worker relays to; a new subscriber is one line.
BUILTIN_CONSUMERS: tuple[str, ...] = (
    "mdm.webhooks.consumer:CONSUMER",
    "mdm.sync.repoint:CONSUMER",
)
PAGE_SIZE = 500
# Pages per consumer and run, so a long backlog does not keep the worker from its jobs.
MAX_PAGES_PER_RUN = 10
# Outbox rows stamped `published_at` per run (a backlog is stamped over several runs).
STAMP_BATCH = 5000

JobsFor = Callable[[Session, Sequence[FeedEvent]], list[NewJob]]


@dataclass(frozen=True)
class Consumer:
    """A subscriber to the outbox: its cursor's name and the jobs a page of events causes."""

    name: str
    jobs_for: JobsFor


class RelayCursor(SQLModel, table=True):
    """How far a consumer has relayed the outbox: the feed position it has passed."""

    __tablename__ = "outbox_relay"

    consumer: str = Field(sa_column=Column(String(64), primary_key=True))
    txid: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    outbox_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


CURSOR: Table = RelayCursor.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PageResult:
    """What one pass for one consumer did."""

    events: int
    enqueued: int
    has_more: bool


def load_consumers(specs: Sequence[str] = BUILTIN_CONSUMERS) -> list[Consumer]:
    """The consumers named `module:attribute`, imported."""
    consumers = []
    for spec in specs:
        module, _, attribute = spec.partition(":")
        consumer = getattr(importlib.import_module(module), attribute)
        if not isinstance(consumer, Consumer):
            raise TypeError(f"{spec} is not an outbox relay Consumer")
        consumers.append(consumer)
    return consumers


def relay_page(
    engine: Engine, consumer: Consumer, now: datetime, page_size: int = PAGE_SIZE
) -> PageResult | None:
    """One page for one consumer in one transaction; None when another worker holds its cursor."""
    if not _news_for(engine, consumer.name):
        return PageResult(0, 0, has_more=False)
    with session_scope(engine, write=True) as session:
        after = _lock_cursor(session, consumer.name, now)
        if after is None:
            return None
        page = read_feed(session, after, page_size)
        enqueued = enqueue(session, consumer.jobs_for(session, page.events), now)
        if page.next != after:
            _move_cursor(session, consumer.name, page.next, now)
    return PageResult(len(page.events), enqueued, page.has_more)


def relay(
    engine: Engine,
    now: datetime,
    consumers: Sequence[Consumer],
    *,
    page_size: int = PAGE_SIZE,
    max_pages: int = MAX_PAGES_PER_RUN,
) -> int:
    """Relay up to `max_pages` pages to each consumer; returns how many events were read."""
    read = 0
    for consumer in consumers:
        for _ in range(max_pages):
            result = relay_page(engine, consumer, now, page_size)
            if result is None:
                break
            read += result.events
            if result.enqueued:
                extra = {"consumer": consumer.name, "jobs": result.enqueued}
                log.info("outbox relayed", extra=extra)
            if not result.has_more:
                break
    if read:
        mark_published(engine, [c.name for c in consumers], now)
    return read


def mark_published(engine: Engine, consumers: Sequence[str], now: datetime) -> int:
    """Stamp `published_at` on outbox rows every one of `consumers` has passed."""
    with session_scope(engine, write=True) as session:
        cursors = session.exec(select(RelayCursor).where(col(RelayCursor.consumer).in_(consumers)))
        positions = [Position(c.txid, c.outbox_id) for c in cursors]
        if len(positions) < len(set(consumers)) or min(positions, default=START) == START:
            return 0
        passed = (
            select(OutboxEvent.id)
            .where(col(OutboxEvent.published_at).is_(None), _at_or_before(session, min(positions)))
            .order_by(col(OutboxEvent.id))
            .limit(STAMP_BATCH)
            # Rows another relay is stamping are left for the next run, never waited on.
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(OUTBOX).where(OUTBOX.c.id.in_(passed.scalar_subquery())).values(published_at=now)
        )
        return int(session.connection().execute(statement).rowcount)


def relay_duty(settings: Settings, specs: Sequence[str] = BUILTIN_CONSUMERS) -> Duty:
    """The relay as a worker duty, run every `jobs_relay_seconds`."""
    consumers = load_consumers(specs)
    return Duty("outbox_relay", settings.jobs_relay_seconds, partial(relay, consumers=consumers))


def _news_for(engine: Engine, name: str) -> bool:
    """Whether any outbox row lies beyond the consumer's cursor: read without locking, so an
    idle relay takes no write lock (SQLite) and burns no transaction id (PostgreSQL)."""
    with session_scope(engine) as session:
        query = CURSOR.select().where(CURSOR.c.consumer == name)
        row = session.connection().execute(query).first()
        after = START if row is None else Position(row.txid, row.outbox_id)
        beyond = select(OutboxEvent.id).where(_after(session, after)).limit(1)
        return session.exec(beyond).first() is not None


def _lock_cursor(session: Session, name: str, now: datetime) -> Position | None:
    """Lock the consumer's cursor (made at its first pass); None when another pass holds it."""
    query = CURSOR.select().where(CURSOR.c.consumer == name).with_for_update(skip_locked=True)
    row = session.connection().execute(query).first()
    if row is not None:
        return Position(row.txid, row.outbox_id)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"consumer": name, "txid": 0, "outbox_id": 0, "updated_at": now}
    statement = dialect.insert(CURSOR).values(**values).on_conflict_do_nothing()
    made = session.connection().execute(statement.returning(CURSOR.c.consumer)).first()
    return START if made is not None else None


def _move_cursor(session: Session, name: str, to: Position, now: datetime) -> None:
    statement = (
        update(CURSOR)
        .where(CURSOR.c.consumer == name)
        .values(txid=to.txid, outbox_id=to.id, updated_at=now)
    )
    session.connection().execute(statement)


def _at_or_before(session: Session, position: Position) -> ColumnElement[bool]:
    # The feed's order: (txid, id) on PostgreSQL, the id alone on SQLite (see feed.py).
    if session.get_bind().dialect.name == "postgresql":
        key = tuple_(col(OutboxEvent.txid), col(OutboxEvent.id))
        return key <= tuple_(position.txid, position.id)
    return col(OutboxEvent.id) <= position.id


def _after(session: Session, position: Position) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        key = tuple_(col(OutboxEvent.txid), col(OutboxEvent.id))
        return key > tuple_(position.txid, position.id)
    return col(OutboxEvent.id) > position.id
