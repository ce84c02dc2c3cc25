"""Golden values as one caller may see them: every API shapes attributes, history states and
event details through here, so a masked attribute cannot leak through a side door."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mdm.auth.masking import is_visible, mask
from mdm.auth.principal import Principal
from mdm.entities import EntityType
from mdm.golden.queries import AttributeValue, SourceKey
from mdm.golden.timeline import EventView


@dataclass(frozen=True)
class ShownAttribute:
    """A survived attribute for one caller: `value` is None when `masked`."""

    name: str
    value: str | None
    masked: bool
    rule: str  # lineage: the survivorship rule that chose the value...
    source: SourceKey | None  # ...and the record that supplied it (None: a steward override)


def shown_attributes(
    entity: EntityType, attributes: Mapping[str, AttributeValue], principal: Principal
) -> dict[str, ShownAttribute]:
    """Each survived attribute, its value masked where the caller's scopes do not cover it."""
    masked = mask(entity, {n: a.value for n, a in attributes.items()}, principal)
    return {
        name: ShownAttribute(name, masked.values[name], name in masked.masked, a.rule, a.source)
        for name, a in sorted(attributes.items())
    }


@dataclass(frozen=True)
class ShownState:
    """A golden record's state in history, attributes masked for the caller."""

    status: str
    merged_into: str | None
    members: list[str]
    attributes: dict[str, str | None]
    masked: list[str]


def shown_state(entity: EntityType, state: Mapping[str, Any], principal: Principal) -> ShownState:
    """A stored event state as the caller may see it."""
    masked = mask(entity, dict(state.get("attributes", {})), principal)
    return ShownState(
        status=str(state.get("status", "")),
        merged_into=state.get("merged_into"),
        members=list(state.get("members", [])),
        attributes=masked.values,
        masked=sorted(masked.masked),
    )


@dataclass(frozen=True)
class ShownEvent:
    """A golden event for one caller: state and detail masked."""

    event: EventView
    state: ShownState
    detail: dict[str, Any]


def shown_event(entity: EntityType, event: EventView, principal: Principal) -> ShownEvent:
    """An event as the caller may see it; a steward override's value is as sensitive as its
    attribute."""
    detail = dict(event.detail)
    override = detail.get("override")
    if isinstance(override, str) and not is_visible(entity, override, principal):
        detail["value"] = None
    return ShownEvent(event, shown_state(entity, event.state, principal), detail)
