"""Rows of the xref and golden exports, streamed from the database in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.exports.references import golden_references, reference_columns
from mdm.golden.attributes import attribute_names
from mdm.golden.lineage_models import GoldenAttribute
from mdm.golden.models import GoldenRecord, GoldenStatus
from mdm.records.models import (
    QuarantineItem,
    QuarantineStatus,
    RecordStatus,
    SourceRecord,
)
from mdm.resolution.models import CandidateStatus, MatchCandidate

XREF_COLUMNS = ("entity_type", "source_system", "source_id", "golden_id", "status")
BATCH = 2000


def xref_rows(session: Session, entity: EntityType | None) -> Iterator[dict[str, str]]:
    """Every source record's golden id and status, then quarantined keys with no record."""
    for kind in [entity] if entity else list(EntityType):
        yield from _record_rows(session, kind)
        yield from _quarantined_rows(session, kind)


def _record_rows(session: Session, kind: EntityType) -> Iterator[dict[str, str]]:
    redirects = _redirects(session, kind)
    query = (
        select(SourceRecord)
        .where(SourceRecord.entity_type == kind.value)
        .order_by(SourceRecord.source_system, SourceRecord.source_id)
        .execution_options(yield_per=BATCH)
    )
    in_review = _in_review(session, kind)
    for record in session.scalars(query):
        golden = _follow(redirects, record.golden_id) if record.golden_id else ""
        if record.status == RecordStatus.DELETED:
            status = "deleted"
        else:
            status = "pending_review" if record.id in in_review else "linked"
        yield {
            "entity_type": kind.value,
            "source_system": record.source_system,
            "source_id": record.source_id,
            "golden_id": golden,
            "status": status,
        }


def _in_review(session: Session, kind: EntityType) -> set[int]:
    """Records with an open match candidate: their golden record may still change."""
    query = select(MatchCandidate.record_a_id, MatchCandidate.record_b_id).where(
        col(MatchCandidate.entity_type) == kind.value,
        col(MatchCandidate.status) == CandidateStatus.OPEN.value,
    )
    return {record_id for pair in session.exec(query) for record_id in pair}


def _quarantined_rows(session: Session, kind: EntityType) -> Iterator[dict[str, str]]:
    # A key that already has an accepted record is reported once, with the record's status.
    accepted = and_(
        col(SourceRecord.entity_type) == col(QuarantineItem.entity_type),
        col(SourceRecord.source_system) == col(QuarantineItem.source_system),
        col(SourceRecord.source_id) == col(QuarantineItem.source_id),
    )
    query = (
        select(QuarantineItem.source_system, QuarantineItem.source_id)
        .outerjoin(SourceRecord, accepted)
        .where(
            QuarantineItem.entity_type == kind.value,
            QuarantineItem.status == QuarantineStatus.OPEN.value,
            col(SourceRecord.id).is_(None),
        )
        .distinct()
        .order_by(col(QuarantineItem.source_system), col(QuarantineItem.source_id))
    )
    for system, source_id in session.execute(query):
        yield {
            "entity_type": kind.value,
            "source_system": system or "",
            "source_id": source_id or "",
            "golden_id": "",
            "status": "quarantined",
        }


def _redirects(session: Session, kind: EntityType) -> dict[str, str]:
    query = select(GoldenRecord.id, GoldenRecord.merged_into_id).where(
        GoldenRecord.entity_type == kind.value,
        col(GoldenRecord.merged_into_id).is_not(None),
    )
    return dict(session.execute(query).all())


def _follow(redirects: dict[str, str], golden_id: str) -> str:
    seen = {golden_id}
    while golden_id in redirects:
        golden_id = redirects[golden_id]
        if golden_id in seen:  # a cycle would be a bug; stop rather than hang an export
            break
        seen.add(golden_id)
    return golden_id


def golden_columns(kind: EntityType) -> tuple[str, ...]:
    """Header of the golden export: id, survived attributes, references, where they came from."""
    return (
        "golden_id",
        *attribute_names(kind),
        *reference_columns(kind),
        "source_count",
        "source_systems",
    )


def golden_rows(session: Session, kind: EntityType) -> Iterator[dict[str, Any]]:
    """One row per active golden record: survived attributes and its members' systems."""
    query = (
        select(GoldenRecord.id)
        .where(
            col(GoldenRecord.entity_type) == kind.value,
            col(GoldenRecord.status) == GoldenStatus.ACTIVE.value,
        )
        .order_by(col(GoldenRecord.id))
    )
    ids = list(session.exec(query))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        attributes = _attributes(session, chunk)
        references = golden_references(session, kind, chunk)
        systems = _member_systems(session, chunk)
        for golden_id in chunk:
            members = systems.get(golden_id, [])
            yield {
                "golden_id": golden_id,
                **attributes.get(golden_id, {}),
                **references.get(golden_id, {}),
                "source_count": len(members),
                "source_systems": " ".join(sorted(set(members))),
            }


def _attributes(session: Session, ids: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = defaultdict(dict)
    query = select(GoldenAttribute).where(col(GoldenAttribute.golden_id).in_(ids))
    for attribute in session.exec(query):
        found[attribute.golden_id][attribute.name] = attribute.value
    return found


def _member_systems(session: Session, ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    query = select(SourceRecord.golden_id, SourceRecord.source_system).where(
        col(SourceRecord.golden_id).in_(ids),
        col(SourceRecord.status) == RecordStatus.ACTIVE.value,
    )
    for golden_id, system in session.exec(query):
        found[str(golden_id)].append(system)
    return found
