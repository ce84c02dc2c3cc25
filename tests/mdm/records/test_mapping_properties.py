"""Any JSON at all: a shipped mapping returns a contract-shaped row or a `MappingError`."""

from __future__ import annotations

from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from mdm.records.columns import EntityType, is_known_column
from mdm.records.mapping import MappingError, available_systems, load_mapping
from mdm.records.mapping_transforms import to_iso_date, to_number

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
# Payloads that reach real fields: the shipped mappings' own keys with arbitrary values.
KEYS = st.sampled_from(
    [
        "Id",
        "id",
        "Name",
        "name",
        "properties",
        "title",
        "dataAreaId",
        "CustomerAccount",
        "ProjectID",
        "IsDeleted",
        "archived",
        "isInactive",
        "BillingAddress",
        "addressBook",
        "items",
        "StartDate",
        "startDate",
        "price_in_cents",
        "workspace_groups",
        "parent",
    ]
)
PAYLOADS = st.dictionaries(KEYS, JSON, max_size=8)
TARGETS = [(s, e) for s in available_systems() for e in load_mapping(s).entity_types()]


@given(target=st.sampled_from(TARGETS), payload=PAYLOADS)
def test_to_canonical_yields_only_contract_columns_as_text_or_a_mapping_error(
    target: tuple[str, str], payload: dict[str, Any]
) -> None:
    system, entity_type = target
    try:
        row = load_mapping(system).to_canonical(entity_type, payload)
    except MappingError:
        return
    assert row["source_system"] == system
    assert all(isinstance(v, str) and v.strip() for v in row.values())
    assert all(is_known_column(c, cast(EntityType, entity_type)) for c in row)


@given(target=st.sampled_from(TARGETS), response=JSON)
def test_records_yields_objects_or_a_mapping_error(target: tuple[str, str], response: Any) -> None:
    system, entity_type = target
    try:
        records = load_mapping(system).records(entity_type, response)
    except MappingError:
        return
    assert all(isinstance(r, dict) for r in records)


@given(st.text(max_size=40))
def test_number_and_date_never_raise(text: str) -> None:
    for value in (to_number(text), to_iso_date(text)):
        assert value is None or isinstance(value, str)
