"""Read side of golden records: lookups that follow redirects, and batch loads for the APIs.

Every batch function takes many golden ids and answers with a fixed number of statements, so
GraphQL data loaders and REST routes never issue one query per record. Results are plain
dataclasses: SQLModel tables stay behind this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, or_
from sqlalchemy import select as columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.golden.lineage_models import GoldenAttribute
from mdm.golden.models import GoldenRecord
from mdm.records.models import RecordStatus, SourceRecord
from mdm.resolution.models import CandidateStatus, MatchCandidate

CHUNK = 500
MAX_REDIRECTS = 64  # a chain longer than this is a cycle (a bug), not history


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


def aware(moment: datetime) -> datetime:
    """`moment` with a time zone: SQLite hands stored UTC times back naive."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[list[str]]:
    """`items` in slices small enough for an IN list."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


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


def _golden_rows(session: Session, ids: Sequence[str]) -> dict[str, GoldenRecord]:
    found: dict[str, GoldenRecord] = {}
    for chunk in chunks(list(ids)):
        query = select(GoldenRecord).where(col(GoldenRecord.id).in_(chunk))
        found.update({g.id: g for g in session.exec(query)})
    return found


def _ref(golden: GoldenRecord, requested: str) -> GoldenRef:
    return GoldenRef(
        id=golden.id,
        entity_type=EntityType(golden.entity_type),
        status=golden.status,
        created_at=aware(golden.created_at),
        updated_at=aware(golden.updated_at),
        requested_id=requested,
    )


def golden_by_id(session: Session, golden_id: str) -> GoldenRef | None:
    """The golden record behind an id (a merged-away id leads to its survivor), or None."""
    return resolve_goldens(session, [golden_id]).get(golden_id)


def golden_as_stored(session: Session, golden_id: str) -> GoldenRef | None:
    """The golden record under exactly this id (a merged one is not followed), or None."""
    golden = session.get(GoldenRecord, golden_id)
    return _ref(golden, golden_id) if golden is not None else None


def golden_by_key(
    session: Session, entity: EntityType, system: str, source_id: str
) -> GoldenRef | None:
    """The golden record of the source record (system, source id), or None."""
    query = select(SourceRecord.golden_id).where(
        col(SourceRecord.entity_type) == entity.value,
        col(SourceRecord.source_system) == system.strip().lower(),
        col(SourceRecord.source_id) == source_id,
    )
    golden_id = session.exec(query).first()
    return golden_by_id(session, golden_id) if golden_id else None


def attributes_of(
    session: Session, golden_ids: Iterable[str]
) -> dict[str, dict[str, AttributeValue]]:
    """Survived attributes of each golden id, with the rule and the supplying record."""
    found: dict[str, dict[str, AttributeValue]] = defaultdict(dict)
    for chunk in chunks(sorted(set(golden_ids))):
        query = (
            columns(
                col(GoldenAttribute.golden_id),
                col(GoldenAttribute.name),
                col(GoldenAttribute.value),
                col(GoldenAttribute.rule),
                col(SourceRecord.id),
                col(SourceRecord.source_system),
                col(SourceRecord.source_id),
            )
            .outerjoin(SourceRecord, col(SourceRecord.id) == col(GoldenAttribute.source_record_id))
            .where(col(GoldenAttribute.golden_id).in_(chunk))
        )
        for gid, name, value, rule, rid, system, sid in session.execute(query):
            source = SourceKey(rid, system, sid) if rid is not None else None
            found[gid][name] = AttributeValue(value, rule, source)
    return found


def members_of_many(session: Session, golden_ids: Iterable[str]) -> dict[str, list[Member]]:
    """Every source record pointing at each golden id (deleted ones too), in key order."""
    found: dict[str, list[Member]] = defaultdict(list)
    for chunk in chunks(sorted(set(golden_ids))):
        query = (
            columns(
                col(SourceRecord.id),
                col(SourceRecord.golden_id),
                col(SourceRecord.source_system),
                col(SourceRecord.source_id),
                col(SourceRecord.status),
            )
            .where(col(SourceRecord.golden_id).in_(chunk))
            .order_by(col(SourceRecord.source_system), col(SourceRecord.source_id))
        )
        rows = list(session.execute(query))
        pending = in_review(session, [r[0] for r in rows if r[0] is not None])
        for rid, gid, system, sid, status in rows:
            assert rid is not None
            assert gid is not None
            found[gid].append(
                Member(SourceKey(rid, system, sid), gid, _status(rid, status, pending))
            )
    return found


def _status(record_id: int, status: str, pending: set[int]) -> str:
    if status == RecordStatus.DELETED.value:
        return "deleted"
    return "pending_review" if record_id in pending else "linked"


def in_review(session: Session, record_ids: Sequence[int]) -> set[int]:
    """Those of the records with an open match candidate: their golden record may change."""
    found: set[int] = set()
    for start in range(0, len(record_ids), CHUNK):
        chunk = list(record_ids[start : start + CHUNK])
        query = select(MatchCandidate.record_a_id, MatchCandidate.record_b_id).where(
            col(MatchCandidate.status) == CandidateStatus.OPEN.value,
            or_(
                col(MatchCandidate.record_a_id).in_(chunk),
                col(MatchCandidate.record_b_id).in_(chunk),
            ),
        )
        found.update(rid for pair in session.exec(query) for rid in pair)
    return found & set(record_ids)


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
