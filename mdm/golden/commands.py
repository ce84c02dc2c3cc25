"""Steward commands as the APIs take them: golden ids and source keys in, golden ids out.

Each command checks that what it is given exists and is of the entity type asked for, then
calls the one steward operation (`mdm.resolution.steward_ops`, `mdm.golden.steward`) that
does the work. Services flush, never commit: the caller's unit of work decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import get_args

from sqlmodel import Session

from mdm.auth.masking import is_visible
from mdm.auth.principal import Principal
from mdm.entities import EntityType
from mdm.errors import Forbidden, InvalidInput, NotFound
from mdm.golden import steward
from mdm.golden.queries import GoldenRef, golden_by_id
from mdm.records.canonical import VALUE_SCHEMAS
from mdm.records.queries import find_record
from mdm.records.values import parse_date, parse_decimal
from mdm.resolution import steward_ops

MAX_OVERRIDE = 2000


@dataclass(frozen=True)
class Merged:
    """The golden record that kept its id, and the one that now redirects to it."""

    survivor: str
    absorbed: str


@dataclass(frozen=True)
class Split:
    """The part that kept the id, and the part that left under a new one."""

    kept: str
    split_off: str


def golden_of_type(session: Session, entity: EntityType, golden_id: str) -> GoldenRef:
    """The golden record behind `golden_id` (redirects followed) if it is of `entity` type."""
    found = golden_by_id(session, golden_id)
    if found is None or found.entity_type != entity:
        raise NotFound(f"no {entity.value} golden record {golden_id}")
    return found


def merge(session: Session, entity: EntityType, a: str, b: str, actor: str) -> Merged:
    """Merge two golden records; the one with more records (then the older id) survives."""
    first, second = golden_of_type(session, entity, a), golden_of_type(session, entity, b)
    survivor = steward_ops.merge(session, entity, first.id, second.id, actor)
    absorbed = second.id if survivor.id == first.id else first.id
    return Merged(survivor.id, absorbed)


def unmerge(session: Session, entity: EntityType, golden_id: str, actor: str) -> Split:
    """Undo the latest merge into a golden record."""
    kept, fresh = steward_ops.unmerge(
        session, entity, golden_of_type(session, entity, golden_id).id, actor
    )
    return Split(kept, fresh)


def split(
    session: Session,
    entity: EntityType,
    golden_id: str,
    records: list[tuple[str, str]],
    actor: str,
) -> Split:
    """Split the records (system, source id) off a golden record; the larger part keeps the id."""
    golden = golden_of_type(session, entity, golden_id)
    record_ids = [_record_id(session, entity, system, sid) for system, sid in records]
    kept, fresh = steward_ops.split(session, entity, golden.id, record_ids, actor)
    return Split(kept, fresh)


def move(
    session: Session,
    entity: EntityType,
    record: tuple[str, str],
    target: str | None,
    actor: str,
) -> str:
    """Move one record into the `target` golden record, or out on its own (None); its new id."""
    record_id = _record_id(session, entity, *record)
    into = golden_of_type(session, entity, target).id if target is not None else None
    return steward_ops.move_record(session, entity, record_id, into, actor)


def override(
    session: Session,
    entity: EntityType,
    golden_id: str,
    name: str,
    value: str | None,
    principal: Principal,
) -> str:
    """Pin an attribute to a steward's value (None lifts the pin); the golden id.

    A steward may only set what they may see: a contract's value needs `finance` too.
    """
    if name not in VALUE_SCHEMAS[entity].model_fields:
        raise InvalidInput(f"{entity.value} golden records have no attribute {name!r}")
    if not is_visible(entity, name, principal):
        raise Forbidden(f"{principal.actor!r} may not see {entity.value} {name}, so not set it")
    golden = golden_of_type(session, entity, golden_id)
    text = None if value is None else typed_text(entity, name, value)
    steward.set_override(session, entity, golden.id, name, text, principal.actor)
    return golden.id


def typed_text(entity: EntityType, name: str, raw: str) -> str:
    """`raw` as the attribute stores it (dates ISO, amounts plain); `InvalidInput` if it is not."""
    text = raw.strip()
    if not text or len(text) > MAX_OVERRIDE:
        raise InvalidInput(f"{name}: a value is 1 to {MAX_OVERRIDE} characters (null lifts it)")
    kinds = get_args(VALUE_SCHEMAS[entity].model_fields[name].annotation)
    if date in kinds:
        day = parse_date(text)
        if day is None:
            raise InvalidInput(f"{name}: {raw!r} is not a date (YYYY-MM-DD)")
        return day.isoformat()
    if Decimal in kinds:
        amount = parse_decimal(text)
        if amount is None:
            raise InvalidInput(f"{name}: {raw!r} is not an amount")
        return str(amount)
    return text


def _record_id(session: Session, entity: EntityType, system: str, source_id: str) -> int:
    record = find_record(session, entity, system, source_id)
    assert record.id is not None
    return record.id
