"""Blocking: several keys, capped blocks, common values ignored, link-only and parent scopes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.blocking import (
    Candidates,
    Column,
    block,
    chosen_tokens,
    fixed_keys,
    pairs_within,
    soundex,
)
from matching.config import BlockingRule, MatchSettings
from matching.prepare import prepare
from matching.presets import customers, projects
from tests.matching.index.records import generated_customers, seed_customers, seed_projects

Keys = list[tuple[int, str]]


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


def test_empty_values_take_no_part() -> None:
    prepared = pd.DataFrame({"name": ["", "", None, "acme", "acme"]}, dtype=object)
    rules = (BlockingRule("name"), BlockingRule("name", "sorted_neighbourhood", param=3))
    assert _pairs(prepared, *rules) == {(3, 4)}


def test_non_alphabetic_names_share_the_empty_phonetic_key() -> None:
    prepared = pd.DataFrame({"name": ["123", "45", "acme"]}, dtype=object)
    assert _pairs(prepared, BlockingRule("name", "phonetic")) == {(0, 1)}


def test_shared_tokens_count_once_per_token_but_pair_once() -> None:
    prepared = pd.DataFrame({"name": ["acme nord", "acme nord", "zeta"]}, dtype=object)
    found = block(prepared, (BlockingRule("name", "tokens"),))
    assert set(zip(found.left.tolist(), found.right.tolist(), strict=True)) == {(0, 1)}
    assert found.pairs_per_rule == {"tokens:name": 2}


def test_no_records_no_pairs() -> None:
    prepared = pd.DataFrame({"name": []}, dtype=object)
    assert len(block(prepared, (BlockingRule("name", "tokens"),))) == 0


# A plain reading of the blocking rules, kept beside the fast implementation to pin it down.


def _reference_keys(values: list[str | None], rule: BlockingRule) -> Keys:
    keys: Keys = []
    if rule.method == "tokens":
        tokenised = [sorted(set(v.split())) if v else [] for v in values]
        freq = Counter(t for tokens in tokenised for t in tokens)
        for i, tokens in enumerate(tokenised):
            ranked = sorted((freq[t], t) for t in tokens if 1 < freq[t] <= rule.max_block_size)
            keys.extend((i, t) for _, t in (ranked[: rule.param] if rule.param > 0 else ranked))
        return keys
    if rule.method == "acronym":
        skip = {"of", "the", "and", "for", "at", "de", "la", "du", "der", "und"}
        for i, v in enumerate(values):
            words = v.split() if v else []
            initials = "".join(t[0] for t in words if t not in skip)
            keys.extend([(i, initials)] if len(initials) >= 3 else [])
            keys.extend((i, t) for t in words if 3 <= len(t) <= 6 and t != initials)
        return keys
    if rule.method == "prefix":
        return [(i, v[: rule.param or 4]) for i, v in enumerate(values) if v]
    if rule.method == "phonetic":
        return [(i, " ".join(soundex(t) for t in v.split())) for i, v in enumerate(values) if v]
    return [(i, v) for i, v in enumerate(values) if v]


def _reference_pairs(keys: Keys, cap: int) -> list[tuple[int, int]]:
    members: dict[str, set[int]] = {}
    for row, key in keys:
        members.setdefault(key, set()).add(row)
    pairs: list[tuple[int, int]] = []
    for rows in members.values():
        if 1 < len(rows) <= cap:
            ordered = sorted(rows)
            pairs.extend((a, b) for k, a in enumerate(ordered) for b in ordered[k + 1 :])
    return pairs


def _reference_rule(
    values: list[str | None], rule: BlockingRule, parents: list[str | None] | None
) -> list[tuple[int, int]]:
    def scope(i: int, key: str) -> str:
        return key if parents is None else f"{parents[i] or ''}\x1f{key}"

    if rule.method == "sorted_neighbourhood":
        order = [i for _, i in sorted((scope(i, v), i) for i, v in enumerate(values) if v)]
        window = max(rule.param or 5, 2)
        steps = [(order[k], order[k + s]) for s in range(1, window) for k in range(len(order) - s)]
        return [(min(a, b), max(a, b)) for a, b in steps]
    keys = [(i, scope(i, k)) for i, k in _reference_keys(values, rule)]
    return _reference_pairs(keys, rule.max_block_size)


def _reference_block(
    prepared: pd.DataFrame, settings: MatchSettings, sources: list[str] | None
) -> tuple[set[tuple[int, int]], dict[str, int]]:
    field = settings.parent_field
    parents = prepared[field].tolist() if field else None
    pairs: set[tuple[int, int]] = set()
    counts: dict[str, int] = {}
    for rule in settings.blocking:
        found = _reference_rule(prepared[rule.field].tolist(), rule, parents)
        if sources is not None:
            found = [(a, b) for a, b in found if sources[a] != sources[b]]
        if parents is not None:
            found = [(a, b) for a, b in found if parents[a] == parents[b]]
        counts[f"{rule.method}:{rule.field}"] = len(found)
        pairs.update(found)
    return pairs, counts


def _with_parent(records: pd.DataFrame, field: str) -> pd.DataFrame:
    # a generated customer set read as children of their country: many parents, big blocks
    return records.assign(customer_golden_id=records[field])


DATA_SETS: dict[str, tuple[Callable[[], pd.DataFrame], Callable[[], MatchSettings]]] = {
    "seed_customers": (seed_customers, customers),
    "generated_5k": (lambda: generated_customers(5000), customers),
    "seed_projects": (seed_projects, projects),
    "generated_5k_as_children": (
        lambda: _with_parent(generated_customers(5000), "country"),
        projects,
    ),
}


@lru_cache(maxsize=len(DATA_SETS))
def _prepared(name: str) -> tuple[pd.DataFrame, MatchSettings, pd.DataFrame]:
    load, settings_of = DATA_SETS[name]
    records, settings = load(), settings_of()
    return records, settings, prepare(records, settings)


@pytest.mark.parametrize("name", sorted(DATA_SETS))
@pytest.mark.parametrize("link_only", [False, True])
def test_blocking_equals_the_plain_reading(name: str, link_only: bool) -> None:
    records, settings, prepared = _prepared(name)
    sources = records["source_system"].tolist() if link_only else None
    found = block(prepared, settings.blocking, sources=sources, parent_field=settings.parent_field)
    expected, counts = _reference_block(prepared, settings, sources)
    pairs = list(zip(found.left.tolist(), found.right.tolist(), strict=True))
    assert pairs == sorted(expected)
    assert found.pairs_per_rule == counts
    assert found.left.dtype == found.right.dtype == np.int64


@pytest.mark.parametrize("link_only", [False, True])
@pytest.mark.parametrize("name", ["seed_customers", "seed_projects"])
def test_categorical_columns_give_the_same_candidates(name: str, link_only: bool) -> None:
    records, settings, prepared = _prepared(name)
    sources = records["source_system"].tolist() if link_only else None
    found = [
        block(frame, settings.blocking, sources=sources, parent_field=settings.parent_field)
        for frame in (prepared, prepared.astype("category"))
    ]
    assert found[0].pairs_per_rule == found[1].pairs_per_rule
    assert found[0].left.tolist() == found[1].left.tolist()
    assert found[0].right.tolist() == found[1].right.tolist()


# Probes: only the pairs touching some rows are made, and exactly those of the whole union.

_WORDS = ("acme", "nord", "wind", "of", "the", "bau", "tec", "alpha", "beta", "gmbh")
_PROBE_RULES = (
    BlockingRule("name", "tokens", max_block_size=4),
    BlockingRule("name", "tokens", max_block_size=6, param=1),
    BlockingRule("name", "sorted_neighbourhood", param=3),
    BlockingRule("name", "acronym", max_block_size=5),
    BlockingRule("name", "prefix", max_block_size=3, param=2),
    BlockingRule("phone", "exact", max_block_size=3),
)


def _touching(found: Candidates, probes: np.ndarray) -> tuple[list[int], list[int]]:
    keep = probes[found.left] | probes[found.right]
    return found.left[keep].tolist(), found.right[keep].tolist()


_name = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)


@given(
    st.lists(
        st.tuples(
            st.none() | _name,
            st.none() | st.sampled_from(["1", "2", "3"]),
            st.sampled_from(["crm", "erp"]),
            st.sampled_from(["p", "q", None]),
            st.booleans(),
        ),
        max_size=30,
    ),
    st.booleans(),
    st.booleans(),
)
def test_probes_make_exactly_the_pairs_of_the_whole_union_that_touch_them(
    rows: list[tuple[str | None, str | None, str, str | None, bool]],
    link_only: bool,
    with_parents: bool,
) -> None:
    prepared = pd.DataFrame(
        {
            "name": [r[0] for r in rows],
            "phone": [r[1] for r in rows],
            "parent": [r[3] for r in rows],
        },
        dtype=object,
    )
    probes = np.array([r[4] for r in rows], bool)
    kw: dict[str, Any] = {
        "sources": [r[2] for r in rows] if link_only else None,
        "parent_field": "parent" if with_parents else None,
    }
    for frame in (prepared, prepared.astype("category")):
        whole = block(frame, _PROBE_RULES, **kw)
        probed = block(frame, _PROBE_RULES, **kw, probes=probes)
        assert (probed.left.tolist(), probed.right.tolist()) == _touching(whole, probes)
        assert probed.left.dtype == probed.right.dtype == np.int64
    for rule in _PROBE_RULES[:2] + _PROBE_RULES[3:]:  # once per shared block, as before
        column = Column.of(prepared["name" if rule.field == "name" else "phone"].tolist())
        keyed = (chosen_tokens if rule.method == "tokens" else fixed_keys)(column, rule)
        pairs = pairs_within(keyed, rule.max_block_size)
        keep = probes[pairs[0]] | probes[pairs[1]]
        expected = Counter(zip(pairs[0][keep].tolist(), pairs[1][keep].tolist(), strict=True))
        made = pairs_within(keyed, rule.max_block_size, probes)
        assert Counter(zip(made[0].tolist(), made[1].tolist(), strict=True)) == expected


def test_a_block_over_the_cap_pairs_nobody_even_when_few_of_it_are_probes() -> None:
    # five records share a phone (cap 4): the one probe among them gets no partner from it
    prepared = pd.DataFrame({"phone": ["+4930"] * 5 + ["+4940", "+4940"]}, dtype=object)
    probes = np.zeros(7, bool)
    probes[[0, 6]] = True
    found = block(prepared, (BlockingRule("phone", max_block_size=4),), probes=probes)
    assert list(zip(found.left.tolist(), found.right.tolist(), strict=True)) == [(5, 6)]


@pytest.mark.parametrize("name", sorted(DATA_SETS))
def test_probes_on_real_data_sets_give_the_touching_subset(name: str) -> None:
    _records, settings, prepared = _prepared(name)
    probes = np.random.default_rng(7).random(len(prepared)) < 0.1
    kw: dict[str, Any] = {"parent_field": settings.parent_field}
    whole = block(prepared, settings.blocking, **kw)
    probed = block(prepared, settings.blocking, **kw, probes=probes)
    assert (probed.left.tolist(), probed.right.tolist()) == _touching(whole, probes)
