"""What a golden record is made of and how it got there: links, attributes, events, outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow


def _when() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


def _record_ref(**kwargs: Any) -> Any:
    return Field(sa_column=Column(Integer, ForeignKey("source_record.id"), **kwargs))


def _golden_ref(**kwargs: Any) -> Any:
    return Field(sa_column=Column(String(40), ForeignKey("golden_record.id"), **kwargs))


class LinkKind(StrEnum):
    """Why two source records are held to be the same thing."""

    AUTO = "auto"  # the model scored the pair above the upper threshold
    RULE = "rule"  # deterministic evidence: a shared cross-system id, an equal tax id
    STEWARD = "steward"  # a person decided


class GoldenLink(SQLModel, table=True):
    """An edge of the cross-reference graph: evidence that two records are one entity."""

    __tablename__ = "golden_link"
    __table_args__ = (Index("ix_golden_link_records", "record_a_id", "record_b_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(sa_column=Column(String(16), nullable=False))
    record_a_id: int = _record_ref(nullable=False)
    record_b_id: int = _record_ref(nullable=False, index=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    score: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    explanation: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    created_at: datetime = _when()
    ended_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class GoldenAttribute(SQLModel, table=True):
    """A survived attribute of a golden record, with the record and rule that supplied it."""

    __tablename__ = "golden_attribute"
    # On SQLite the primary key is the table (WITHOUT ROWID): a golden record's attributes are
    # rewritten in one b-tree, not in the table and again in the index that finds them.
    __table_args__ = {"sqlite_with_rowid": False}

    golden_id: str = Field(
        sa_column=Column(String(40), ForeignKey("golden_record.id"), primary_key=True)
    )
    name: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    source_record_id: int | None = _record_ref(nullable=True)
    rule: str = Field(sa_column=Column(String(64), nullable=False))


class AttributeOverride(SQLModel, table=True):
    """A steward's value for an attribute; it always wins survivorship."""

    __tablename__ = "attribute_override"

    golden_id: str = Field(
        sa_column=Column(String(40), ForeignKey("golden_record.id"), primary_key=True)
    )
    name: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    created_at: datetime = _when()


class ConstraintKind(StrEnum):
    """A steward decision every later run obeys."""

    MUST_LINK = "must_link"
    CANNOT_LINK = "cannot_link"


class MatchConstraint(SQLModel, table=True):
    """Two records that must, or must never, share a golden record."""

    __tablename__ = "match_constraint"
    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(sa_column=Column(String(16), nullable=False))
    record_a_id: int = _record_ref(nullable=False)
    record_b_id: int = _record_ref(nullable=False, index=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    created_at: datetime = _when()


class GoldenEvent(SQLModel, table=True):
    """An append-only change of a golden record with its state afterwards (for as-of views)."""

    __tablename__ = "golden_event"
    __table_args__ = (Index("ix_golden_event_golden_id_id", "golden_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    golden_id: str = _golden_ref(nullable=False)
    entity_type: str = Field(sa_column=Column(String(16), nullable=False))
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    state: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    correlation_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    created_at: datetime = _when()


class OutboxEvent(SQLModel, table=True):
    """A golden change waiting to be published, written in the same transaction as the change."""

    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_txid_id", "txid", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    # PostgreSQL: the writing transaction's id (xid8), set by a trigger (migration 0007), so the
    # change feed can order rows by commit safety; NULL on SQLite, whose one writer at a time
    # hands out ids in commit order. See mdm/golden/feed.py.
    txid: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    topic: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    aggregate_id: str = Field(sa_column=Column(String(40), nullable=False, index=True))
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    correlation_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    created_at: datetime = _when()
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=True)
    )
