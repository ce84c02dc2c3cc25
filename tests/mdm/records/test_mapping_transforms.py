"""Truth tables for the closed set of transforms and the path grammar."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mdm.records import mapping_transforms as tx
from mdm.records.mapping_paths import PathSyntaxError, parse_path, render_scalar, resolve


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-02-03", "2025-02-03"),  # Salesforce, NetSuite, Kantata date
        ("2025-03-14T09:12:44.000+0000", "2025-03-14"),  # Salesforce datetime
        ("2024-06-11T08:15:27.519Z", "2024-06-11"),  # HubSpot
        ("2025-01-20T12:00:00Z", "2025-01-20"),  # Dynamics 365 OData
        ("1900-01-01T12:00:00Z", None),  # Dynamics "no date"
        ("/Date(1735689600000)/", "2025-01-01"),  # Dynamics business event
        ("1735689600000", "2025-01-01"),  # epoch milliseconds
        ("  ", None),
        ("sometime in May", "sometime in May"),  # kept raw for ingest to flag
        ("2025-13-45", "2025-13-45"),  # looks ISO, is no date: raw
        ("/Date(999999999999999999)/", "/Date(999999999999999999)/"),  # past year 9999: raw
    ],
)
def test_date_reads_vendor_formats(raw: str, expected: str | None) -> None:
    assert tx.to_iso_date(raw) == expected


def test_date_tries_declared_formats() -> None:
    assert tx.to_iso_date("03/02/2025", ("%d/%m/%Y",)) == "2025-02-03"


@pytest.mark.parametrize(
    ("raw", "divide_by", "expected"),
    [
        ("184,500.00", None, "184500"),
        ("1.234,56", None, "1234.56"),
        ("12,5", None, "12.5"),
        ("1,234,567", None, "1234567"),
        ("1.234.567", None, "1234567"),
        ("€184,500", None, "184500"),
        ("1'000.50", None, "1000.5"),
        ("-0.0", None, "0"),
        ("18450050", Decimal(100), "184500.5"),  # Kantata price_in_cents
        ("n/a", None, "n/a"),
        ("1e999999", None, "1e999999"),  # would expand to a million digits: raw
        ("", None, None),
    ],
)
def test_number_renders_plain_decimals(
    raw: str, divide_by: Decimal | None, expected: str | None
) -> None:
    assert tx.to_number(raw, divide_by) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Nordwind  Logistik ", "Nordwind Logistik"),
        ("500 W 2nd St\nSuite 1900", "500 W 2nd St, Suite 1900"),
        ("line\n\n  \nnext", "line, next"),
        (" \t ", None),
    ],
)
def test_strip_collapses_whitespace_and_lines(raw: str, expected: str | None) -> None:
    assert tx.strip(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Time and Materials", "time_and_materials"),
        ("time and materials", "time_and_materials"),
        ("Retainer", "Retainer"),  # unknown values pass through for ingest to judge
    ],
)
def test_map_is_exact_then_case_insensitive(raw: str, expected: str) -> None:
    assert tx.map_value(raw, {"Time and Materials": "time_and_materials"}) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (250000.0, "250000"),
        (12250.5, "12250.5"),
        (1e16, "1" + "0" * 16),
        (42, "42"),
    ],
)
def test_scalars_render_as_canonical_text(value: Any, expected: str) -> None:
    assert render_scalar(value) == expected


PAYLOAD = {
    "BillingAddress": {"city": "Hamburg"},
    "items": [{"id": 7, "default": False}, {"id": 9, "default": True}],
    "refs": [{"model": "Account", "ref": "001"}, {"model": "Opportunity", "ref": "006"}],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("BillingAddress.city", "Hamburg"),
        ("BillingAddress.street", None),
        ("items.1.id", 9),
        ("items.5.id", None),
        ("items[default=true].id", 9),
        ("refs[model=opportunity].ref", "006"),
        ("refs[model=Contract].ref", None),
        ("BillingAddress.city.length", None),
    ],
)
def test_paths_resolve_keys_indexes_and_filters(path: str, expected: Any) -> None:
    assert resolve(PAYLOAD, path) == expected


@pytest.mark.parametrize("path", ["", " a", "a..b", "a[b]", "a[=x]", "a[b=c][d=e]"])
def test_malformed_paths_are_rejected(path: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(path)
