"""Clustering that does not chain: union-find first, constrained average linkage where needed.

Auto-links (and must-links) form connected components with a union-find. A component that is a
clique of links with no cannot-link inside is final. Any other component is re-clustered by
average linkage: two groups merge, strongest first, only when a link joins them, no cannot-link
separates them, and the mean match probability over all their cross pairs (an unscored pair
counts 0) reaches `min_support`. A weak bridge between two dense groups fails that test, and
conflicting hard evidence can never end up in one cluster.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Edge = tuple[int, int]


class UnionFind:
    """Disjoint sets with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        """Representative of x's set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        """Join the sets of a and b; returns the surviving representative."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra


class ConstraintConflict(ValueError):
    """Must-link constraints join a pair that a cannot-link constraint separates."""


def _components(n: int, edges: Iterable[Edge]) -> dict[int, list[int]]:
    uf = UnionFind(n)
    for a, b in edges:
        uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for x in range(n):
        groups[uf.find(x)].append(x)
    return groups


class _Linkage:
    """Average-linkage state for one component."""

    def __init__(self, must: UnionFind, members: list[int]) -> None:
        self.uf = must
        self.size = dict.fromkeys({must.find(x) for x in members}, 0)
        for x in members:
            self.size[must.find(x)] += 1
        self.mass: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        # summed match weights: among groups equally sure by probability (saturated at 1), the
        # one with more evidence wins
        self.weight: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        self.links: dict[int, set[int]] = defaultdict(set)
        self.cannot: dict[int, set[int]] = defaultdict(set)

    def ratio(self, a: int, b: int) -> float:
        return self.mass[a][b] / (self.size[a] * self.size[b])

    def key(self, a: int, b: int) -> tuple[float, float, int, int]:
        pairs = self.size[a] * self.size[b]
        return (-self.mass[a][b] / pairs, -self.weight[a][b] / pairs, min(a, b), max(a, b))

    def merge(self, a: int, b: int) -> tuple[int, set[int]]:
        """Join two groups; the surviving id and the groups the merged-away one had mass with
        (every pair whose mass or id the merge changes)."""
        keep = self.uf.union(a, b)
        gone = b if keep == a else a
        self.size[keep] += self.size.pop(gone)
        touched = set(self.mass.get(gone, {}))
        for table in (self.links, self.cannot):
            for other in table.pop(gone, set()):
                table[other].discard(gone)
                if other != keep:
                    table[other].add(keep)
                    table[keep].add(other)
        for table_ in (self.mass, self.weight):
            for other, value in table_.pop(gone, {}).items():
                table_[other].pop(gone, None)
                if other != keep:
                    table_[keep][other] += value
                    table_[other][keep] += value
        self.links[keep].discard(keep)
        return keep, touched


def _average_linkage(state: _Linkage, min_support: float) -> None:
    """Merge the best-supported linked pair of groups first, until none qualifies.

    The heap holds, for every linked pair, its current key or an older, better one: a group
    that grows without new mass towards a neighbour only loses support, so that pair is
    re-queued when its old entry comes up, and only the pairs the merged-away group had mass
    with (whose mass or id changed) are queued at once. The order of merges is that of
    re-queueing every neighbour after each merge, at a fraction of the work on big components.
    """
    heap = [state.key(a, b) for a in state.links for b in state.links[a] if a < b]
    heapq.heapify(heap)
    while heap:
        entry = heapq.heappop(heap)
        a, b = entry[2], entry[3]
        if a not in state.size or b not in state.size:
            continue  # a side merged away: the pair was queued again under the survivor
        current = state.key(a, b)
        if entry != current:
            heapq.heappush(heap, current)  # its support fell since: its turn comes later
            continue
        if -entry[0] < min_support or b in state.cannot[a]:
            continue
        keep, moved = state.merge(a, b)
        for other in moved:
            if other in state.links[keep]:
                heapq.heappush(heap, state.key(keep, other))


def cluster(
    n: int,
    left: IntArray,
    right: IntArray,
    prob: npt.NDArray[np.float64],
    upper: float,
    *,
    min_support: float = 0.5,
    must_link: Iterable[Edge] = (),
    cannot_link: Iterable[Edge] = (),
    conflicts: Iterable[Edge] = (),
    weights: npt.NDArray[np.float64] | None = None,
) -> IntArray:
    """Cluster label per record (labels are 0..k-1 in order of first member).

    `cannot_link` are steward decisions (a must-link chain across one is an error);
    `conflicts` are hard evidence (different tax ids), which a steward's must-link overrides.
    `weights` (match weights, log2 odds) break ties between equally probable groups.
    """
    strength = np.clip(weights if weights is not None else prob, -30.0, 30.0)
    must = list(must_link)
    cannot = list(cannot_link)
    is_link = prob >= upper
    links = list(zip(left[is_link].tolist(), right[is_link].tolist(), strict=True))
    must_uf = UnionFind(n)
    for a, b in must:
        must_uf.union(a, b)
    if any(must_uf.find(a) == must_uf.find(b) for a, b in cannot):
        raise ConstraintConflict("a cannot-link pair is joined by must-link pairs")
    cannot += [(a, b) for a, b in conflicts if must_uf.find(a) != must_uf.find(b)]
    labels = np.empty(n, np.int64)
    comps = _components(n, [*links, *must])
    cannot_of: dict[int, list[Edge]] = defaultdict(list)
    comp_of = np.empty(n, np.int64)
    for root, members in comps.items():
        comp_of[members] = root
    for a, b in cannot:
        if comp_of[a] == comp_of[b]:
            cannot_of[int(comp_of[a])].append((a, b))
    # Each edge inside a component as plain Python values, read once: the loops below visit
    # them one by one, and a numpy scalar costs several times a list item to read.
    inside = np.flatnonzero(comp_of[left] == comp_of[right])
    edges_of: dict[int, list[tuple[int, int, float, float, bool]]] = defaultdict(list)
    for edge in zip(
        comp_of[left[inside]].tolist(),
        left[inside].tolist(),
        right[inside].tolist(),
        prob[inside].tolist(),
        strength[inside].tolist(),
        is_link[inside].tolist(),
        strict=True,
    ):
        edges_of[edge[0]].append(edge[1:])
    for root, members in comps.items():
        size = len(members)
        n_links = sum(1 for edge in edges_of[root] if edge[4])
        if not cannot_of[root] and (size <= 2 or n_links == size * (size - 1) // 2):
            labels[members] = root  # a clique of links: nothing to split
            continue
        state = _Linkage(must_uf, members)
        for x, y, p, w, linked in edges_of[root]:
            a, b = must_uf.find(x), must_uf.find(y)
            if a != b:
                state.mass[a][b] += p
                state.mass[b][a] += p
                state.weight[a][b] += w
                state.weight[b][a] += w
                if linked:
                    state.links[a].add(b)
                    state.links[b].add(a)
        for a, b in cannot_of[root]:
            ra, rb = must_uf.find(a), must_uf.find(b)
            state.cannot[ra].add(rb)
            state.cannot[rb].add(ra)
        _average_linkage(state, min_support)
        for x in members:
            labels[x] = must_uf.find(x)
    return np.unique(labels, return_inverse=True)[1].astype(np.int64)
