"""The cross-reference graph of one golden record as networkx: records, links, weak bridges."""

from __future__ import annotations

import networkx as nx
from sqlmodel import Session, col, or_, select

from mdm.golden.lineage_models import GoldenLink
from mdm.golden.membership import members_of, resolve_id


def cluster_graph(session: Session, golden_id: str) -> nx.Graph:
    """Members as nodes (`system:id`), active links as edges with kind, score and actor."""
    golden = resolve_id(session, golden_id)
    members = members_of(session, golden.id)
    graph = nx.Graph(golden_id=golden.id)
    ids = {r.id: f"{r.source_system}:{r.source_id}" for r in members if r.id is not None}
    graph.add_nodes_from((key, {"record_id": rid}) for rid, key in ids.items())
    if not ids:
        return graph
    query = select(GoldenLink).where(
        col(GoldenLink.active),
        or_(col(GoldenLink.record_a_id).in_(list(ids)), col(GoldenLink.record_b_id).in_(list(ids))),
    )
    for link in session.exec(query):
        if link.record_a_id in ids and link.record_b_id in ids:
            graph.add_edge(
                ids[link.record_a_id],
                ids[link.record_b_id],
                kind=link.kind,
                score=link.score,
                actor=link.actor,
            )
    return graph


def weak_bridges(graph: nx.Graph, below: float = 0.95) -> list[tuple[str, str]]:
    """Links whose removal splits the cluster and whose score is under `below`: review them."""
    return sorted(
        (min(a, b), max(a, b))
        for a, b in nx.bridges(graph)
        if (graph.edges[a, b].get("score") or 0.0) < below
        and graph.edges[a, b]["kind"] != "steward"
    )
