"""Steward actions from the workbench: each calls the hub's steward service and audits itself
(before and after) in the same unit of work, so the change and its audit land together."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mdm.entities import EntityType
from mdm.golden import steward
from mdm.golden.queries import attributes_of, golden_by_id, members_of_many
from mdm.records import quarantine
from mdm.records.outcomes import RecordResult
from mdm.resolution import steward_ops
from mdm.resolution.candidates import CandidateView, candidate, decide_candidate
from mdm.stewardship import audit


def golden_state(session: Session, golden_id: str) -> dict[str, Any]:
    """A golden record's members and attributes right now (for before/after)."""
    ref = golden_by_id(session, golden_id)
    if ref is None:
        return {"golden_id": golden_id, "exists": False}
    members = members_of_many(session, [ref.id]).get(ref.id, [])
    attributes = attributes_of(session, [ref.id]).get(ref.id, {})
    return {
        "golden_id": ref.id,
        "status": ref.status,
        "members": [f"{m.key.system}:{m.key.source_id}" for m in members if m.status != "deleted"],
        "attributes": {name: a.value for name, a in sorted(attributes.items())},
    }


def _pair_state(view: CandidateView) -> dict[str, Any]:
    return {
        "status": view.status,
        "probability": view.probability,
        "a": f"{view.a.key.system}:{view.a.key.source_id} -> {view.a.golden_id}",
        "b": f"{view.b.key.system}:{view.b.key.source_id} -> {view.b.golden_id}",
    }


def decide(
    session: Session, candidate_id: int, accept: bool, actor: str, via: str = "single"
) -> CandidateView:
    """Accept (merge) or reject (keep apart for good) one candidate, audited."""
    before = candidate(session, candidate_id)
    after = decide_candidate(session, candidate_id, accept, actor)
    audit.record(
        session,
        actor,
        "accept" if accept else "reject",
        f"candidate:{candidate_id}",
        entity=before.entity_type,
        before=_pair_state(before),
        after={**_pair_state(after), "via": via},
    )
    return after


def unmerge(session: Session, golden_id: str, entity: EntityType, actor: str) -> tuple[str, str]:
    """Undo the latest merge into a golden record, audited; (kept id, new id)."""
    before = golden_state(session, golden_id)
    kept, fresh = steward_ops.unmerge(session, entity, golden_id, actor)
    after = {"kept": golden_state(session, kept), "split_off": golden_state(session, fresh)}
    audit.record(session, actor, "unmerge", kept, entity=entity, before=before, after=after)
    return kept, fresh


def move_out(
    session: Session, golden_id: str, entity: EntityType, record_id: int, actor: str
) -> str:
    """Move one source record out of a golden record into one of its own, audited."""
    before = golden_state(session, golden_id)
    own = steward_ops.move_record(session, entity, record_id, None, actor)
    after = {"from": golden_state(session, golden_id), "record_now_in": own}
    audit.record(
        session, actor, "move_out", before["golden_id"], entity=entity, before=before, after=after
    )
    return own


def override(
    session: Session, golden_id: str, entity: EntityType, name: str, value: str | None, actor: str
) -> None:
    """Pin an attribute to a steward's value (None or "" removes the pin), audited."""
    before = golden_state(session, golden_id)
    steward.set_override(session, entity, golden_id, name, value or None, actor)
    after = golden_state(session, golden_id)
    audit.record(
        session,
        actor,
        "override" if value else "clear_override",
        before["golden_id"],
        entity=entity,
        before={"attribute": name, "value": before.get("attributes", {}).get(name)},
        after={"attribute": name, "value": after.get("attributes", {}).get(name)},
    )


def resubmit(session: Session, item_id: int, fields: dict[str, str], actor: str) -> RecordResult:
    """Fix a quarantined record and ingest it, audited; nothing changes if it is still invalid.

    Only fields that differ from the stored row are laid over it, so a field the steward was
    not shown (masked) keeps its stored value.
    """
    item = quarantine.get_item(session, item_id)
    stored = {k: "" if v is None else str(v) for k, v in dict(item.payload).items()}
    fields = {k: v for k, v in fields.items() if stored.get(k, "") != v}
    before = {"payload": dict(item.payload), "reasons": list(item.reasons), "status": item.status}
    result = quarantine.resubmit(session, item_id, fields=fields)
    after = {"fields": fields, "status": item.status, "record_id": item.resolved_record_id}
    audit.record(
        session,
        actor,
        "resubmit",
        f"quarantine:{item_id}",
        entity=EntityType(item.entity_type),
        before=before,
        after=after,
    )
    return result
