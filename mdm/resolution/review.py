"""Steward review of match candidates; decisions become constraints and training labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlmodel import Session, col, select

from matching.compare import compare
from matching.prepare import prepare
from matching.scoring import fit_from_labels
from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.errors import Conflict, InvalidInput, NotFound
from mdm.golden import membership
from mdm.golden.lineage_models import ConstraintKind, LinkKind, MatchConstraint
from mdm.records.models import SourceRecord
from mdm.resolution.frames import load_frame
from mdm.resolution.models import CandidateStatus, MatchCandidate
from mdm.resolution.modelstore import active_model, store_model

MIN_LABELS = 10


def decide(session: Session, candidate_id: int, accept: bool, actor: str) -> MatchCandidate:
    """Accept (merge the two golden records) or reject (keep them apart for good) a candidate."""
    candidate = session.get(MatchCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"match candidate {candidate_id} does not exist")
    if candidate.status != CandidateStatus.OPEN:
        raise Conflict(f"match candidate {candidate_id} is already {candidate.status}")
    entity = EntityType(candidate.entity_type)
    a, b = _record(session, candidate.record_a_id), _record(session, candidate.record_b_id)
    if accept:
        if a.golden_id != b.golden_id:
            membership.merge(
                session, entity, a.golden_id or "", b.golden_id or "", actor, LinkKind.STEWARD
            )
        _constrain(session, entity, candidate, ConstraintKind.MUST_LINK, actor)
    else:
        if a.golden_id == b.golden_id:
            raise Conflict("the two records already share a golden record; split it instead")
        _constrain(session, entity, candidate, ConstraintKind.CANNOT_LINK, actor)
    candidate.status = CandidateStatus.ACCEPTED if accept else CandidateStatus.REJECTED
    candidate.decided_at, candidate.decided_by = utcnow(), actor
    session.flush()
    return candidate


def _record(session: Session, record_id: int) -> SourceRecord:
    record = session.get(SourceRecord, record_id)
    if record is None or record.golden_id is None:
        raise InvalidInput(f"record {record_id} is not part of any golden record")
    return record


def _constrain(
    session: Session,
    entity: EntityType,
    candidate: MatchCandidate,
    kind: ConstraintKind,
    actor: str,
) -> None:
    existing = session.exec(
        select(MatchConstraint).where(
            col(MatchConstraint.record_a_id) == candidate.record_a_id,
            col(MatchConstraint.record_b_id) == candidate.record_b_id,
        )
    ).first()
    if existing is None:
        session.add(
            MatchConstraint(
                entity_type=entity.value,
                record_a_id=candidate.record_a_id,
                record_b_id=candidate.record_b_id,
                kind=kind.value,
                actor=actor,
            )
        )
    else:
        existing.kind, existing.actor, existing.created_at = kind.value, actor, utcnow()


@dataclass(frozen=True)
class TrainReport:
    """What `mdm train` learned from."""

    entity: EntityType
    matches: int
    non_matches: int
    model_version: int | None


def train(session: Session, entity: EntityType) -> TrainReport:
    """Refit m and u from steward decisions (constraints), shrunk towards the active model."""
    settings, base, version = active_model(session, entity)
    labelled = list(
        session.exec(
            select(MatchConstraint).where(col(MatchConstraint.entity_type) == entity.value)
        )
    )
    ids = {c.record_a_id for c in labelled} | {c.record_b_id for c in labelled}
    records = load_frame(session, entity, ids)
    row = {rid: i for i, rid in enumerate(records.record_ids)}
    pairs = [
        (row[c.record_a_id], row[c.record_b_id], c.kind == ConstraintKind.MUST_LINK)
        for c in labelled
        if c.record_a_id in row and c.record_b_id in row
    ]
    matches = sum(1 for *_ab, is_match in pairs if is_match)
    if len(pairs) < MIN_LABELS or matches == 0 or matches == len(pairs):
        return TrainReport(entity, matches, len(pairs) - matches, None)
    prepared = prepare(records.frame, settings)
    left = np.array([a for a, _b, _m in pairs], np.int64)
    right = np.array([b for _a, b, _m in pairs], np.int64)
    levels = compare(prepared, left, right, settings.comparisons)
    labels = np.array([m for *_ab, m in pairs], np.bool_)
    model = fit_from_labels(settings, levels, labels, base=base)
    version = store_model(session, entity, settings, model, origin="labels")
    return TrainReport(entity, matches, len(pairs) - matches, version)
