"""Standardize step: each standardizer's output for the prepared feature, as truth tables."""

from __future__ import annotations

import pandas as pd
import pytest

from matching.config import FieldSpec, MatchSettings, Standardizer
from matching.prepare import prepare


def _prepared(standardizer: Standardizer, value: str | None, country: str | None = None) -> object:
    settings = MatchSettings(
        entity_type="test",
        fields=(
            FieldSpec("out", ("raw",), standardizer),
            FieldSpec("country", ("country",), "country"),
        ),
        blocking=(),
        comparisons=(),
        country_field="country",
    )
    records = pd.DataFrame({"raw": [value], "country": [country]}, dtype=object)
    return prepare(records, settings)["out"].iloc[0]


@pytest.mark.parametrize(
    ("standardizer", "raw", "country", "expected"),
    [
        ("numbers_in_text", "Supply Chain Analytics - Phase 2", None, "2"),
        ("numbers_in_text", "Network Modernisation 2025 phase 02", None, "2 2025"),
        ("numbers_in_text", "Managed Analytics Service", None, "-"),
        ("numbers_in_text", None, None, None),
        ("identifier", "prj-2025-0001", None, "PRJ20250001"),
        ("identifier", "PRJ_2025_0001", None, "PRJ20250001"),
        ("identifier", " - ", None, None),
        ("date", "2024-11-10", None, "20241110"),
        ("date", "10/11", None, None),
        ("number", "44,000.00", None, "44000"),
        ("number", "n/a", None, None),
        ("domain", "Jane.Doe@Mail.ACME.co.uk", None, "acme.co.uk"),
        ("domain", "https://www.acme.co.uk/about", None, "acme.co.uk"),
        ("domain", "someone@gmail.com", None, None),  # free mail identifies nobody
        ("phone", "+49 30 1234567", None, "+49301234567"),
        ("phone", "030 1234567", "DE", "+49301234567"),
        ("phone", "310/246-1501", None, "3102461501"),  # no country: its digits still compare
        ("phone", "12", None, None),
        ("text", "  ACME   Consulting ", None, "acme consulting"),
        ("text", "", None, None),
    ],
)
def test_standardizer_truth_table(
    standardizer: Standardizer, raw: str | None, country: str | None, expected: str | None
) -> None:
    assert _prepared(standardizer, raw, country) == expected


def test_org_name_yields_clean_name_and_separate_legal_form() -> None:
    settings = MatchSettings(
        entity_type="test",
        fields=(FieldSpec("name", ("name",), "org_name"),),
        blocking=(),
        comparisons=(),
    )
    records = pd.DataFrame({"name": ["Acme GmbH", "ACME Ltd", None]}, dtype=object)
    prepared = prepare(records, settings)
    assert prepared["name"].tolist()[:2] == ["acme", "acme"]
    assert prepared["name_legal_form"].tolist()[:2] == ["gmbh", "ltd"]
    assert prepared["name"].iloc[2] is None


def test_first_present_column_wins() -> None:
    settings = MatchSettings(
        entity_type="test",
        fields=(FieldSpec("domain", ("website", "email"), "domain"),),
        blocking=(),
        comparisons=(),
    )
    records = pd.DataFrame(
        {"website": ["", "globex.com"], "email": ["it@initech.com", "x@other.com"]}, dtype=object
    )
    assert prepare(records, settings)["domain"].tolist() == ["initech.com", "globex.com"]


def _legal_form(name: str, country: str | None) -> object:
    settings = MatchSettings(
        entity_type="test",
        fields=(
            FieldSpec("name", ("raw",), "org_name"),
            FieldSpec("country", ("country",), "country"),
        ),
        blocking=(),
        comparisons=(),
        country_field="country",
    )
    records = pd.DataFrame({"raw": [name], "country": [country]}, dtype=object)
    return prepare(records, settings)["name_legal_form"].iloc[0]


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Toyota Tsusho Corporation", "JP", "co_ltd"),
        ("Toyota Tsusho K.K.", "JP", "co_ltd"),
        ("Acme Corporation", "US", "inc"),  # one form in the US: Corp. = Inc.
        ("Acme Corporation", None, "corp"),
    ],
)
def test_legal_form_is_read_in_its_country(name: str, country: str | None, expected: str) -> None:
    assert _legal_form(name, country) == expected
