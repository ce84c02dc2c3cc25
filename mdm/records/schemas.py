"""API shapes for source records and the quarantine (tables never leak into the contract)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mdm.api.openapi import UtcDateTime
from mdm.records.models import QuarantineItem
from mdm.records.outcomes import RecordResult
from mdm.records.service import IngestReport


class RecordResultOut(BaseModel):
    """What happened to one record of a bulk request."""

    index: int
    result: Literal["created", "updated", "unchanged", "quarantined"]
    source_system: str | None
    source_id: str | None
    golden_id: str | None = None
    version: int | None = None
    deleted: bool = False
    warnings: list[str] = []
    reasons: list[str] = []
    quarantine_id: int | None = None

    @classmethod
    def of(cls, result: RecordResult) -> RecordResultOut:
        """From the service's result."""
        return cls.model_validate(result, from_attributes=True)


class IngestOut(BaseModel):
    """One result per record, in request order, and the totals."""

    results: list[RecordResultOut]
    totals: dict[str, int]
    snapshot_deleted: list[str] = []

    @classmethod
    def of(cls, report: IngestReport) -> IngestOut:
        """From the service's report."""
        return cls(
            results=[RecordResultOut.of(r) for r in report.results],
            totals=report.totals,
            snapshot_deleted=report.snapshot_deleted,
        )


class QuarantineItemOut(BaseModel):
    """A quarantined payload with every reason."""

    id: int
    entity_type: str
    source_system: str | None
    source_id: str | None
    status: str
    reasons: list[str]
    payload: dict[str, Any]
    native: dict[str, Any] | None
    origin: str | None
    correlation_id: str | None
    created_at: UtcDateTime
    resolved_at: UtcDateTime | None
    masked: list[str] = []  # attributes (or "native") hidden from this caller

    @classmethod
    def of(cls, item: QuarantineItem) -> QuarantineItemOut:
        """From the table row."""
        return cls.model_validate(item, from_attributes=True)


class QuarantinePage(BaseModel):
    """A page of quarantine items."""

    items: list[QuarantineItemOut]
    total: int


class ResubmitIn(BaseModel):
    """Corrections laid over the quarantined row, or a replacement native payload."""

    fields: dict[str, str | None] = Field(default_factory=dict)
    native: dict[str, Any] | None = None
