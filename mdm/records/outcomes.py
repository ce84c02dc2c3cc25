"""What became of one ingested row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["created", "updated", "unchanged", "quarantined"]


@dataclass(frozen=True)
class RecordResult:
    """What happened to one input row."""

    index: int
    result: Outcome
    source_system: str | None
    source_id: str | None
    golden_id: str | None = None
    version: int | None = None
    deleted: bool = False
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    quarantine_id: int | None = None
    origin: str | None = None
    record_id: int | None = None
