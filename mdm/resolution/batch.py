"""`mdm resolve --all`: run the batch matcher over every record and apply what it finds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from matching.pipeline import Constraints, RecordKey, dedupe
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import ConstraintKind, MatchConstraint
from mdm.resolution.evidence import record_links, refresh_candidates
from mdm.resolution.frames import RecordFrame, load_frame
from mdm.resolution.keys import store_keys
from mdm.resolution.modelstore import active_model, store_model
from mdm.resolution.reconcile import reconcile


@dataclass(frozen=True)
class ResolveReport:
    """What one resolve run did."""

    entity: EntityType
    records: int
    golden_records: int
    created: int
    absorbed: int
    moved_records: int
    links: int
    review: int
    model_version: int

    def summary(self) -> str:
        """One line for a person."""
        return (
            f"{self.entity.plural}: {self.records} records -> {self.golden_records} golden "
            f"({self.created} new ids, {self.absorbed} merged away, {self.moved_records} moved), "
            f"{self.links} links, {self.review} to review, model v{self.model_version}"
        )


# Parents first: contracts and projects are matched inside their resolved customer.
ORDER = (EntityType.CUSTOMER, EntityType.CONTRACT, EntityType.PROJECT)


def resolve_every_type(
    engine: Engine, kinds: Sequence[EntityType] = ORDER, *, refit: bool = True
) -> list[ResolveReport]:
    """Resolve each type in its own unit of work, parents before children."""
    reports = []
    for kind in kinds:
        with session_scope(engine, write=True) as session:
            reports.append(resolve_all(session, kind, refit=refit))
    return reports


def resolve_all(
    session: Session, entity: EntityType, *, refit: bool = True, actor: str = "engine"
) -> ResolveReport:
    """Re-resolve every active record of a type, obeying steward constraints."""
    records = load_frame(session, entity)
    settings, model, version = active_model(session, entity)
    if records.frame.empty:
        return ResolveReport(entity, 0, 0, 0, 0, 0, 0, 0, version)
    result = dedupe(
        records.frame,
        settings,
        model=None if refit else model,
        constraints=load_constraints(session, entity, records),
    )
    if refit or model is None:
        version = store_model(session, entity, settings, result.model, origin="em")
    labels = result.clusters["cluster_id"].astype(str).tolist()
    done = reconcile(session, entity, records, labels, actor)
    store_keys(session, entity, records, settings)
    links = record_links(session, entity, records, done.golden_of_row, result.pairs)
    review = refresh_candidates(session, entity, records, done.golden_of_row, result.pairs)
    return ResolveReport(
        entity,
        len(labels),
        len(set(done.golden_of_row)),
        len(done.created),
        len(done.absorbed),
        done.moved_records,
        links,
        review,
        version,
    )


def load_constraints(session: Session, entity: EntityType, records: RecordFrame) -> Constraints:
    """Steward must-link and cannot-link pairs as matching's record keys."""
    key_of = {
        rid: (str(s), str(i))
        for rid, s, i in zip(
            records.record_ids,
            records.frame["source_system"],
            records.frame["source_id"],
            strict=True,
        )
    }
    must: list[tuple[RecordKey, RecordKey]] = []
    cannot: list[tuple[RecordKey, RecordKey]] = []
    query = select(MatchConstraint).where(col(MatchConstraint.entity_type) == entity.value)
    for constraint in session.exec(query):
        a, b = key_of.get(constraint.record_a_id), key_of.get(constraint.record_b_id)
        if a and b:
            (must if constraint.kind == ConstraintKind.MUST_LINK else cannot).append((a, b))
    return Constraints(tuple(must), tuple(cannot))
