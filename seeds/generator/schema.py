"""The columns of every generated file (the canonical CSV contract plus cross-system ids)."""

from __future__ import annotations

from typing import Final

SYSTEMS: Final[tuple[str, ...]] = ("crm", "psa", "erp")

CUSTOMER: Final[tuple[str, ...]] = (
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
    "legal_name",
    "region",
    "currency",
    "legal_entity",
    "parent_source_id",
)
CONTRACT: Final[tuple[str, ...]] = (
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
    "billing_terms",
    "rate_card",
    "legal_entity",
)
PROJECT: Final[tuple[str, ...]] = (
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
    "contract_source_id",
    "billing_method",
    "project_manager",
    "status",
    "legal_entity",
)
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
