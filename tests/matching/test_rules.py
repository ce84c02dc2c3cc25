"""Deterministic tax-id rules: equal ids match, clearly different ids in one country do not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.rules import NO_RULE, TAX_ID_CONFLICT, TAX_ID_MATCH, tax_id_rules


@pytest.mark.parametrize(
    ("tax_a", "country_a", "tax_b", "country_b", "rule"),
    [
        ("DE123456789", "DE", "DE123456789", "DE", TAX_ID_MATCH),
        ("DE123456789", "DE", "DE987654321", "DE", TAX_ID_CONFLICT),
        ("DE123456789", None, "DE987654321", None, TAX_ID_CONFLICT),  # VAT prefix names it
        ("DE123456789", "DE", "DE123456780", "DE", NO_RULE),  # one mistyped digit
        ("DE123456789", "DE", "DE123456798", "DE", NO_RULE),  # two digits swapped
        ("123456789", "US", "987654321", "GB", NO_RULE),  # different countries
        ("123456789", None, "987654321", None, NO_RULE),  # country unknown
        ("DE123456789", "DE", None, "DE", NO_RULE),  # missing is never disagreement
    ],
)
def test_tax_id_rule_truth_table(
    tax_a: str | None, country_a: str | None, tax_b: str | None, country_b: str | None, rule: int
) -> None:
    prepared = pd.DataFrame(
        {"tax_id": [tax_a, tax_b], "country": [country_a, country_b]}, dtype=object
    )
    found = tax_id_rules(
        prepared, np.array([0], np.int64), np.array([1], np.int64), "tax_id", "country"
    )
    assert found.tolist() == [rule]


def test_no_tax_field_means_no_rules() -> None:
    prepared = pd.DataFrame({"name": ["a", "b"]}, dtype=object)
    found = tax_id_rules(prepared, np.array([0], np.int64), np.array([1], np.int64), None, None)
    assert found.tolist() == [NO_RULE]
