"""`matching.clustering.cluster` for millions of records.

Connected components of the links come from scipy in C. Most components are cliques of links
with no cannot-link inside: they are final, decided with array operations. Only the rest need
average linkage; they go, renumbered, through the reference `cluster` itself, which treats
every component on its own, so the partition is the reference's.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.blocking.columns import distinct
from matching.clustering import ConstraintConflict, Edge, cluster

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _edges(pairs: Iterable[Edge]) -> tuple[IntArray, IntArray]:
    listed = list(pairs)
    a = np.array([p[0] for p in listed], np.int64)
    b = np.array([p[1] for p in listed], np.int64)
    return a, b


def _components(n: int, a: IntArray, b: IntArray) -> IntArray:
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, np.int64)


def _needs_linkage(
    comp: IntArray,
    left: IntArray,
    right: IntArray,
    is_link: npt.NDArray[np.bool_],
    cannot: IntArray,
) -> npt.NDArray[np.bool_]:
    """Components that are not a clique of links, or hold a cannot-link (by component id)."""
    n_comp = int(comp.max(initial=-1)) + 1
    size = np.bincount(comp, minlength=n_comp)
    inside = is_link & (comp[left] == comp[right])
    links = np.bincount(comp[left[inside]], minlength=n_comp)
    clique = (size <= 2) | (links == size * (size - 1) // 2)
    out = ~clique
    out[cannot] = True
    return np.asarray(out, bool)


def _renumbered(pairs: tuple[IntArray, IntArray], new_id: IntArray) -> list[Edge]:
    a, b = new_id[pairs[0]], new_id[pairs[1]]
    keep = (a >= 0) & (b >= 0)
    return list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


def fast_cluster(
    n: int,
    left: IntArray,
    right: IntArray,
    prob: FloatArray,
    upper: float,
    *,
    min_support: float = 0.5,
    must_link: Iterable[Edge] = (),
    cannot_link: Iterable[Edge] = (),
    conflicts: tuple[IntArray, IntArray] | None = None,
    weights: FloatArray | None = None,
    workers: int = 1,
) -> IntArray:
    """Cluster label per record: the same partition as `matching.clustering.cluster`."""
    must, cannot = _edges(must_link), _edges(cannot_link)
    hard = conflicts if conflicts is not None else (np.empty(0, np.int64),) * 2
    must_comp = _components(n, *must)
    if np.any(must_comp[cannot[0]] == must_comp[cannot[1]]):
        raise ConstraintConflict("a cannot-link pair is joined by must-link pairs")
    is_link = prob >= upper
    comp = _components(
        n, np.concatenate([left[is_link], must[0]]), np.concatenate([right[is_link], must[1]])
    )
    # a steward's must-link outranks conflicting hard evidence
    real = must_comp[hard[0]] != must_comp[hard[1]]
    sep_a = np.concatenate([cannot[0], hard[0][real]])
    sep_b = np.concatenate([cannot[1], hard[1][real]])
    separated = comp[sep_a][comp[sep_a] == comp[sep_b]]
    linkage = _needs_linkage(comp, left, right, is_link, separated)
    labels = comp.copy()
    members = np.flatnonzero(linkage[comp])
    if len(members):
        sub = _linkage_labels(
            n,
            members,
            comp,
            (left, right, prob),
            upper,
            min_support,
            weights,
            (must, cannot, hard),
            workers,
        )
        labels[members] = sub + int(comp.max()) + 1
    return np.unique(labels, return_inverse=True)[1].astype(np.int64)


@dataclass(frozen=True, slots=True, eq=False)
class _Part:
    """One share of the components that need average linkage, renumbered from 0."""

    n: int
    left: IntArray
    right: IntArray
    prob: FloatArray
    weights: FloatArray | None
    must: list[Edge]
    cannot: list[Edge]
    hard: list[Edge]


def _cluster_part(part: _Part, upper: float, min_support: float) -> IntArray:
    return cluster(
        part.n,
        part.left,
        part.right,
        part.prob,
        upper,
        min_support=min_support,
        must_link=part.must,
        cannot_link=part.cannot,
        conflicts=part.hard,
        weights=part.weights,
    )


def _shares(comp_of_member: IntArray, edges_per_comp: IntArray, workers: int) -> IntArray:
    """Worker per component: largest first onto the least loaded, so shares even out."""
    comps = distinct(comp_of_member)
    load = np.zeros(max(workers, 1), np.int64)
    share = np.zeros(int(comps.max(initial=0)) + 1, np.int64)
    for c in comps[np.argsort(-edges_per_comp[comps], kind="stable")].tolist():
        w = int(load.argmin())
        share[c] = w
        load[w] += edges_per_comp[c] + 1
    return share


def _linkage_labels(
    n: int,
    members: IntArray,
    comp: IntArray,
    scored: tuple[IntArray, IntArray, FloatArray],
    upper: float,
    min_support: float,
    weights: FloatArray | None,
    constraints: tuple[tuple[IntArray, IntArray], ...],
    workers: int = 1,
) -> IntArray:
    """The reference clustering on the components that need average linkage, renumbered.

    Components are independent, so with several workers each takes a share of them in its own
    process (the reference is plain Python: one core per process).
    """
    left, right, prob = scored
    chosen = np.zeros(int(comp.max()) + 1, bool)
    chosen[comp[members]] = True
    inside = (comp[left] == comp[right]) & chosen[comp[left]]
    edges_per_comp = np.bincount(comp[left[inside]], minlength=int(comp.max()) + 1)
    share = _shares(comp[members], edges_per_comp, workers)
    parts = []
    for w in range(max(workers, 1)):
        mine = members[share[comp[members]] == w]
        new_id = np.full(n, -1, np.int64)
        new_id[mine] = np.arange(len(mine))
        edges = inside & (new_id[left] >= 0)
        must, cannot, hard = constraints
        parts.append(
            _Part(
                len(mine),
                new_id[left[edges]],
                new_id[right[edges]],
                prob[edges],
                None if weights is None else weights[edges],
                _renumbered(must, new_id),
                _renumbered(cannot, new_id),
                _renumbered(hard, new_id),
            )
        )
    out = np.empty(n, np.int64)
    offset = 0
    for w, labels in enumerate(_run_parts(parts, upper, min_support)):
        out[members[share[comp[members]] == w]] = labels + offset
        offset += parts[w].n  # labels of a part run 0..n-1
    return out[members]


def _run_parts(parts: list[_Part], upper: float, min_support: float) -> list[IntArray]:
    if len(parts) == 1 or sum(1 for p in parts if p.n) < 2:
        return [_cluster_part(p, upper, min_support) for p in parts]
    with ProcessPoolExecutor(len(parts) - 1, mp_context=_fork_or_default()) as pool:
        later = [pool.submit(_cluster_part, p, upper, min_support) for p in parts[1:]]
        first = _cluster_part(parts[0], upper, min_support)
        return [first, *(f.result() for f in later)]


def _fork_or_default() -> multiprocessing.context.BaseContext:
    # fork shares the parent's imports at no cost; elsewhere the platform's default works
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)
