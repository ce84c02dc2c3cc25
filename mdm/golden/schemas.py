"""REST shapes of golden records, cross-references and steward commands (tables never leak)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mdm.auth.principal import Principal
from mdm.golden.shown import ShownState, shown_attributes, shown_event
from mdm.golden.views import GoldenDetail, GoldenHistory
from mdm.golden.xref import Xref

CUSTOMER_ID = "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA"
MERGED_ID = "cus_01JD3X7B5E2R8W4N6Y0T3M9QPC"


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class XrefOut(BaseModel):
    """A source record's golden record and its ids in every system."""

    model_config = _examples(
        {
            "entity_type": "customer",
            "source_system": "crm",
            "source_id": "0015g00000AbCdE",
            "golden_id": CUSTOMER_ID,
            "status": "linked",
            "redirected_from": None,
            "ids": {"crm": ["0015g00000AbCdE"], "erp": ["C-10442"], "psa": ["4711"]},
        }
    )

    entity_type: str
    source_system: str
    source_id: str
    golden_id: str | None = Field(description="The current golden id (merges followed)")
    status: str = Field(description="`linked`, `pending_review` (an open candidate) or `deleted`")
    redirected_from: str | None = Field(description="The merged-away id the record still named")
    ids: dict[str, list[str]] = Field(description="Active source ids per system")

    @classmethod
    def of(cls, found: Xref) -> XrefOut:
        """From the service's answer."""
        return cls(
            entity_type=found.entity_type.value,
            source_system=found.source_system,
            source_id=found.source_id,
            golden_id=found.golden_id,
            status=found.status,
            redirected_from=found.redirected_from,
            ids=found.ids,
        )


class SourceKeyOut(BaseModel):
    """A source record by its key in its system."""

    source_system: str
    source_id: str


class AttributeOut(BaseModel):
    """A survived attribute with its lineage; `value` is null when masked for the caller."""

    value: str | None
    masked: bool
    rule: str = Field(description="The survivorship rule that chose it")
    source: SourceKeyOut | None = Field(description="The record that supplied it (null: override)")


class MemberOut(BaseModel):
    """A source record of the golden record."""

    source_system: str
    source_id: str
    status: str = Field(description="`linked`, `pending_review` or `deleted`")


_GOLDEN_EXAMPLE: dict[str, Any] = {
    "id": CUSTOMER_ID,
    "entity_type": "customer",
    "status": "active",
    "redirected_from": MERGED_ID,
    "created_at": "2026-11-26T08:00:00Z",
    "updated_at": "2026-11-26T09:30:00Z",
    "attributes": {
        "name": {
            "value": "Acme GmbH",
            "masked": False,
            "rule": "source_priority",
            "source": {"source_system": "erp", "source_id": "C-10442"},
        },
        "tax_id": {"value": None, "masked": True, "rule": "most_recent", "source": None},
    },
    "masked": ["tax_id"],
    "members": [
        {"source_system": "crm", "source_id": "0015g00000AbCdE", "status": "linked"},
        {"source_system": "erp", "source_id": "C-10442", "status": "linked"},
    ],
    "external_ids": {"crm": ["0015g00000AbCdE"], "erp": ["C-10442"]},
    "references": {"parent_golden_id": "cus_01JD3X5K9P3T6V1B8N2C4K7HZD"},
}


class GoldenOut(BaseModel):
    """A golden record: survived attributes with lineage, its records and their ids."""

    model_config = _examples(_GOLDEN_EXAMPLE)

    id: str
    entity_type: str
    status: str = Field(description="`active`, or `retired` when all its records went away")
    redirected_from: str | None = Field(description="The merged-away id asked for, if any")
    created_at: datetime
    updated_at: datetime
    attributes: dict[str, AttributeOut]
    masked: list[str] = Field(description="Attributes hidden from this caller")
    members: list[MemberOut] = Field(description="Every source record behind it, deleted too")
    external_ids: dict[str, list[str]] = Field(description="Active source ids per system")
    references: dict[str, str] = Field(description="Related golden ids (`customer_golden_id`...)")

    @classmethod
    def of(cls, detail: GoldenDetail, principal: Principal) -> GoldenOut:
        """From the service's view, masked for the caller."""
        ref = detail.ref
        shown = shown_attributes(ref.entity_type, detail.attributes, principal)
        ids: dict[str, list[str]] = {}
        for member in detail.members:
            if member.status != "deleted":
                ids.setdefault(member.key.system, []).append(member.key.source_id)
        return cls(
            id=ref.id,
            entity_type=ref.entity_type.value,
            status=ref.status,
            redirected_from=ref.redirected_from,
            created_at=ref.created_at,
            updated_at=ref.updated_at,
            attributes={
                name: AttributeOut(
                    value=a.value,
                    masked=a.masked,
                    rule=a.rule,
                    source=SourceKeyOut(source_system=a.source.system, source_id=a.source.source_id)
                    if a.source
                    else None,
                )
                for name, a in shown.items()
            },
            masked=sorted(n for n, a in shown.items() if a.masked),
            members=[
                MemberOut(source_system=m.key.system, source_id=m.key.source_id, status=m.status)
                for m in detail.members
            ],
            external_ids=ids,
            references=detail.references,
        )


class StateOut(BaseModel):
    """A golden record as it stood after a change; masked attributes are null."""

    status: str
    merged_into: str | None
    members: list[str] = Field(description="Source records as `system:source_id`")
    attributes: dict[str, str | None]
    masked: list[str]

    @classmethod
    def of(cls, state: ShownState) -> StateOut:
        """From the masked state."""
        return cls.model_validate(state, from_attributes=True)


class EventOut(BaseModel):
    """One append-only change of a golden record."""

    id: int
    kind: str
    at: datetime
    actor: str
    correlation_id: str | None
    detail: dict[str, Any]
    state: StateOut


class HistoryOut(BaseModel):
    """Every change of a golden record (up to `as_of`), and its state (then)."""

    model_config = _examples(
        {
            "golden_id": CUSTOMER_ID,
            "entity_type": "customer",
            "as_of": "2026-11-26T09:00:00Z",
            "events": [
                {
                    "id": 7,
                    "kind": "created",
                    "at": "2026-11-26T08:00:00Z",
                    "actor": "engine",
                    "correlation_id": "01JD3X6Q2M4T7V9B8N5C1K0HZA",
                    "detail": {"record": "crm:0015g00000AbCdE"},
                    "state": {
                        "status": "active",
                        "merged_into": None,
                        "members": ["crm:0015g00000AbCdE"],
                        "attributes": {"name": "Acme GmbH", "tax_id": None},
                        "masked": ["tax_id"],
                    },
                }
            ],
            "state": None,
        }
    )

    golden_id: str
    entity_type: str
    as_of: datetime | None
    events: list[EventOut]
    state: StateOut | None = Field(description="The state after the last event shown")

    @classmethod
    def of(cls, history: GoldenHistory, principal: Principal) -> HistoryOut:
        """From the service's view, masked for the caller."""
        entity = history.ref.entity_type
        shown = [shown_event(entity, e, principal) for e in history.events]
        events = [
            EventOut(
                id=s.event.id,
                kind=s.event.kind,
                at=s.event.at,
                actor=s.event.actor,
                correlation_id=s.event.correlation_id,
                detail=s.detail,
                state=StateOut.of(s.state),
            )
            for s in shown
        ]
        return cls(
            golden_id=history.ref.id,
            entity_type=entity.value,
            as_of=history.as_of,
            events=events,
            state=events[-1].state if events else None,
        )
