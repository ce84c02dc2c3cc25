"""Field masking: financial values need `finance`, customer tax ids need `steward`.

Which attributes are hidden lives in `MASKED_ATTRIBUTES` (per entity type) and
`MASKED_PATTERNS` (any entity type, by attribute name): data, not `if`s in every route.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mdm.auth.principal import Principal, Scope
from mdm.entities import EntityType

MASKED_ATTRIBUTES: dict[EntityType, dict[str, Scope]] = {
    EntityType.CUSTOMER: {"tax_id": Scope.STEWARD},
    EntityType.CONTRACT: {"value": Scope.FINANCE, "rate_card": Scope.FINANCE},
    EntityType.PROJECT: {"budget": Scope.FINANCE},
}

# Any rate of any entity (`rate`, `bill_rate`, `rate_card`, `hourly_rate_eur`) is financial, and
# so is any amount the flows bill, invoice or collect (`amount`, `paid_amount`).
MASKED_PATTERNS: tuple[tuple[re.Pattern[str], Scope], ...] = (
    (re.compile(r"(^|_)rates?(_|$)"), Scope.FINANCE),
    (re.compile(r"(^|_)amounts?(_|$)"), Scope.FINANCE),
)


@dataclass(frozen=True)
class Masked:
    """Values as the caller may see them: hidden ones are None and named in `masked`."""

    values: dict[str, Any]
    masked: frozenset[str]


def required_scope(entity: EntityType, attribute: str) -> Scope | None:
    """The scope needed to see `attribute` of `entity`, or None when it is not sensitive."""
    scope = MASKED_ATTRIBUTES[entity].get(attribute)
    if scope is not None:
        return scope
    for pattern, pattern_scope in MASKED_PATTERNS:
        if pattern.search(attribute):
            return pattern_scope
    return None


def is_visible_in_flow(attribute: str, principal: Principal) -> bool:
    """Whether `principal` may see `attribute` of a billing transaction, invoice or payment."""
    # These are not mastered entity types: the name patterns alone decide.
    return all(
        principal.has(scope) for pattern, scope in MASKED_PATTERNS if pattern.search(attribute)
    )


def is_visible(entity: EntityType, attribute: str, principal: Principal) -> bool:
    """Whether `principal` may see `attribute` of `entity`."""
    scope = required_scope(entity, attribute)
    return scope is None or principal.has(scope)


def mask(entity: EntityType, values: Mapping[str, Any], principal: Principal) -> Masked:
    """Hide what `principal` may not see (an empty value too, so absence does not leak)."""
    hidden = frozenset(name for name in values if not is_visible(entity, name, principal))
    out = {name: None if name in hidden else value for name, value in values.items()}
    return Masked(values=out, masked=hidden)


def sensitive_scopes(entity: EntityType) -> frozenset[Scope]:
    """Every scope some attribute of `entity` needs (rates count for every entity type)."""
    named = set(MASKED_ATTRIBUTES[entity].values())
    return frozenset(named | {scope for _, scope in MASKED_PATTERNS})


def mask_native(
    entity: EntityType, native: Mapping[str, Any] | None, principal: Principal
) -> Masked:
    """A source system's own payload, whole or not at all (`masked` is then `{"native"}`).

    Its field names are the product's, so any of them may carry a sensitive attribute: only a
    caller who may see every sensitive attribute of the entity type sees it.
    """
    if native is None:
        return Masked(values={}, masked=frozenset())
    if all(principal.has(scope) for scope in sensitive_scopes(entity)):
        return Masked(values=dict(native), masked=frozenset())
    return Masked(values={}, masked=frozenset({"native"}))
