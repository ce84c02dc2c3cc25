"""Workbench tables: login sessions, the audit of steward actions, bulk-accept previews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow


def _when(**kwargs: Any) -> Any:
    return Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, **kwargs)
    )


def _maybe_when() -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class StewardSession(SQLModel, table=True):
    """A browser session opened with a steward's API key; only the token's hash is stored."""

    __tablename__ = "steward_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    key_id: int = Field(sa_column=Column(Integer, ForeignKey("api_key.id"), nullable=False))
    actor: str = Field(sa_column=Column(String(128), nullable=False))
    # Synchronizer token: every form posts it back; it never leaves the server otherwise.
    csrf_token: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = _when()
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: datetime | None = _maybe_when()


class StewardAction(SQLModel, table=True):
    """One steward action: who, when, what it touched, the state before and after."""

    __tablename__ = "steward_action"
    __table_args__ = (
        Index("ix_steward_action_actor_at", "actor", "at"),
        Index("ix_steward_action_subject", "subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(index=True)
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    action: str = Field(sa_column=Column(String(32), nullable=False))
    entity_type: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    subject: str = Field(sa_column=Column(String(64), nullable=False))
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    correlation_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))


class BulkPreview(SQLModel, table=True):
    """A score band's sample as shown to a steward: bulk accept needs one, unused and recent."""

    __tablename__ = "steward_bulk_preview"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("steward_session.id"), nullable=False, index=True)
    )
    entity_type: str = Field(sa_column=Column(String(16), nullable=False))
    band: str = Field(sa_column=Column(String(16), nullable=False))
    # The band's open candidates when the sample was shown: bulk accept decides no others.
    candidate_ids: list[int] = Field(sa_column=Column(JSON, nullable=False))
    sample_ids: list[int] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()
    used_at: datetime | None = _maybe_when()
