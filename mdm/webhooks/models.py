"""A webhook subscription: where to POST which golden changes, signed with which secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, String, Text
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow

ALL_EVENTS = "*"


class WebhookSubscription(SQLModel, table=True):
    """A receiver of golden change events, filtered by event type and entity type."""

    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(String(2048), nullable=False))
    # Comma-separated outbox topics (`golden.merged,golden.unmerged`), or `*` for every one.
    events: str = Field(sa_column=Column(String(512), nullable=False))
    # The singular entity type (`customer`) or None for every type.
    entity_type: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    # Kept as given: the hub signs with it, so it cannot be hashed like an API key.
    secret: str = Field(sa_column=Column(String(255), nullable=False))
    # What the receiver may see: payloads are masked as for a caller with these scopes.
    scopes: str = Field(sa_column=Column(String(128), nullable=False))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    disabled_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_by: str = Field(sa_column=Column(String(255), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    def topics(self) -> frozenset[str]:
        """The outbox topics it wants (`*` for all)."""
        return frozenset(self.events.split(","))
