"""Steward operations with their consequences: after a customer merge, split or move, its
contracts and projects follow (re-resolved under the new parent). The API calls these."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.golden import membership, steward
from mdm.golden.lineage_models import LinkKind
from mdm.golden.models import GoldenRecord
from mdm.records.models import RecordStatus, SourceRecord
from mdm.resolution.incremental import follow_parents


def merge(session: Session, entity: EntityType, a: str, b: str, actor: str) -> GoldenRecord:
    """Merge two golden records by a steward's decision."""
    moved = _members(session, [a, b])
    survivor = membership.merge(session, entity, a, b, actor, LinkKind.STEWARD)
    _follow(session, entity, moved)
    return survivor


def split(
    session: Session, entity: EntityType, golden_id: str, record_ids: Sequence[int], actor: str
) -> tuple[str, str]:
    """Split records off a golden record (the larger part keeps the id)."""
    kept, fresh = membership.split(session, entity, golden_id, record_ids, actor)
    _follow(session, entity, _members(session, [kept, fresh]))
    return kept, fresh


def unmerge(session: Session, entity: EntityType, golden_id: str, actor: str) -> tuple[str, str]:
    """Undo the latest merge into a golden record."""
    kept, fresh = steward.unmerge(session, entity, golden_id, actor)
    _follow(session, entity, _members(session, [kept, fresh]))
    return kept, fresh


def move_record(
    session: Session, entity: EntityType, record_id: int, target: str | None, actor: str
) -> str:
    """Move one record into another golden record, or out on its own."""
    golden = steward.move_record(session, entity, record_id, target, actor)
    _follow(session, entity, [record_id])
    return golden


def _members(session: Session, golden_ids: Sequence[str]) -> list[int]:
    ids = [membership.resolve_id(session, g).id for g in golden_ids]
    query = select(SourceRecord.id).where(
        col(SourceRecord.golden_id).in_(ids), col(SourceRecord.status) == RecordStatus.ACTIVE.value
    )
    return [i for i in session.exec(query) if i is not None]


def _follow(session: Session, entity: EntityType, record_ids: Sequence[int]) -> None:
    if entity == EntityType.CUSTOMER:
        follow_parents(session, record_ids)
