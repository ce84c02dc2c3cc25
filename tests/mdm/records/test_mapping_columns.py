"""The canonical column contract shared by mappings and ingest."""

from __future__ import annotations

import pytest

from mdm.records.columns import (
    COLUMNS,
    CONTRACT_COLUMNS,
    CUSTOMER_COLUMNS,
    PROJECT_COLUMNS,
    EntityType,
    is_known_column,
    is_xref_column,
    unknown_columns,
    xref_system,
)


def test_column_lists_follow_the_design_contract_in_order() -> None:
    assert CUSTOMER_COLUMNS[:3] == PROJECT_COLUMNS[:3] == ("source_system", "source_id", "name")
    assert CONTRACT_COLUMNS[:4] == ("source_system", "source_id", "number", "name")
    assert (len(CUSTOMER_COLUMNS), len(PROJECT_COLUMNS), len(CONTRACT_COLUMNS)) == (16, 15, 15)
    assert all(len(set(cols)) == len(cols) for cols in COLUMNS.values())


@pytest.mark.parametrize(
    ("column", "entity_type", "expected"),
    [
        ("crm_id", "customers", True),
        ("salesforce_id", "projects", True),
        ("dynamics365_id", "contracts", True),
        ("sap_s4_id", "customers", True),
        ("source_id", "customers", False),  # the key itself
        ("parent_source_id", "customers", False),  # a canonical column
        ("customer_source_id", "projects", False),
        ("customer_id", "projects", False),  # misspelt reference, not a system
        ("golden_id", "customers", False),
        ("Salesforce_ID", "customers", False),
        ("_id", "customers", False),
        ("salesforce", "customers", False),
    ],
)
def test_cross_reference_columns_name_a_system(
    column: str, entity_type: EntityType, expected: bool
) -> None:
    assert is_xref_column(column, entity_type) is expected


def test_xref_system_names_the_system() -> None:
    assert xref_system("dynamics365_id") == "dynamics365"


@pytest.mark.parametrize(
    ("column", "entity_type", "expected"),
    [
        ("name", "customers", True),
        ("deleted", "projects", True),
        ("budget", "projects", True),
        ("budget", "customers", False),
        ("billing_terms", "contracts", True),
        ("netsuite_id", "contracts", True),
    ],
)
def test_known_columns_per_entity_type(
    column: str, entity_type: EntityType, expected: bool
) -> None:
    assert is_known_column(column, entity_type) is expected


def test_unknown_columns_are_listed_in_header_order() -> None:
    header = ["source_system", "source_id", "vat", "name", "customer_id", "crm_id"]
    assert unknown_columns(header, "customers") == ["vat", "customer_id"]
