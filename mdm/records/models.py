"""Source records: one row per (entity type, system, source id); every version kept, typed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow
from mdm.entities import EntityType


def _now_column() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class RecordStatus(StrEnum):
    """Whether a source record currently counts."""

    ACTIVE = "active"
    DELETED = "deleted"  # soft: every version is kept, the key can come back


class SourceRecord(SQLModel, table=True):
    """The current state of one system's record; its history is in `SourceRecordVersion`."""

    __tablename__ = "source_record"
    __table_args__ = (UniqueConstraint("entity_type", "source_system", "source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(sa_column=Column(String(16), nullable=False))
    source_system: str = Field(sa_column=Column(String(64), nullable=False))
    source_id: str = Field(sa_column=Column(String(255), nullable=False))
    golden_id: str | None = Field(
        default=None,
        sa_column=Column(String(40), ForeignKey("golden_record.id"), nullable=True, index=True),
    )
    status: str = Field(default=RecordStatus.ACTIVE, sa_column=Column(String(16), nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = _now_column()
    updated_at: datetime = _now_column()


class SourceRecordVersion(SQLModel, table=True):
    """One accepted payload of a source record, exactly as it came in, append-only."""

    __tablename__ = "source_record_version"
    __table_args__ = (UniqueConstraint("source_record_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    source_record_id: int = Field(
        sa_column=Column(Integer, ForeignKey("source_record.id"), nullable=False, index=True)
    )
    version: int = Field(sa_column=Column(Integer, nullable=False))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    deleted: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    data: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    native: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    correlation_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    created_at: datetime = _now_column()


class SourceXref(SQLModel, table=True):
    """A record's id in another system, as the record itself claims (`crm_id` on an ERP row)."""

    __tablename__ = "source_xref"
    # "Which record claims id X in system S?" is the lookup that links records across systems.
    __table_args__ = (Index("ix_source_xref_system_external_id", "system", "external_id"),)

    source_record_id: int = Field(
        sa_column=Column(Integer, ForeignKey("source_record.id"), primary_key=True)
    )
    system: str = Field(sa_column=Column(String(64), primary_key=True))
    external_id: str = Field(sa_column=Column(String(255), nullable=False))


def _text(length: int = 255) -> Any:
    return Field(default=None, sa_column=Column(String(length), nullable=True))


def _record_key() -> Any:
    return Field(
        sa_column=Column(
            Integer, ForeignKey("source_record.id", ondelete="CASCADE"), primary_key=True
        )
    )


class CustomerRecord(SQLModel, table=True):
    """A customer source record's current values in the canonical model (parsed where possible)."""

    __tablename__ = "customer_record"

    source_record_id: int = _record_key()
    name: str = Field(sa_column=Column(String(500), nullable=False))
    legal_name: str | None = _text(500)
    legal_form: str | None = _text(32)
    street: str | None = _text(500)
    city: str | None = _text()
    postal_code: str | None = _text(32)
    region: str | None = _text()
    country: str | None = _text(64)
    phone: str | None = _text(64)
    email: str | None = _text(320)
    website: str | None = _text(500)
    domain: str | None = _text()
    tax_id: str | None = _text(64)
    currency: str | None = _text(16)
    legal_entity: str | None = _text(64)
    parent_source_id: str | None = _text()


class ProjectRecord(SQLModel, table=True):
    """A project source record's current values in the canonical model."""

    __tablename__ = "project_record"
    # children of a customer are found by its source id when it changes golden record
    __table_args__ = (Index("ix_project_record_customer", "customer_source_id"),)

    source_record_id: int = _record_key()
    name: str = Field(sa_column=Column(String(500), nullable=False))
    code: str | None = _text(128)
    customer_source_id: str | None = _text()
    contract_source_id: str | None = _text()
    start_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    end_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    budget: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2), nullable=True))
    currency: str | None = _text(16)
    billing_method: str | None = _text(32)
    project_manager: str | None = _text()
    status: str | None = _text(64)
    opportunity_ref: str | None = _text()
    legal_entity: str | None = _text(64)


class ContractRecord(SQLModel, table=True):
    """A contract source record's current values in the canonical model."""

    __tablename__ = "contract_record"
    # children of a customer are found by its source id when it changes golden record
    __table_args__ = (Index("ix_contract_record_customer", "customer_source_id"),)

    source_record_id: int = _record_key()
    number: str | None = _text(128)
    name: str | None = _text(500)
    customer_source_id: str | None = _text()
    contract_type: str | None = _text(32)
    parent_source_id: str | None = _text()
    start_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    end_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2), nullable=True))
    currency: str | None = _text(16)
    billing_terms: str | None = _text()
    rate_card: str | None = _text()
    opportunity_ref: str | None = _text()
    legal_entity: str | None = _text(64)


class QuarantineStatus(StrEnum):
    """A quarantined payload waits for a person, or has been fixed and accepted."""

    OPEN = "open"
    RESOLVED = "resolved"


class QuarantineItem(SQLModel, table=True):
    """A payload that failed validation, kept whole with every reason until someone fixes it."""

    __tablename__ = "quarantine_item"

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    source_system: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    source_id: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(
        default=QuarantineStatus.OPEN, sa_column=Column(String(16), nullable=False, index=True)
    )
    reasons: list[str] = Field(sa_column=Column(JSON, nullable=False))
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    native: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    origin: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    correlation_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    resolved_record_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("source_record.id"), nullable=True)
    )
    created_at: datetime = _now_column()
    resolved_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


RecordTable = type[CustomerRecord] | type[ProjectRecord] | type[ContractRecord]
RECORD_TABLES: dict[EntityType, RecordTable] = {
    EntityType.CUSTOMER: CustomerRecord,
    EntityType.PROJECT: ProjectRecord,
    EntityType.CONTRACT: ContractRecord,
}
