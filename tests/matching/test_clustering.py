"""Clustering: properties against an independent union-find, and the non-chaining cases."""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import matching.clustering as clustering_module
from matching.clustering import ConstraintConflict, UnionFind, _Linkage, cluster

UPPER = 0.9


def _reference_components(n: int, edges: list[tuple[int, int]]) -> list[frozenset[int]]:
    """Connected components by repeated relabelling: independent of the code under test."""
    label = list(range(n))
    changed = True
    while changed:
        changed = False
        for a, b in edges:
            low = min(label[a], label[b])
            if label[a] != low or label[b] != low:
                label[a] = label[b] = low
                changed = True
    return sorted(
        (frozenset(i for i in range(n) if label[i] == lab) for lab in set(label)), key=min
    )


def _partition(labels: np.ndarray) -> list[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, lab in enumerate(labels.tolist()):
        groups.setdefault(lab, set()).add(i)
    return sorted((frozenset(g) for g in groups.values()), key=min)


def _run(
    n: int,
    edges: list[tuple[int, int, float]],
    min_support: float = 0.5,
    cannot: list[tuple[int, int]] | None = None,
    must: list[tuple[int, int]] | None = None,
) -> np.ndarray:
    left = np.array([min(a, b) for a, b, _ in edges], np.int64)
    right = np.array([max(a, b) for a, b, _ in edges], np.int64)
    prob = np.array([p for _, _, p in edges], np.float64)
    return cluster(
        n,
        left,
        right,
        prob,
        UPPER,
        min_support=min_support,
        cannot_link=cannot or [],
        must_link=must or [],
    )


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, float]]]:
    n = draw(st.integers(2, 14))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            max_size=30,
            unique_by=lambda p: (min(p), max(p)),
        )
    )
    probs = draw(st.lists(st.floats(0.0, 1.0), min_size=len(pairs), max_size=len(pairs)))
    return n, [(a, b, p) for (a, b), p in zip(pairs, probs, strict=True)]


@given(graphs())
def test_without_conflicts_and_support_zero_clusters_are_connected_components(
    graph: tuple[int, list[tuple[int, int, float]]],
) -> None:
    n, edges = graph
    links = [(a, b) for a, b, p in edges if p >= UPPER]
    assert _partition(_run(n, edges, min_support=0.0)) == _reference_components(n, links)


@given(graphs())
def test_every_cluster_lies_inside_one_connected_component(
    graph: tuple[int, list[tuple[int, int, float]]],
) -> None:
    n, edges = graph
    links = [(a, b) for a, b, p in edges if p >= UPPER]
    components = _reference_components(n, links)
    for group in _partition(_run(n, edges)):
        assert any(group <= comp for comp in components)


@given(graphs(), st.data())
def test_no_cannot_link_pair_ends_up_in_one_cluster(
    graph: tuple[int, list[tuple[int, int, float]]], data: st.DataObject
) -> None:
    n, edges = graph
    cannot = data.draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            max_size=5,
        )
    )
    labels = _run(n, edges, cannot=cannot)
    assert all(labels[a] != labels[b] for a, b in cannot)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=14))
def test_cliques_of_links_without_conflicts_equal_connected_components(
    assignment: list[int],
) -> None:
    n = len(assignment)
    edges = [
        (a, b, 0.95) for a in range(n) for b in range(a + 1, n) if assignment[a] == assignment[b]
    ]
    links = [(a, b) for a, b, _ in edges]
    assert _partition(_run(n, edges)) == _reference_components(n, links)


@given(graphs(), st.data())
def test_must_link_pairs_always_share_a_cluster(
    graph: tuple[int, list[tuple[int, int, float]]], data: st.DataObject
) -> None:
    n, edges = graph
    must = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=4))
    labels = _run(n, edges, must=must)
    assert all(labels[a] == labels[b] for a, b in must)


def test_weak_bridge_between_two_dense_groups_is_split() -> None:
    triangle_a = [(0, 1, 0.99), (0, 2, 0.99), (1, 2, 0.99)]
    triangle_b = [(3, 4, 0.99), (3, 5, 0.99), (4, 5, 0.99)]
    bridge = [(2, 3, 0.95)]
    parts = _partition(_run(6, triangle_a + triangle_b + bridge))
    assert parts == [frozenset({0, 1, 2}), frozenset({3, 4, 5})]


def test_chain_with_supporting_review_pairs_stays_together() -> None:
    # a-b and b-c link; a-c was scored just under the link threshold but well above chance
    parts = _partition(_run(3, [(0, 1, 0.97), (1, 2, 0.97), (0, 2, 0.8)]))
    assert parts == [frozenset({0, 1, 2})]


def test_conflicting_tax_ids_split_a_chain_at_its_weakest_point() -> None:
    edges = [(0, 1, 0.99), (1, 2, 0.92), (2, 3, 0.99)]
    parts = _partition(_run(4, edges, cannot=[(0, 3)]))
    assert parts == [frozenset({0, 1}), frozenset({2, 3})]


def test_must_link_joined_with_cannot_link_is_a_conflict() -> None:
    with pytest.raises(ConstraintConflict):
        _run(3, [], must=[(0, 1), (1, 2)], cannot=[(0, 2)])


@pytest.mark.parametrize(
    ("unions", "same", "different"),
    [
        ([(0, 1)], [(0, 1)], [(0, 2)]),
        ([(0, 1), (1, 2)], [(0, 2)], [(0, 3)]),
        ([(3, 2), (1, 0), (2, 1)], [(0, 3)], []),
    ],
)
def test_union_find_joins_transitively(
    unions: list[tuple[int, int]], same: list[tuple[int, int]], different: list[tuple[int, int]]
) -> None:
    uf = UnionFind(4)
    for a, b in unions:
        uf.union(a, b)
    assert all(uf.find(a) == uf.find(b) for a, b in same)
    assert all(uf.find(a) != uf.find(b) for a, b in different)


def test_conflicting_evidence_splits_but_yields_to_a_must_link() -> None:
    edges = [(0, 1, 0.99), (1, 2, 0.99), (0, 2, 0.99)]
    split = _partition(
        cluster(
            3,
            np.array([0, 1, 0]),
            np.array([1, 2, 2]),
            np.array([p for *_, p in edges]),
            UPPER,
            conflicts=[(0, 2)],
        )
    )
    assert all(not {0, 2} <= group for group in split)
    kept = cluster(
        3,
        np.array([0, 1, 0]),
        np.array([1, 2, 2]),
        np.array([p for *_, p in edges]),
        UPPER,
        must_link=[(0, 2)],
        conflicts=[(0, 2)],
    )
    assert kept[0] == kept[2]


def test_record_sure_of_two_rival_groups_joins_the_one_with_more_evidence() -> None:
    pairs = [(1, 2, 20.0), (3, 4, 20.0), (0, 1, 10.0), (0, 2, 10.0), (0, 3, 25.0), (0, 4, 25.0)]
    labels = cluster(
        5,
        np.array([a for a, _, _ in pairs]),
        np.array([b for _, b, _ in pairs]),
        np.ones(len(pairs)),
        UPPER,
        conflicts=[(1, 3)],
        weights=np.array([w for *_, w in pairs]),
    )
    assert _partition(labels) == [frozenset({0, 3, 4}), frozenset({1, 2})]


def _eager_average_linkage(state: _Linkage, min_support: float) -> None:
    """The plain reading: after every merge, queue the survivor with each linked group."""
    heap = [state.key(a, b) for a in state.links for b in state.links[a] if a < b]
    heapq.heapify(heap)
    while heap:
        entry = heapq.heappop(heap)
        a, b = entry[2], entry[3]
        if a not in state.size or b not in state.size or entry != state.key(a, b):
            continue
        if -entry[0] < min_support or b in state.cannot[a]:
            continue
        keep, _ = state.merge(a, b)
        for other in state.links[keep]:
            heapq.heappush(heap, state.key(keep, other))


@given(graphs(), st.sampled_from([0.0, 0.3, 0.5, 0.8]), st.booleans())
def test_lazy_requeueing_merges_exactly_like_requeueing_everything(
    graph: tuple[int, list[tuple[int, int, float]]], min_support: float, saturated: bool
) -> None:
    n, edges = graph
    if saturated:  # many exact ties: probability 1 everywhere a pair links
        edges = [(a, b, 1.0 if p >= UPPER else p) for a, b, p in edges]
    left = np.array([min(a, b) for a, b, _ in edges], np.int64)
    right = np.array([max(a, b) for a, b, _ in edges], np.int64)
    prob = np.array([p for _, _, p in edges], np.float64)
    expected = clustering_module._average_linkage
    try:
        clustering_module._average_linkage = _eager_average_linkage
        eager = cluster(n, left, right, prob, UPPER, min_support=min_support)
    finally:
        clustering_module._average_linkage = expected
    lazy = cluster(n, left, right, prob, UPPER, min_support=min_support)
    assert _partition(lazy) == _partition(eager)
