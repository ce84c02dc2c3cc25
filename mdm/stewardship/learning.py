"""Learning from decisions: refit the model from steward labels, preview its effect, apply it.

Accepted and rejected pairs are must-link and cannot-link constraints; they are the labels.
The preview fits the new version without storing it and shows how many open queue items it
would decide (above the link or below the review threshold) and its precision on the labelled
pairs beside the model in force. Applying stores exactly that fit as the new active version,
unless the labels changed in between (then the steward previews again).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import func
from sqlmodel import Session, col, select

from matching.compare import compare
from matching.config import MatchSettings
from matching.prepare import prepare
from matching.scoring import FittedModel, fit_from_labels, match_weight, probability
from mdm.entities import EntityType
from mdm.errors import Conflict, InvalidInput
from mdm.golden.lineage_models import ConstraintKind, MatchConstraint
from mdm.resolution.frames import load_frame
from mdm.resolution.models import CandidateStatus, MatchCandidate
from mdm.resolution.modelstore import active_model, store_model
from mdm.resolution.review import MIN_LABELS
from mdm.stewardship import audit

Pairs = list[tuple[int, int]]


@dataclass(frozen=True)
class Refit:
    """A fitted, not yet stored, model version and what it would change."""

    entity: EntityType
    current_version: int
    labels: int
    matches: int
    fingerprint: str  # which labels it was fitted on; apply refuses a different set
    precision_before: float | None
    precision_after: float | None
    queue_open: int
    decided_before: int
    decided_after: int
    settings: MatchSettings
    model: FittedModel


def _labels(session: Session, entity: EntityType) -> tuple[Pairs, list[bool], str]:
    rows = list(
        session.exec(
            select(MatchConstraint)
            .where(col(MatchConstraint.entity_type) == entity.value)
            .order_by(col(MatchConstraint.id))
        )
    )
    pairs = [(c.record_a_id, c.record_b_id) for c in rows]
    labels = [c.kind == ConstraintKind.MUST_LINK.value for c in rows]
    stamp = max((c.created_at for c in rows), default=None)
    fingerprint = f"{len(rows)}:{rows[-1].id if rows else 0}:{stamp.isoformat() if stamp else ''}"
    return pairs, labels, fingerprint


def _levels(
    session: Session, entity: EntityType, settings: MatchSettings, pairs: Pairs
) -> tuple[npt.NDArray[np.int8], list[int]]:
    """Comparison levels of the pairs whose records are both active; and which pairs those are."""
    frame = load_frame(session, entity, {r for pair in pairs for r in pair})
    row = {rid: i for i, rid in enumerate(frame.record_ids)}
    kept = [i for i, (a, b) in enumerate(pairs) if a in row and b in row]
    if not kept:
        return np.zeros((0, len(settings.comparisons)), np.int8), kept
    prepared = prepare(frame.frame, settings)
    left = np.array([row[pairs[i][0]] for i in kept], np.int64)
    right = np.array([row[pairs[i][1]] for i in kept], np.int64)
    return compare(prepared, left, right, settings.comparisons), kept


def precision(
    model: FittedModel | None, levels: npt.NDArray[np.int8], truth: list[bool]
) -> float | None:
    """Share of the pairs the model would link that stewards said match (None: it links none)."""
    if model is None or len(truth) == 0:
        return None
    linked = probability(match_weight(model, levels)) >= model.thresholds.upper
    if not linked.any():
        return None
    return round(float(np.asarray(truth, np.bool_)[linked].mean()), 4)


def decided(model: FittedModel | None, levels: npt.NDArray[np.int8]) -> int:
    """How many pairs the model puts outside the review band (linked or kept apart)."""
    if model is None or len(levels) == 0:
        return 0
    p = probability(match_weight(model, levels))
    return int(((p >= model.thresholds.upper) | (p < model.thresholds.lower)).sum())


def preview(session: Session, entity: EntityType) -> Refit:
    """Fit a new version from the labels and measure it; nothing is stored."""
    settings, base, version = active_model(session, entity)
    pairs, truth, fingerprint = _labels(session, entity)
    levels, kept = _levels(session, entity, settings, pairs)
    labels = [truth[i] for i in kept]
    matches = sum(labels)
    if len(labels) < MIN_LABELS or matches in (0, len(labels)):
        raise InvalidInput(
            f"refitting needs at least {MIN_LABELS} decided {entity.value} pairs with both "
            f"accepts and rejects; there are {len(labels)} ({matches} accepted)"
        )
    model = fit_from_labels(settings, levels, np.asarray(labels, np.bool_), base=base)
    queue = _queue_pairs(session, entity)
    queue_levels, _ = _levels(session, entity, settings, queue)
    return Refit(
        entity=entity,
        current_version=version,
        labels=len(labels),
        matches=matches,
        fingerprint=fingerprint,
        precision_before=precision(base, levels, labels),
        precision_after=precision(model, levels, labels),
        queue_open=len(queue),
        decided_before=decided(base, queue_levels),
        decided_after=decided(model, queue_levels),
        settings=settings,
        model=model,
    )


def _queue_pairs(session: Session, entity: EntityType) -> Pairs:
    query = select(MatchCandidate.record_a_id, MatchCandidate.record_b_id).where(
        col(MatchCandidate.entity_type) == entity.value,
        col(MatchCandidate.status) == CandidateStatus.OPEN.value,
    )
    return [(a, b) for a, b in session.exec(query)]


def apply(session: Session, entity: EntityType, fingerprint: str, actor: str) -> int:
    """Store the refit previewed on labels `fingerprint` as the new active version."""
    refit = preview(session, entity)
    if refit.fingerprint != fingerprint:
        raise Conflict("decisions changed since the preview; preview the refit again")
    version = store_model(session, entity, refit.settings, refit.model, origin="labels")
    audit.record(
        session,
        actor,
        "refit",
        f"model:{entity.value}:{version}",
        entity=entity,
        before={"version": refit.current_version, "precision": refit.precision_before},
        after={"version": version, "precision": refit.precision_after, "labels": refit.labels},
    )
    return version


def label_count(session: Session, entity: EntityType) -> int:
    """How many decided pairs of this type there are."""
    query = (
        select(func.count())
        .select_from(MatchConstraint)
        .where(col(MatchConstraint.entity_type) == entity.value)
    )
    return int(session.exec(query).one())
