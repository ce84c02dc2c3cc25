"""Read side of golden records: lookups that follow redirects, and batch loads for the APIs.

Every batch function takes many golden ids and answers with a fixed number of statements, so
GraphQL data loaders and REST routes never issue one query per record. Results are plain
dataclasses: SQLModel tables stay behind this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Executable,
    Result,
    Row,
    and_,
    bindparam,
    exists,
    func,
    or_,
)
from sqlalchemy import select as columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from mdm.clock import aware
from mdm.db import chunks
from mdm.entities import EntityType
from mdm.golden.lineage_models import GoldenAttribute
from mdm.golden.models import GoldenRecord
from mdm.records.models import RecordStatus, SourceRecord
from mdm.resolution.models import CandidateStatus, MatchCandidate

MAX_REDIRECTS = 64  # a chain longer than this is a cycle (a bug), not history

_golden = GoldenRecord.__table__  # type: ignore[attr-defined]
_record = SourceRecord.__table__  # type: ignore[attr-defined]
_attribute = GoldenAttribute.__table__  # type: ignore[attr-defined]
_candidate = MatchCandidate.__table__  # type: ignore[attr-defined]
_IDS: BindParameter[list[Any]] = bindparam("ids", expanding=True)


def in_review(record_id: Any) -> ColumnElement[bool]:
    """Whether the record `record_id` (a column) is in an open candidate, on either side."""
    # The status is compared through coalesce so that no planner walks the status index (every
    # open candidate) instead of the record's own: SQLite without statistics would.
    status = func.coalesce(_candidate.c.status, "") == CandidateStatus.OPEN.value
    return or_(
        exists().where(_candidate.c.record_a_id == record_id, status),
        exists().where(_candidate.c.record_b_id == record_id, status),
    )


# Built once: SQLAlchemy caches their compiled form, so each call only binds its values.
_GOLDEN_COLUMNS = [_golden.c[n] for n in ("id", "entity_type", "status", "merged_into_id")]
_GOLDEN_COLUMNS += [_golden.c.created_at, _golden.c.updated_at]
GOLDENS = columns(*_GOLDEN_COLUMNS).where(_golden.c.id.in_(_IDS))
BY_KEY = (
    columns(*_GOLDEN_COLUMNS)
    .select_from(_record.join(_golden, _golden.c.id == _record.c.golden_id))
    .where(
        _record.c.entity_type == bindparam("entity"),
        _record.c.source_system == bindparam("system"),
        _record.c.source_id == bindparam("source_id"),
    )
)
ATTRIBUTES = (
    columns(
        _attribute.c.golden_id,
        _attribute.c.name,
        _attribute.c.value,
        _attribute.c.rule,
        _record.c.id,
        _record.c.source_system,
        _record.c.source_id,
    )
    .select_from(_attribute.outerjoin(_record, _record.c.id == _attribute.c.source_record_id))
    .where(_attribute.c.golden_id.in_(_IDS))
)
MEMBERS = (
    columns(
        _record.c.id,
        _record.c.golden_id,
        _record.c.source_system,
        _record.c.source_id,
        _record.c.status,
        in_review(_record.c.id).label("pending"),
    )
    .where(_record.c.golden_id.in_(_IDS))
    .order_by(_record.c.source_system, _record.c.source_id)
)


@dataclass(frozen=True)
class GoldenRef:
    """A golden record as found: `requested_id` is the id asked for, `id` where it lives now."""

    id: str
    entity_type: EntityType
    status: str
    created_at: datetime
    updated_at: datetime
    requested_id: str

    @property
    def redirected_from(self) -> str | None:
        """The merged-away id that led here, when a redirect was followed."""
        return None if self.requested_id == self.id else self.requested_id


@dataclass(frozen=True)
class SourceKey:
    """A source record by its database id and its key in its system."""

    record_id: int
    system: str
    source_id: str


@dataclass(frozen=True)
class AttributeValue:
    """A survived attribute: its text, the rule that chose it, the record that supplied it."""

    value: str
    rule: str
    source: SourceKey | None  # None for a steward's override


@dataclass(frozen=True)
class Member:
    """A source record of a golden record, with its cross-reference status."""

    key: SourceKey
    golden_id: str
    status: str  # "linked", "pending_review" or "deleted", as in the xref export


def resolve_goldens(session: Session, golden_ids: Iterable[str]) -> dict[str, GoldenRef]:
    """Each requested id that exists, as the golden record it redirects to (merges followed)."""
    requested = sorted(set(golden_ids))
    rows = _golden_rows(session, requested)
    target = {gid: gid for gid in requested if gid in rows}
    for _ in range(MAX_REDIRECTS):
        pending = {
            gid: rows[now].merged_into_id for gid, now in target.items() if rows[now].merged_into_id
        }
        if not pending:
            break
        rows.update(_golden_rows(session, [n for n in pending.values() if n and n not in rows]))
        for gid, nxt in pending.items():
            if nxt in rows:
                target[gid] = nxt
            else:  # a dangling redirect cannot happen with the foreign key; stop anyway
                target.pop(gid)
    return {gid: _ref(rows[now], gid) for gid, now in target.items()}


def _golden_rows(session: Session, ids: Sequence[str]) -> dict[str, Row[Any]]:
    found: dict[str, Row[Any]] = {}
    for chunk in chunks(list(ids)):
        found.update({row.id: row for row in _run(session, GOLDENS, ids=chunk)})
    return found


def _ref(golden: Row[Any], requested: str) -> GoldenRef:
    return GoldenRef(
        id=golden.id,
        entity_type=EntityType(golden.entity_type),
        status=golden.status,
        created_at=aware(golden.created_at),
        updated_at=aware(golden.updated_at),
        requested_id=requested,
    )


def _run(session: Session, statement: Executable, **params: Any) -> Result[*tuple[Any, ...]]:
    """A prepared Core statement on the session's connection: no ORM objects on hot paths."""
    return session.connection().execute(statement, params)


def golden_by_id(session: Session, golden_id: str) -> GoldenRef | None:
    """The golden record behind an id (a merged-away id leads to its survivor), or None."""
    return resolve_goldens(session, [golden_id]).get(golden_id)


def golden_as_stored(session: Session, golden_id: str) -> GoldenRef | None:
    """The golden record under exactly this id (a merged one is not followed), or None."""
    golden = _golden_rows(session, [golden_id]).get(golden_id)
    return _ref(golden, golden_id) if golden is not None else None


def golden_by_key(
    session: Session, entity: EntityType, system: str, source_id: str
) -> GoldenRef | None:
    """The golden record of the source record (system, source id), or None."""
    key = {"entity": entity.value, "system": system.strip().lower(), "source_id": source_id}
    golden = _run(session, BY_KEY, **key).first()
    if golden is None:
        return None
    return golden_by_id(session, golden.id) if golden.merged_into_id else _ref(golden, golden.id)


def attributes_of(
    session: Session, golden_ids: Iterable[str]
) -> dict[str, dict[str, AttributeValue]]:
    """Survived attributes of each golden id, with the rule and the supplying record."""
    found: dict[str, dict[str, AttributeValue]] = defaultdict(dict)
    for chunk in chunks(sorted(set(golden_ids))):
        for gid, name, value, rule, rid, system, sid in _run(session, ATTRIBUTES, ids=chunk):
            source = SourceKey(rid, system, sid) if rid is not None else None
            found[gid][name] = AttributeValue(value, rule, source)
    return found


def members_of_many(session: Session, golden_ids: Iterable[str]) -> dict[str, list[Member]]:
    """Every source record pointing at each golden id (deleted ones too), in key order."""
    found: dict[str, list[Member]] = defaultdict(list)
    for chunk in chunks(sorted(set(golden_ids))):
        for rid, gid, system, sid, status, pending in _run(session, MEMBERS, ids=chunk):
            found[gid].append(Member(SourceKey(rid, system, sid), gid, _status(status, pending)))
    return found


def _status(status: str, pending: bool) -> str:
    if status == RecordStatus.DELETED.value:
        return "deleted"
    return "pending_review" if pending else "linked"


def external_ids(members: Iterable[Member], system: str) -> list[str]:
    """The golden record's ids in `system`: its active members' source ids there."""
    wanted = system.strip().lower()
    return sorted(
        m.key.source_id for m in members if m.key.system == wanted and m.status != "deleted"
    )


@dataclass(frozen=True)
class Relation:
    """Golden records of `child` type whose survived `attribute` names a `parent` record."""

    child: EntityType
    attribute: str
    parent: EntityType


SUBSIDIARIES = Relation(EntityType.CUSTOMER, "parent_source_id", EntityType.CUSTOMER)
CUSTOMER_CONTRACTS = Relation(EntityType.CONTRACT, "customer_source_id", EntityType.CUSTOMER)
CUSTOMER_PROJECTS = Relation(EntityType.PROJECT, "customer_source_id", EntityType.CUSTOMER)
CONTRACT_CHILDREN = Relation(EntityType.CONTRACT, "parent_source_id", EntityType.CONTRACT)
CONTRACT_PROJECTS = Relation(EntityType.PROJECT, "contract_source_id", EntityType.CONTRACT)


def children_of(
    session: Session, relation: Relation, parent_ids: Iterable[str]
) -> dict[str, list[str]]:
    """For each parent golden id, the golden ids that refer to it, sorted.

    The exact inverse of `mdm.exports.references.golden_references`: a reference is the
    survived attribute, read in the system of the record that supplied it.
    """
    lineage, target = aliased(SourceRecord), aliased(SourceRecord)
    found: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks(sorted(set(parent_ids))):
        refers = and_(
            col(target.entity_type) == relation.parent.value,
            col(target.source_system) == col(lineage.source_system),
            col(target.source_id) == col(GoldenAttribute.value),
        )
        query = (
            select(GoldenAttribute.golden_id, target.golden_id)
            .join(lineage, col(lineage.id) == col(GoldenAttribute.source_record_id))
            .join(target, refers)
            .join(GoldenRecord, col(GoldenRecord.id) == col(GoldenAttribute.golden_id))
            .where(
                col(GoldenAttribute.name) == relation.attribute,
                col(GoldenRecord.entity_type) == relation.child.value,
                col(target.golden_id).in_(chunk),
            )
        )
        for child, parent in session.exec(query):
            if parent is not None and parent != child:
                found[parent].add(child)
    return {parent: sorted(children) for parent, children in found.items()}
