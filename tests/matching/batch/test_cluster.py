"""The fast clustering gives the reference partition: cliques, bridges, constraints."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.batch.cluster import fast_cluster
from matching.clustering import ConstraintConflict, cluster

Edge = tuple[int, int]


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, dict[Edge, float], list[Edge], list[Edge], list[Edge]]:
    n = draw(st.integers(2, 14))
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1])
    scored = draw(st.dictionaries(pair, st.sampled_from([0.1, 0.45, 0.6, 0.95, 1.0]), max_size=40))
    must = draw(st.lists(pair, max_size=2))
    cannot = draw(st.lists(pair, max_size=2))
    conflicts = draw(st.lists(st.sampled_from(sorted(scored)), max_size=3)) if scored else []
    return n, scored, must, cannot, conflicts


def _arrays(scored: dict[Edge, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    edges = sorted(scored)
    prob = np.array([scored[e] for e in edges], np.float64)
    return (*_pairs(edges), prob)


def _pairs(edges: list[Edge]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([a for a, _ in edges], np.int64), np.array([b for _, b in edges], np.int64)


@given(graphs())
def test_fast_cluster_equals_reference(
    graph: tuple[int, dict[Edge, float], list[Edge], list[Edge], list[Edge]],
) -> None:
    n, scored, must, cannot, conflicts = graph
    for a, b in must:
        scored[(a, b)] = 1.0
    left, right, prob = _arrays(scored)
    hard = _pairs(conflicts)
    try:
        expected = cluster(
            n,
            left,
            right,
            prob,
            0.6,
            min_support=0.4,
            must_link=must,
            cannot_link=cannot,
            conflicts=conflicts,
        )
    except ConstraintConflict:
        with pytest.raises(ConstraintConflict):
            fast_cluster(n, left, right, prob, 0.6, must_link=must, cannot_link=cannot)
        return
    found = fast_cluster(
        n,
        left,
        right,
        prob,
        0.6,
        min_support=0.4,
        must_link=must,
        cannot_link=cannot,
        conflicts=hard,
    )
    assert _partition(found) == _partition(expected)


def test_a_weak_bridge_between_two_cliques_is_split() -> None:
    left = np.array([0, 0, 1, 2, 3, 3, 4], np.int64)
    right = np.array([1, 2, 2, 3, 4, 5, 5], np.int64)
    prob = np.array([0.99, 0.99, 0.99, 0.91, 0.99, 0.99, 0.99])
    labels = fast_cluster(6, left, right, prob, 0.9, min_support=0.5)
    assert _partition(labels) == {frozenset({0, 1, 2}), frozenset({3, 4, 5})}


@given(graphs())
def test_two_workers_give_the_one_worker_partition(
    graph: tuple[int, dict[Edge, float], list[Edge], list[Edge], list[Edge]],
) -> None:
    n, scored, _, _, conflicts = graph
    left, right, prob = _arrays(scored)
    hard = _pairs(conflicts)
    one = fast_cluster(n, left, right, prob, 0.6, min_support=0.4, conflicts=hard)
    two = fast_cluster(n, left, right, prob, 0.6, min_support=0.4, conflicts=hard, workers=2)
    assert _partition(one) == _partition(two)
