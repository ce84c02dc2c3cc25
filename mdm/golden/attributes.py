"""Recompute golden attributes from the members (survivorship), keeping lineage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select
from sqlalchemy import select as sa_select
from sqlmodel import Session

from mdm.db import chunks, flushed_connection, insert_rows
from mdm.entities import EntityType
from mdm.golden.lineage_models import AttributeOverride, GoldenAttribute
from mdm.golden.survivorship import Member, Survived, default_rules, survive
from mdm.id_lists import in_list
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


@dataclass
class Members:
    """Active members of golden ids: survivorship's view of each, and each one's `system:id`."""

    records: dict[str, list[Member]] = field(default_factory=lambda: defaultdict(list))
    keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def load_members(session: Session, entity: EntityType, golden_ids: Iterable[str]) -> Members:
    """Active members of each golden id with their current typed values, in one read."""
    ids = sorted(set(golden_ids))
    names, query = attribute_names(entity), _members_query(entity)
    found = Members()
    keys, records = found.keys, found.records
    connection = flushed_connection(session)
    for chunk in chunks(ids):
        for row in connection.execute(query, {"ids": chunk}).all():
            record_id, golden_id, system, source_id, updated_at, typed_id = row[:6]
            keys[golden_id].append(f"{system}:{source_id}")
            if typed_id is not None:  # survivorship reads the typed values; without, none
                typed = zip(names, row[6:], strict=True)
                values = {n: str(v) for n, v in typed if v is not None}
                role = system_role(system)
                records[golden_id].append(Member(record_id, system, role, updated_at, values))
    return found


@cache
def _members_query(entity: EntityType) -> Select[Any]:
    # Columns through the connection, not ORM rows: every batch recomputes a thousand golden
    # records. An outer join, so a record without typed values still counts as a member. Built
    # once per type: SQLAlchemy then finds its compiled form without building it again.
    typed_model: Any = RECORD_TABLES[entity]
    table = typed_model.__table__
    record = SourceRecord.__table__.c  # type: ignore[attr-defined]
    query = sa_select(
        record.id,
        record.golden_id,
        record.source_system,
        record.source_id,
        record.updated_at,
        table.c.source_record_id,
        *(table.c[n] for n in attribute_names(entity)),
    ).outerjoin(table, table.c.source_record_id == record.id)
    return query.where(
        in_list(record.golden_id),  # bound per chunk, not built
        record.status == RecordStatus.ACTIVE.value,
    )


def _overrides(session: Session, golden_ids: list[str]) -> dict[str, dict[str, str]]:
    # columns through the connection, the statement built once: most batches find none
    found: dict[str, dict[str, str]] = defaultdict(dict)
    connection = flushed_connection(session)
    for chunk in chunks(golden_ids):
        for golden_id, name, value in connection.execute(_OVERRIDES, {"ids": chunk}):
            found[golden_id][name] = value
    return found


_OVERRIDE = AttributeOverride.__table__.c  # type: ignore[attr-defined]
_OVERRIDES = sa_select(_OVERRIDE.golden_id, _OVERRIDE.name, _OVERRIDE.value).where(
    in_list(_OVERRIDE.golden_id)
)


def recompute(
    session: Session,
    entity: EntityType,
    golden_ids: Iterable[str],
    *,
    fresh: frozenset[str] = frozenset(),
) -> dict[str, GoldenView]:
    """Survive every attribute of the given golden ids, store them, and return the views.

    `fresh`: ids of golden records inserted in this transaction (no override or stored
    attribute can be theirs yet, so none is looked for)."""
    ids = sorted(set(golden_ids))
    if not ids:
        return {}
    members = load_members(session, entity, ids)
    older = [gid for gid in ids if gid not in fresh]
    overrides = _overrides(session, older)
    rules, names = default_rules(entity), attribute_names(entity)
    views = {
        gid: GoldenView(
            members.keys.get(gid, []),
            survive(members.records.get(gid, []), rules, names, overrides.get(gid)),
        )
        for gid in ids
    }
    _store(session, views, older)
    return views


def _store(session: Session, views: dict[str, GoldenView], stored: list[str]) -> None:
    # Delete and insert, not a diff: most touched golden records are new, and the attributes of
    # the others mostly change source (the newest record). Reading them back to update only
    # what differs cost as much on SQLite as writing them all again. Only `stored` ids can
    # have rows to delete.
    for chunk in chunks(stored):
        session.connection().execute(_DELETE, {"ids": chunk})
    _forget_loaded(session, set(stored))
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


_ATTRIBUTE = GoldenAttribute.__table__  # type: ignore[attr-defined]
_DELETE = _ATTRIBUTE.delete().where(in_list(_ATTRIBUTE.c.golden_id))


def _forget_loaded(session: Session, golden_ids: set[str]) -> None:
    """Drop loaded attribute rows of these golden ids (deleted past the ORM), as its delete
    would: a later read loads the rows written now."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, GoldenAttribute) and obj.golden_id in golden_ids:
            session.expunge(obj)
