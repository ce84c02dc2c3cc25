"""Blocking: several keys, capped blocks, common values ignored, link-only and parent scopes."""

from __future__ import annotations

import pandas as pd
import pytest

from matching.blocking import block, soundex
from matching.config import BlockingRule


def _pairs(prepared: pd.DataFrame, *rules: BlockingRule, **kw: object) -> set[tuple[int, int]]:
    found = block(prepared, rules, **kw)  # type: ignore[arg-type]
    return set(zip(found.left.tolist(), found.right.tolist(), strict=True))


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("robert", "r163"),
        ("rupert", "r163"),
        ("ashcraft", "a261"),
        ("tymczak", "t522"),
        ("pfister", "p236"),
        ("lee", "l000"),
        ("123", ""),
    ],
)
def test_soundex_truth_table(word: str, code: str) -> None:
    assert soundex(word) == code


def test_exact_key_pairs_records_sharing_a_value() -> None:
    prepared = pd.DataFrame({"phone": ["+4930", "+4930", None, "+4940"]}, dtype=object)
    assert _pairs(prepared, BlockingRule("phone")) == {(0, 1)}


def test_value_shared_by_more_records_than_the_cap_is_ignored() -> None:
    switchboard = ["+4930"] * 5 + ["+4940", "+4940"]
    prepared = pd.DataFrame({"phone": switchboard}, dtype=object)
    assert _pairs(prepared, BlockingRule("phone", max_block_size=4)) == {(5, 6)}


def test_rare_name_token_blocks_but_generic_token_does_not() -> None:
    names = ["kowalczyk consulting", "kowalczyk", "nowak consulting", "smith consulting"]
    prepared = pd.DataFrame({"name": names}, dtype=object)
    rule = BlockingRule("name", "tokens", max_block_size=2)
    assert _pairs(prepared, rule) == {(0, 1)}


def test_rarest_tokens_only_when_param_limits_them() -> None:
    names = ["acme north", "acme south", "acme north", "zeta south"]
    prepared = pd.DataFrame({"name": names}, dtype=object)
    rule = BlockingRule("name", "tokens", max_block_size=10, param=1)
    # each record keeps only its rarest token: "north" (2) for 0 and 2, "south"/"acme" otherwise
    assert (0, 2) in _pairs(prepared, rule)


def test_sorted_neighbourhood_pairs_records_within_the_window() -> None:
    prepared = pd.DataFrame({"name": ["b", "a", "d", "c"]}, dtype=object)
    found = _pairs(prepared, BlockingRule("name", "sorted_neighbourhood", param=2))
    assert found == {(0, 1), (0, 3), (2, 3)}


def test_link_only_pairs_records_of_different_sources() -> None:
    prepared = pd.DataFrame({"phone": ["1", "1", "1"]}, dtype=object)
    found = _pairs(prepared, BlockingRule("phone"), sources=["crm", "crm", "erp"])
    assert found == {(0, 2), (1, 2)}


def test_children_only_meet_inside_their_parent() -> None:
    prepared = pd.DataFrame(
        {"code": ["P1", "P1", "P1"], "parent": ["cus_a", "cus_b", "cus_a"]}, dtype=object
    )
    assert _pairs(prepared, BlockingRule("code"), parent_field="parent") == {(0, 2)}


def test_union_of_rules_counts_each_pair_once() -> None:
    prepared = pd.DataFrame({"a": ["x", "x"], "b": ["y", "y"]}, dtype=object)
    found = block(prepared, (BlockingRule("a"), BlockingRule("b")))
    assert len(found) == 1
    assert found.pairs_per_rule == {"exact:a": 1, "exact:b": 1}


def test_sorted_neighbours_in_different_parents_are_not_paired() -> None:
    prepared = pd.DataFrame(
        {"name": ["alpha", "alphb", "alphc"], "parent": ["cus_a", "cus_b", "cus_a"]}, dtype=object
    )
    rule = BlockingRule("name", "sorted_neighbourhood", param=3)
    assert _pairs(prepared, rule, parent_field="parent") == {(0, 2)}


@pytest.mark.parametrize(
    ("long_name", "short_name"),
    [
        ("university of california los angeles", "ucla"),
        ("international business machines", "ibm"),
        ("bayerische motoren werke", "bmw ag"),
    ],
)
def test_acronym_key_pairs_initials_with_the_short_form(long_name: str, short_name: str) -> None:
    prepared = pd.DataFrame({"name": [long_name, short_name, "globex"]}, dtype=object)
    assert _pairs(prepared, BlockingRule("name", "acronym")) == {(0, 1)}
