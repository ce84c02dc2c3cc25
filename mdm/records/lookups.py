"""Key lookups other layers share: the golden id behind a (system, source id)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from mdm.db import chunks
from mdm.entities import EntityType
from mdm.records.models import SourceRecord


def ids_by_system(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Distinct (system, source id) keys as sorted source ids per system: queries then read
    `system = ? AND id IN (...)`, which seeks an index where a row-value IN scans on SQLite."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for system, source_id in sorted(set(keys)):
        grouped[system].append(source_id)
    return grouped


def golden_ids_by_key(
    session: Session, entity: EntityType, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The golden id of each (system, source id) that has a record with one."""
    found: dict[tuple[str, str], str] = {}
    for system, ids in ids_by_system(keys).items():
        for chunk in chunks(ids):
            query = select(SourceRecord.source_id, SourceRecord.golden_id).where(
                col(SourceRecord.entity_type) == entity.value,
                col(SourceRecord.source_system) == system,
                col(SourceRecord.source_id).in_(chunk),
            )
            for source_id, golden_id in session.exec(query):
                if golden_id:
                    found[(system, source_id)] = golden_id
    return found
