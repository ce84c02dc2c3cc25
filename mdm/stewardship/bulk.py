"""Bulk accept of a score band, allowed only after the steward has been shown a sample of it.

Showing the sample stores a preview (the band's open candidates at that moment and the sample
shown) on the steward's session. Bulk accept needs that preview: same session, unused, recent;
it decides only the candidates that were in the preview and are still open and in the band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from mdm.clock import aware, utcnow
from mdm.entities import EntityType
from mdm.errors import Conflict, Forbidden, MDMError, NotFound
from mdm.resolution.candidates import CandidateView, candidates_by_ids
from mdm.stewardship import actions
from mdm.stewardship.models import BulkPreview
from mdm.stewardship.queue import QueueFilter, ranked

SAMPLE_SIZE = 8
VALID_FOR = timedelta(minutes=30)


@dataclass(frozen=True)
class Preview:
    """A shown sample: the preview's id (the bulk form posts it back) and what it covers."""

    id: int
    entity: EntityType
    band: str
    size: int
    sample: list[CandidateView]


@dataclass(frozen=True)
class BulkResult:
    """What a bulk accept did: accepted ids, and those skipped with why."""

    accepted: list[int]
    skipped: dict[int, str]


def show_sample(session: Session, session_id: int, entity: EntityType, band: str) -> Preview:
    """Record that a sample of the band is being shown, and return it."""
    order = ranked(session, QueueFilter(entity=entity, band=band))
    ids = [r.id for r in order]
    # Spread over the band by probability, lowest first: the weakest pairs are the ones to see.
    by_probability = sorted(order, key=lambda r: (r.probability, r.id))
    step = max(1, len(by_probability) // SAMPLE_SIZE)
    sample_ids = [r.id for r in by_probability[::step][:SAMPLE_SIZE]]
    row = BulkPreview(
        session_id=session_id,
        entity_type=entity.value,
        band=band,
        candidate_ids=ids,
        sample_ids=sample_ids,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    views = candidates_by_ids(session, sample_ids)
    return Preview(row.id, entity, band, len(ids), [views[i] for i in sample_ids if i in views])


def bulk_accept(session: Session, session_id: int, preview_id: int, actor: str) -> BulkResult:
    """Accept the band shown in preview `preview_id`; refused without a valid preview."""
    preview = session.get(BulkPreview, preview_id)
    if preview is None or preview.session_id != session_id:
        raise Forbidden("bulk accept needs a sample of the band shown in this session first")
    if preview.used_at is not None:
        raise Conflict("this sample was already used for a bulk accept; show the band again")
    if aware(preview.created_at) + VALID_FOR < utcnow():
        raise Forbidden("the sample shown is older than 30 minutes; show the band again")
    if not preview.sample_ids:
        raise NotFound("the band had no open candidates when it was shown")
    preview.used_at = utcnow()
    entity = EntityType(preview.entity_type)
    still = {r.id for r in ranked(session, QueueFilter(entity=entity, band=preview.band))}
    accepted: list[int] = []
    skipped: dict[int, str] = {}
    for candidate_id in preview.candidate_ids:
        if candidate_id not in still:
            skipped[candidate_id] = "no longer open in this band"
            continue
        try:
            with session.begin_nested():  # one refused pair must not undo the others
                actions.decide(session, candidate_id, True, actor, via=f"bulk:{preview_id}")
            accepted.append(candidate_id)
        except MDMError as exc:
            skipped[candidate_id] = exc.detail
    session.flush()
    return BulkResult(accepted, skipped)
