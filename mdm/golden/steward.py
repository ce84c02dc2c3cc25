"""Steward operations built on membership: unmerge the last merge, move a record, override."""

from __future__ import annotations

from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.golden.attributes import attribute_names
from mdm.golden.lineage_models import AttributeOverride, GoldenEvent, LinkKind
from mdm.golden.membership import Change, members_of, merge, publish, resolve_id, split
from mdm.records.models import SourceRecord


def unmerge(session: Session, entity: EntityType, golden_id: str, actor: str) -> tuple[str, str]:
    """Undo the latest merge into a golden record: its absorbed records leave under a new id."""
    golden = resolve_id(session, golden_id)
    query = (
        select(GoldenEvent)
        .where(col(GoldenEvent.golden_id) == golden.id, col(GoldenEvent.kind) == "merged")
        .order_by(col(GoldenEvent.id).desc())
    )
    last = next((e for e in session.exec(query) if "absorbed" in e.detail), None)
    if last is None:
        raise InvalidInput(f"{golden.id} has no merge to undo")
    keys = set(last.detail["records"])
    absorbed = [r.id for r in members_of(session, golden.id) if _key(r) in keys]
    if not absorbed:
        raise InvalidInput(f"the records merged into {golden.id} have since moved or gone")
    return split(session, entity, golden.id, [r for r in absorbed if r is not None], actor)


def move_record(
    session: Session, entity: EntityType, record_id: int, target: str | None, actor: str
) -> str:
    """Move one source record out of its golden record, into `target` or a new one of its own."""
    record = session.get(SourceRecord, record_id)
    if record is None or record.golden_id is None or record.entity_type != entity.value:
        raise InvalidInput(f"{entity.value} record {record_id} has no golden record to leave")
    alone = len(members_of(session, record.golden_id)) == 1
    if target is None:
        if alone:
            raise InvalidInput(f"record {record_id} is already the only record of its golden id")
        kept, fresh = split(session, entity, record.golden_id, [record_id], actor)
        return fresh if record.golden_id == fresh else kept
    own = record.golden_id
    if not alone:
        kept, fresh = split(session, entity, own, [record_id], actor)
        own = fresh if record.golden_id == fresh else kept
    return merge(session, entity, target, own, actor, LinkKind.STEWARD).id


def set_override(
    session: Session, entity: EntityType, golden_id: str, name: str, value: str | None, actor: str
) -> None:
    """Pin an attribute to a steward's value (None removes the pin); survivorship obeys it."""
    if name not in attribute_names(entity):
        raise InvalidInput(f"{entity.value} golden records have no attribute {name!r}")
    golden = resolve_id(session, golden_id)
    existing = session.get(AttributeOverride, (golden.id, name))
    if value is None:
        if existing is not None:
            session.delete(existing)
    elif existing is None:
        session.add(AttributeOverride(golden_id=golden.id, name=name, value=value, actor=actor))
    else:
        existing.value, existing.actor = value, actor
    session.flush()
    publish(
        session, entity, [Change(golden.id, "updated", {"override": name, "value": value})], actor
    )


def _key(record: SourceRecord) -> str:
    return f"{record.source_system}:{record.source_id}"
