"""Deterministic rules: tax ids decide; sister companies of one brand are never auto-linked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.compare import names_diverge
from matching.rules import (
    NAMES_DIVERGE,
    NO_RULE,
    TAX_ID_CONFLICT,
    TAX_ID_MATCH,
    cap_divergent_names,
    tax_id_rules,
)


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


@pytest.mark.parametrize(
    ("a", "b", "diverge"),
    [
        ("acme bau", "acme systeme", True),  # sister companies of one brand
        ("bruckner bau", "bruckner systeme", True),
        ("kaede systems", "kaede logistics", True),
        ("acme", "acme bau", False),  # the brand alone, then the full name
        ("acme bau", "acme bau", False),
        ("kaede systems", "kaede sys", False),  # a word cut short
        ("citta alta logistics", "citta ala", False),  # one letter off is a typo
        ("belira capital partners", "almont capital partners", False),  # renamed: other brand
        ("acme", "zenith", False),  # nothing shared: just different names
        ("matterhorn consulting", "matterhorn svizzera", False),  # a country is an office
        ("cantabrico tecnologia", "cantabrico fukuoka", False),  # so is a city
        (
            "ritz carlton restaurant and dining room",
            "ritz carlton dining room san francisco",
            False,
        ),
    ],
)
def test_divergent_names_truth_table(a: str, b: str, diverge: bool) -> None:
    assert names_diverge(a, b) is diverge
    assert names_diverge(b, a) is diverge


def test_divergent_names_are_capped_at_the_ceiling_unless_a_rule_decided() -> None:
    names = np.array(["acme bau", "acme systeme", "acme bau", None], dtype=object)
    left = np.array([0, 0, 0, 2], np.int64)
    right = np.array([1, 1, 2, 3], np.int64)
    prob = np.array([0.99, 0.99, 0.99, 0.99])
    rule = np.array([NO_RULE, TAX_ID_MATCH, NO_RULE, NO_RULE], np.int8)
    cap_divergent_names(names, (left, right), prob, rule, 0.5)
    assert prob.tolist() == [0.5, 0.99, 0.99, 0.99]
    assert rule.tolist() == [NAMES_DIVERGE, TAX_ID_MATCH, NO_RULE, NO_RULE]
