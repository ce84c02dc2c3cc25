"""Key lookups other layers share: the golden id behind a (system, source id)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.records.models import SourceRecord


def golden_ids_by_key(
    session: Session, entity: EntityType, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The golden id of each (system, source id) that has a record with one."""
    pairs = sorted(set(keys))
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(pairs), 400):
        query = select(
            SourceRecord.source_system, SourceRecord.source_id, SourceRecord.golden_id
        ).where(
            col(SourceRecord.entity_type) == entity.value,
            tuple_(col(SourceRecord.source_system), col(SourceRecord.source_id)).in_(
                pairs[start : start + 400]
            ),
        )
        for system, source_id, golden_id in session.exec(query):
            if golden_id:
                found[(system, source_id)] = golden_id
    return found
