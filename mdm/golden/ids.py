"""Golden ids: a type prefix and a ULID, safe as an external id in every target system."""

from __future__ import annotations

import re

from ulid import ULID

from mdm.entities import EntityType

GOLDEN_ID = re.compile(r"^(cus|prj|con)_[0-9A-HJKMNP-TV-Z]{26}$")


def new_golden_id(entity_type: EntityType) -> str:
    """A fresh, never-reused golden id such as `cus_01JD3X…`."""
    return f"{entity_type.golden_prefix}_{ULID()}"


def is_golden_id(value: str) -> bool:
    """True when `value` has the shape of a golden id."""
    return bool(GOLDEN_ID.match(value))
