"""The golden record table: one row per golden id ever issued, merged-away ids kept as redirects."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, String
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow


class GoldenStatus(StrEnum):
    """Lifecycle of a golden id."""

    ACTIVE = "active"
    MERGED = "merged"  # redirects to `merged_into_id`
    RETIRED = "retired"  # every source record behind it was deleted


class GoldenRecord(SQLModel, table=True):
    """A golden id and its lifecycle; attribute values live with their source records."""

    __tablename__ = "golden_record"

    id: str = Field(sa_column=Column(String(40), primary_key=True))
    entity_type: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    status: str = Field(default=GoldenStatus.ACTIVE, sa_column=Column(String(16), nullable=False))
    merged_into_id: str | None = Field(
        default=None, sa_column=Column(String(40), ForeignKey("golden_record.id"), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
