"""Validating one row: the reasons, in order, whatever names and values the row brings."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdm.entities import EntityType
from mdm.records import columns
from mdm.records.validation import (
    _SYSTEM,
    InvalidRow,
    ValidRow,
    _bad_lengths,
    _deleted_flag,
    _missing_values,
    _rules,
    clean_cells,
    validate_row,
)
from mdm.records.values import parse_row
from seeds import generate_customers

_NAMES = st.sampled_from(
    [
        *columns.CUSTOMER_COLUMNS,
        *columns.PROJECT_COLUMNS,
        "deleted",
        "crm_id",  # a cross-reference
        "x" * 65 + "_id",  # naming a system too long
        "customer_id",  # an entity word: no system
        "colour",
        "Name",
    ]
)
_VALUES = st.one_of(
    st.sampled_from(["", " ", "true", "no", "maybe", "Acme GmbH", "CRM", "a\x01b", "x" * 600]),
    st.text(max_size=12),
    st.none(),
    st.integers(),
)


def _reference(entity: EntityType, raw: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The reasons and cross-references, each name's rules worked out anew for every cell."""
    kind = entity.plural
    cells, reasons = clean_cells(raw)
    if "source_system" in cells:
        cells["source_system"] = cells["source_system"].lower()

    def xref(column: str) -> str | None:
        return columns.xref_system(column) if columns.is_xref_column(column, kind) else None

    reasons += [f"{c}: unknown column" for c in cells if not columns.is_known_column(c, kind)]
    deleted = _deleted_flag(cells, reasons)
    reasons += _missing_values(columns.MANDATORY_VALUES[kind], cells, deleted)
    reasons += _bad_lengths(cells, _rules(entity))
    reasons += [
        f"{c}: a cross-reference column must name a system of at most 64 characters"
        for c in cells
        if (x := xref(c)) is not None and len(x) > 64
    ]
    system = cells.get("source_system")
    if system and not _SYSTEM.match(system):
        reasons.append("source_system: use letters, digits, '_', '.' or '-' (at most 64)")
    return reasons, {x: v for c, v in cells.items() if (x := xref(c)) is not None}


def _check(entity: EntityType, raw: dict[str, Any]) -> None:
    reasons, xrefs = _reference(entity, raw)
    row = validate_row(entity, raw)
    if isinstance(row, InvalidRow):
        assert row.reasons == reasons
        assert row.cells == raw
        return
    assert isinstance(row, ValidRow)
    assert reasons == []
    assert row.xrefs == xrefs
    assert row.parsed == parse_row(entity.value, row.cells, columns.COLUMNS[entity.plural])


@settings(max_examples=400, deadline=None)
@given(
    entity=st.sampled_from([EntityType.CUSTOMER, EntityType.PROJECT]),
    extra=st.dictionaries(_NAMES, _VALUES, max_size=6),
)
def test_every_row_gets_the_reasons_of_its_names_and_values(
    entity: EntityType, extra: dict[str, Any]
) -> None:
    # the rules of a name are kept once met: the first row with a name and later ones alike
    _check(entity, {"source_system": "crm", "source_id": "1", "name": "Acme", **extra})


@pytest.mark.parametrize("first", ["fresh", "after rows of every name"])
def test_generated_customers_validate_as_the_reference_says(first: str) -> None:
    _rules.cache_clear()
    rows = [
        {k: v for k, v in r.items() if k != "entity_id" and v}
        for r in generate_customers(300, seed=3)
    ]
    if first != "fresh":
        for row in rows:
            validate_row(EntityType.CUSTOMER, {**row, "colour": "x", "x" * 65 + "_id": "1"})
    for row in rows:
        _check(EntityType.CUSTOMER, row)
        _check(EntityType.CUSTOMER, {**row, "x" * 65 + "_id": "1"})
