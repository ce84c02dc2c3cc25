"""`mdm resolve --all`: run the batch matcher over every record and apply what it finds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from matching.batch.pipeline import dedupe_batch
from matching.batch.standardize import Memo
from matching.config import MatchSettings
from matching.pipeline import Constraints, RecordKey
from matching.scoring import FittedModel
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import ConstraintKind, MatchConstraint
from mdm.resolution.evidence import record_links, refresh_candidates
from mdm.resolution.frames import RecordFrame, load_frame
from mdm.resolution.keys import store_keys
from mdm.resolution.modelstore import active_model, store_model
from mdm.resolution.reconcile import Reconciled, reconcile

# Below this many records, matching runs in this process (see `workers_for`).
PARALLEL_FROM = 50_000


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
    fit_new = refit or model is None
    applied = match_and_apply(session, entity, records, settings, None if fit_new else model, actor)
    if fit_new:
        version = store_model(session, entity, settings, applied.model, origin="em")
    store_keys(session, entity, records, settings)
    done = applied.reconciled
    return ResolveReport(
        entity,
        len(done.golden_of_row),
        len(set(done.golden_of_row)),
        len(done.created),
        len(done.absorbed),
        done.moved_records,
        applied.links,
        applied.review,
        version,
    )


@dataclass(frozen=True)
class Applied:
    """What matching a set of records and applying the clusters did."""

    reconciled: Reconciled
    links: int
    review: int
    model: FittedModel


def match_and_apply(
    session: Session,
    entity: EntityType,
    records: RecordFrame,
    settings: MatchSettings,
    model: FittedModel | None,
    actor: str,
    memo: Memo | None = None,
) -> Applied:
    """Dedupe the records (fitting a model when none is given), then apply the clusters as
    golden records, the linked pairs as links and the uncertain ones as review candidates."""
    constraints = load_constraints(session, entity, records)
    result = dedupe_batch(
        records.frame,
        settings,
        model=model,
        constraints=constraints,
        memo=memo,
        workers=workers_for(len(records.record_ids)),
    )
    labels = result.clusters["cluster_id"].astype(str).tolist()
    done = reconcile(session, entity, records, labels, actor)
    links = record_links(session, entity, records, done.golden_of_row, result.pairs)
    lower = settings.thresholds.lower
    review = refresh_candidates(session, entity, records, done.golden_of_row, result.pairs, lower)
    return Applied(done, links, review, result.model)


def workers_for(rows: int) -> int:
    """Processes for matching `rows` records: a second one only pays on a large run.

    Starting a process forks this whole one (hundreds of MB in a server) and ships the work
    across; the few thousand records a resolve on ingest re-clusters take less than that.
    Keeping them in-process also keeps forks out of a server's threads.
    """
    return 2 if rows >= PARALLEL_FROM else 1


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
