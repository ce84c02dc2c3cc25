"""The columns of every generated file (the canonical CSV contract plus cross-system ids)."""

from __future__ import annotations

from typing import Final

from mdm.records.columns import CONTRACT_COLUMNS, CUSTOMER_COLUMNS, PROJECT_COLUMNS

SYSTEMS: Final[tuple[str, ...]] = ("crm", "psa", "erp")

# The canonical CSV contract is the hub's; the generator writes exactly those columns.
CUSTOMER: Final[tuple[str, ...]] = CUSTOMER_COLUMNS
CONTRACT: Final[tuple[str, ...]] = CONTRACT_COLUMNS
PROJECT: Final[tuple[str, ...]] = PROJECT_COLUMNS
# Cross-system ids each system really keeps (`<system>_id` columns of the canonical CSV):
# the PSA and the ERP store the Salesforce id their connector synced from; the ERP's jobs keep
# the Kantata workspace id the PSA integration created them from.
XREF: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("customers", "psa"): ("crm_id",),
    ("customers", "erp"): ("crm_id",),
    ("contracts", "erp"): ("crm_id",),
    ("projects", "erp"): ("psa_id",),
}
OPPORTUNITY: Final[tuple[str, ...]] = (
    "source_system",
    "source_id",
    "account_source_id",
    "name",
    "stage",
    "is_closed",
    "is_won",
    "probability",
    "amount",
    "currency",
    "close_date",
    "type",
    "billing_method",
    "legal_entity",
    "owner",
)
TIME_ENTRY: Final[tuple[str, ...]] = (
    "source_system",
    "source_id",
    "project_source_id",
    "date_performed",
    "time_in_minutes",
    "user_name",
    "role",
    "billable",
    "rate",
    "currency",
    "approved",
    "invoiced",
    "notes",
)
EXPENSE: Final[tuple[str, ...]] = (
    "source_system",
    "source_id",
    "project_source_id",
    "user_name",
    "expense_date",
    "category",
    "amount",
    "currency",
    "billable",
    "status",
    "description",
)
MILESTONE: Final[tuple[str, ...]] = (
    "source_system",
    "source_id",
    "project_source_id",
    "name",
    "target_date",
    "actual_date",
    "amount",
    "currency",
    "status",
    "invoiced",
)
TRUTH: Final[tuple[str, ...]] = ("source_system", "source_id", "entity_id")
BASE: Final[dict[str, tuple[str, ...]]] = {
    "customers": CUSTOMER,
    "contracts": CONTRACT,
    "projects": PROJECT,
}


def columns(entity: str, system: str) -> tuple[str, ...]:
    """The header of `<system>/<entity>.csv`: the canonical columns plus that system's xrefs."""
    return BASE[entity] + XREF.get((entity, system), ())
