"""The canonical CSV columns per entity type: the contract of DESIGN.md, defined once."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal, get_args

EntityType = Literal["customers", "projects", "contracts"]
ENTITY_TYPES: Final[tuple[EntityType, ...]] = get_args(EntityType)

# Columns every entity type shares; `source_system` and `source_id` are the record's key.
KEY_COLUMNS: Final[tuple[str, ...]] = ("source_system", "source_id")
DELETED_COLUMN: Final = "deleted"

CUSTOMER_REQUIRED: Final[tuple[str, ...]] = (
    "source_system",
    "source_id",
    "name",
    "street",
    "city",
    "postal_code",
    "country",
    "phone",
    "email",
    "website",
    "tax_id",
)
CUSTOMER_OPTIONAL: Final[tuple[str, ...]] = (
    "legal_name",
    "region",
    "currency",
    "legal_entity",
    "parent_source_id",
)
PROJECT_REQUIRED: Final[tuple[str, ...]] = (
    "source_system",
    "source_id",
    "name",
    "customer_source_id",
    "code",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "opportunity_ref",
)
PROJECT_OPTIONAL: Final[tuple[str, ...]] = (
    "contract_source_id",
    "billing_method",
    "project_manager",
    "status",
    "legal_entity",
)
CONTRACT_REQUIRED: Final[tuple[str, ...]] = (
    "source_system",
    "source_id",
    "number",
    "name",
    "customer_source_id",
    "contract_type",
    "parent_source_id",
    "start_date",
    "end_date",
    "value",
    "currency",
    "opportunity_ref",
)
CONTRACT_OPTIONAL: Final[tuple[str, ...]] = (
    "billing_terms",
    "rate_card",
    "legal_entity",
)

# "Required" means the column belongs to the standard header, not that a cell must be filled:
# only the keys and the name (or number/name for contracts) are mandatory values.
CUSTOMER_COLUMNS: Final[tuple[str, ...]] = CUSTOMER_REQUIRED + CUSTOMER_OPTIONAL
PROJECT_COLUMNS: Final[tuple[str, ...]] = PROJECT_REQUIRED + PROJECT_OPTIONAL
CONTRACT_COLUMNS: Final[tuple[str, ...]] = CONTRACT_REQUIRED + CONTRACT_OPTIONAL

COLUMNS: Final[dict[EntityType, tuple[str, ...]]] = {
    "customers": CUSTOMER_COLUMNS,
    "projects": PROJECT_COLUMNS,
    "contracts": CONTRACT_COLUMNS,
}
REQUIRED_COLUMNS: Final[dict[EntityType, tuple[str, ...]]] = {
    "customers": CUSTOMER_REQUIRED,
    "projects": PROJECT_REQUIRED,
    "contracts": CONTRACT_REQUIRED,
}
OPTIONAL_COLUMNS: Final[dict[EntityType, tuple[str, ...]]] = {
    "customers": CUSTOMER_OPTIONAL,
    "projects": PROJECT_OPTIONAL,
    "contracts": CONTRACT_OPTIONAL,
}
# Cells that must hold a value; for contracts either one of the pair is enough.
MANDATORY_VALUES: Final[dict[EntityType, tuple[tuple[str, ...], ...]]] = {
    "customers": (("source_system",), ("source_id",), ("name",)),
    "projects": (("source_system",), ("source_id",), ("name",)),
    "contracts": (("source_system",), ("source_id",), ("number", "name")),
}

# A cross-reference column: a system name (lower case, digits, underscores) then `_id`.
_XREF = re.compile(r"^[a-z][a-z0-9_]*_id$")
# Entity words are no system names: `customer_id` is a misspelt `customer_source_id`, and
# accepting it as a cross-reference would silently drop the link.
_NOT_SYSTEMS: Final = frozenset(
    {"source", "customer", "project", "contract", "parent", "opportunity", "golden"}
)


# Validation asks this of every cell of every row, about a handful of distinct column names;
# bounded, as the names come from the input.
@lru_cache(maxsize=4096)
def is_xref_column(column: str, entity_type: EntityType) -> bool:
    """True for a `<system>_id` column carrying the record's id in another system."""
    if not _XREF.match(column) or column in COLUMNS[entity_type]:
        return False
    return not any(part in _NOT_SYSTEMS for part in xref_system(column).split("_"))


def xref_system(column: str) -> str:
    """The system named by a `<system>_id` column (`crm_id` -> `crm`)."""
    return column.removesuffix("_id")


def is_known_column(column: str, entity_type: EntityType) -> bool:
    """True when the column may appear in a canonical row of this entity type."""
    return (
        column in COLUMNS[entity_type]
        or column == DELETED_COLUMN
        or is_xref_column(column, entity_type)
    )


def unknown_columns(columns: list[str] | tuple[str, ...], entity_type: EntityType) -> list[str]:
    """The columns of a header that the canonical contract does not allow, in input order."""
    return [c for c in columns if not is_known_column(c, entity_type)]
