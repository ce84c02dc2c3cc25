"""One golden record whole, for REST: attributes with lineage, members, references, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from mdm.clock import aware
from mdm.entities import EntityType
from mdm.errors import NotFound
from mdm.exports.references import golden_references
from mdm.golden.queries import (
    AttributeValue,
    GoldenRef,
    Member,
    attributes_of,
    golden_as_stored,
    golden_by_id,
    members_of_many,
)
from mdm.golden.timeline import EventView, events_of


@dataclass(frozen=True)
class GoldenDetail:
    """A golden record with everything a single-record view shows."""

    ref: GoldenRef
    attributes: dict[str, AttributeValue]
    members: list[Member]
    references: dict[str, str]  # e.g. customer_golden_id -> cus_...


@dataclass(frozen=True)
class GoldenHistory:
    """A golden record's events up to `as_of` (all without it), and its state then."""

    ref: GoldenRef
    as_of: datetime | None
    events: list[EventView]
    state: dict[str, Any] | None


def found(
    session: Session, entity: EntityType, golden_id: str, *, follow: bool = True
) -> GoldenRef:
    """The golden record of `entity` type behind `golden_id` or NotFound; `follow` redirects."""
    ref = golden_by_id(session, golden_id) if follow else golden_as_stored(session, golden_id)
    if ref is None or ref.entity_type != entity:
        raise NotFound(f"no {entity.value} golden record {golden_id}")
    return ref


def golden_detail(session: Session, entity: EntityType, golden_id: str) -> GoldenDetail:
    """Everything about one golden record."""
    ref = found(session, entity, golden_id)
    return GoldenDetail(
        ref=ref,
        attributes=attributes_of(session, [ref.id]).get(ref.id, {}),
        members=members_of_many(session, [ref.id]).get(ref.id, []),
        references=golden_references(session, entity, [ref.id]).get(ref.id, {}),
    )


def golden_history(
    session: Session, entity: EntityType, golden_id: str, as_of: datetime | None = None
) -> GoldenHistory:
    """The events of one golden record, up to `as_of` when given, with its state then.

    A merged-away id shows its own history (ending in its merge), not its survivor's.
    `NotFound` when the golden record did not exist yet at `as_of`.
    """
    ref = found(session, entity, golden_id, follow=False)
    events = events_of(session, [ref.id]).get(ref.id, [])
    if as_of is None:
        return GoldenHistory(ref, None, events, events[-1].state if events else None)
    when = aware(as_of)
    before = [e for e in events if e.at <= when]
    if not before:
        raise NotFound(f"golden record {ref.id} did not exist at {when.isoformat()}")
    return GoldenHistory(ref, when, before, before[-1].state)
