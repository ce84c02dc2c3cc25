"""Stored model versions and the match candidates that wait for a steward."""

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
    PrimaryKeyConstraint,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow


class ModelVersion(SQLModel, table=True):
    """A fitted matching model for one entity type; exactly one is active per type."""

    __tablename__ = "model_version"
    __table_args__ = (UniqueConstraint("entity_type", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(sa_column=Column(String(16), nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    origin: str = Field(sa_column=Column(String(16), nullable=False))  # preset | em | labels
    settings: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    model: str | None = Field(default=None, sa_column=Column(String, nullable=True))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class CandidateStatus(StrEnum):
    """A steward has not decided yet, or has."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # a later run no longer finds the pair uncertain


class MatchCandidate(SQLModel, table=True):
    """A pair the engine is unsure about: between the thresholds, waiting for a steward."""

    __tablename__ = "match_candidate"
    # "Is this record in review?" looks a record up on either side of its pairs.
    __table_args__ = (
        UniqueConstraint("record_a_id", "record_b_id"),
        Index("ix_match_candidate_record_b_id", "record_b_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    record_a_id: int = Field(
        sa_column=Column(Integer, ForeignKey("source_record.id"), nullable=False)
    )
    record_b_id: int = Field(
        sa_column=Column(Integer, ForeignKey("source_record.id"), nullable=False)
    )
    probability: float = Field(sa_column=Column(Float, nullable=False))
    explanation: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(
        default=CandidateStatus.OPEN, sa_column=Column(String(16), nullable=False, index=True)
    )
    priority: float = Field(default=0.0, sa_column=Column(Float, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    decided_by: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))


class BlockingKey(SQLModel, table=True):
    """One block a source record is in, indexed for candidate lookup.

    A block is a blocking rule's key for one entity type, stored as its 64-bit id
    (`mdm.resolution.keys.block_id`) rather than as the three texts: a batch inserts thousands
    of keys at random places of the index, and rows a third the size mean a third of the pages
    to write and to search.
    """

    __tablename__ = "blocking_key"
    # Keyed in lookup order: a block's members are read from the primary key alone. On SQLite
    # the table is that key (WITHOUT ROWID), so each key is written to one b-tree fewer; the
    # record's own key finds a record's keys to delete them.
    __table_args__ = (
        PrimaryKeyConstraint("block", "source_record_id"),
        UniqueConstraint("source_record_id", "block"),
        {"sqlite_with_rowid": False},
    )

    block: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    source_record_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("source_record.id"), primary_key=True, autoincrement=False
        )
    )
