"""Recompute golden attributes from the members (survivorship), keeping lineage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mdm.db import insert_rows
from mdm.entities import EntityType
from mdm.golden.lineage_models import AttributeOverride, GoldenAttribute
from mdm.golden.survivorship import Member, Survived, default_rules, survive
from mdm.records.mapping import MappingError, load_mapping
from mdm.records.models import RECORD_TABLES, RecordStatus, SourceRecord

ROLES = ("crm", "psa", "erp")


@dataclass
class GoldenView:
    """A golden record's active members (as `system:id`) and survived attributes."""

    members: list[str] = field(default_factory=list)
    attributes: dict[str, Survived] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """Attribute values without lineage."""
        return {name: s.value for name, s in self.attributes.items()}


@cache
def system_role(system: str) -> str | None:
    """`crm`, `psa` or `erp` for a system named so or mapped as such."""
    if system in ROLES:
        return system
    try:
        return load_mapping(system).role
    except (MappingError, FileNotFoundError, KeyError):
        return None


def attribute_names(entity: EntityType) -> list[str]:
    """The canonical attributes a golden record of this type carries."""
    return [f for f in RECORD_TABLES[entity].model_fields if f != "source_record_id"]


def load_members(
    session: Session, entity: EntityType, golden_ids: Iterable[str]
) -> dict[str, list[Member]]:
    """Active members of each golden id with their current typed values."""
    ids = sorted(set(golden_ids))
    table = RECORD_TABLES[entity]
    names = attribute_names(entity)
    members: dict[str, list[Member]] = defaultdict(list)
    record = (
        col(SourceRecord.id),
        col(SourceRecord.golden_id),
        col(SourceRecord.source_system),
        col(SourceRecord.updated_at),
    )
    # Column tuples, not ORM objects: every batch recomputes hundreds of golden records.
    query = sa_select(*record, *(col(getattr(table, n)) for n in names)).join(
        table, col(table.source_record_id) == col(SourceRecord.id)
    )
    for start in range(0, len(ids), 500):
        chunk = query.where(
            col(SourceRecord.golden_id).in_(ids[start : start + 500]),
            col(SourceRecord.status) == RecordStatus.ACTIVE.value,
        )
        for record_id, golden_id, system, updated_at, *typed in session.execute(chunk):
            values = {n: str(v) for n, v in zip(names, typed, strict=True) if v is not None}
            members[golden_id].append(
                Member(record_id, system, system_role(system), updated_at, values)
            )
    return members


def _overrides(session: Session, golden_ids: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = defaultdict(dict)
    query = select(AttributeOverride).where(col(AttributeOverride.golden_id).in_(golden_ids))
    for override in session.exec(query):
        found[override.golden_id][override.name] = override.value
    return found


def recompute(
    session: Session, entity: EntityType, golden_ids: Iterable[str]
) -> dict[str, GoldenView]:
    """Survive every attribute of the given golden ids, store them, and return the views."""
    ids = sorted(set(golden_ids))
    if not ids:
        return {}
    members = load_members(session, entity, ids)
    overrides = _overrides(session, ids)
    rules, names = default_rules(entity), attribute_names(entity)
    keys = _member_keys(session, ids)
    views = {
        gid: GoldenView(
            keys.get(gid, []), survive(members.get(gid, []), rules, names, overrides.get(gid))
        )
        for gid in ids
    }
    _store(session, views)
    return views


def _member_keys(session: Session, golden_ids: list[str]) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = defaultdict(list)
    query = select(
        SourceRecord.golden_id, SourceRecord.source_system, SourceRecord.source_id
    ).where(
        col(SourceRecord.golden_id).in_(golden_ids),
        col(SourceRecord.status) == RecordStatus.ACTIVE.value,
    )
    for golden_id, system, source_id in session.exec(query):
        keys[str(golden_id)].append(f"{system}:{source_id}")
    return keys


def _store(session: Session, views: dict[str, GoldenView]) -> None:
    ids = list(views)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(GoldenAttribute).where(col(GoldenAttribute.golden_id).in_(chunk)))
    rows = [
        {
            "golden_id": gid,
            "name": name,
            "value": s.value,
            "source_record_id": s.source_record_id,
            "rule": s.rule,
        }
        for gid, view in views.items()
        for name, s in view.attributes.items()
    ]
    if rows:
        insert_rows(session, GoldenAttribute, rows)
