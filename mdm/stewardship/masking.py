"""Masking for what the workbench shows beyond golden values: payloads and audit snapshots."""

from __future__ import annotations

from typing import Any

from mdm.auth.masking import is_visible
from mdm.auth.principal import Principal
from mdm.entities import EntityType

MASKED = "(masked)"


def masked_json(entity: EntityType | None, data: Any, principal: Principal) -> Any:
    """`data` with every value under a key the principal may not see replaced by `MASKED`.

    Keys are read as attribute names of `entity` at any depth (audit snapshots nest them);
    without an entity type every type's sensitive names count, to stay on the safe side.
    """
    if isinstance(data, dict):
        return {
            key: MASKED
            if _hidden(entity, str(key), principal)
            else masked_json(entity, value, principal)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [masked_json(entity, item, principal) for item in data]
    return data


def _hidden(entity: EntityType | None, key: str, principal: Principal) -> bool:
    types = [entity] if entity is not None else list(EntityType)
    return any(not is_visible(t, key, principal) for t in types)
