"""The bulk name similarity equals the reference one pair by pair, tricky cases included."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import matching.batch.names as names_module
from matching.batch.names import NameTokens, pair_similarity
from matching.compare import name_similarity, token_weights

# typos, truncations, alias spellings and their canonical forms, one-letter words
WORDS = [
    "acme", "acne", "acmee", "consulting", "consultng", "consult", "ind", "ijdustries",
    "industries", "group", "grp", "tech", "technologies", "technologie", "nord", "nordic",
    "systems", "sys", "a", "bau", "intl", "internatinal", "medi", "media", "mediaa",
]  # fmt: skip


def _check(names: list[str], holders: Sequence[str | None]) -> None:
    values = sorted(set(names))
    counts = np.array([sum(1 for h in holders if h == v) for v in values], np.int64)
    tokens = NameTokens.build(values, counts, len(holders))
    pairs = [(a, b) for a, b in itertools.product(range(len(values)), repeat=2) if a != b]
    ia = np.array([a for a, _ in pairs], np.int64)
    ib = np.array([b for _, b in pairs], np.int64)
    fast = pair_similarity(tokens, ia, ib)
    weights = token_weights(holders)
    for k, (a, b) in enumerate(pairs):
        expected = name_similarity(values[a], values[b], weights)
        assert abs(fast[k] - expected) < 1e-12, (values[a], values[b])


name = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@given(st.lists(name, min_size=2, max_size=12), st.integers(0, 5))
def test_bulk_equals_reference(names: list[str], without_name: int) -> None:
    _check(names, [*names, *([None] * without_name)])


def test_a_token_with_two_near_partners_follows_the_reference_greedy_order() -> None:
    names = ["acme acmee nord", "acne nordic acme", "acmee acne", "media medi mediaa"]
    _check(names, names + names[:2])


def test_chunks_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [" ".join(p) for p in itertools.permutations(WORDS[:6], 2)]
    counts = np.ones(len(names), np.int64)
    tokens = NameTokens.build(names, counts, len(names))
    ia = np.arange(len(names) - 1, dtype=np.int64)
    ib = ia + 1
    whole = pair_similarity(tokens, ia, ib)
    monkeypatch.setattr(names_module, "CHUNK_PAIRS", 7)
    chunked = pair_similarity(tokens, ia, ib)
    assert np.array_equal(whole, chunked)
