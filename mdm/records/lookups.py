"""Key lookups other layers share: the golden id behind a (system, source id)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.records.models import SourceRecord


def golden_ids_by_key(
    session: Session, entity: EntityType, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The golden id of each (system, source id) that has a record with one."""
    by_system: dict[str, list[str]] = defaultdict(list)
    for system, source_id in sorted(set(keys)):
        by_system[system].append(source_id)
    found: dict[tuple[str, str], str] = {}
    for system, ids in by_system.items():
        # `system = ? AND id IN (...)` seeks the unique key; a row-value IN scans on SQLite
        for start in range(0, len(ids), 500):
            query = select(SourceRecord.source_id, SourceRecord.golden_id).where(
                col(SourceRecord.entity_type) == entity.value,
                col(SourceRecord.source_system) == system,
                col(SourceRecord.source_id).in_(ids[start : start + 500]),
            )
            for source_id, golden_id in session.exec(query):
                if golden_id:
                    found[(system, source_id)] = golden_id
    return found
