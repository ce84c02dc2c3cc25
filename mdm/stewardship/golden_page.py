"""The golden record page: survived attributes with lineage, ids per system, the cluster as a
small SVG graph, and history with any past state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import networkx as nx
from sqlmodel import Session

from mdm.auth.masking import is_visible
from mdm.auth.principal import Principal
from mdm.entities import EntityType
from mdm.errors import NotFound
from mdm.golden.graph import cluster_graph
from mdm.golden.queries import Member, golden_by_id
from mdm.golden.timeline import EventView
from mdm.golden.views import golden_detail, golden_history
from mdm.stewardship.masking import MASKED

SIZE = 420  # the SVG's width and height in pixels
MARGIN = 70
CIRCLE_UP_TO = 12


@dataclass(frozen=True)
class Attribute:
    """A survived attribute as shown: value (or masked), rule, and the record it came from."""

    name: str
    value: str
    rule: str
    source: str


@dataclass(frozen=True)
class Node:
    """A source record drawn in the cluster graph."""

    key: str
    record_id: int
    x: float
    y: float


@dataclass(frozen=True)
class Edge:
    """A link drawn between two records, with its kind and score."""

    x1: float
    y1: float
    x2: float
    y2: float
    kind: str
    label: str


@dataclass(frozen=True)
class GoldenPage:
    """Everything the golden record page shows."""

    id: str
    entity: EntityType
    status: str
    redirected_from: str | None
    attributes: list[Attribute]
    xrefs: dict[str, list[Member]]
    nodes: list[Node]
    edges: list[Edge]
    events: list[EventView]
    as_of: datetime | None
    state: dict[str, Any] | None
    active_members: list[Member]


def entity_of(session: Session, golden_id: str) -> EntityType:
    """The entity type of a golden id (redirects followed); `NotFound` when unknown."""
    ref = golden_by_id(session, golden_id)
    if ref is None:
        raise NotFound(f"no golden record {golden_id}")
    return ref.entity_type


def golden_page(
    session: Session, golden_id: str, principal: Principal, as_of: datetime | None = None
) -> GoldenPage:
    """The golden record page of `golden_id` as `principal` may see it."""
    entity = entity_of(session, golden_id)
    detail = golden_detail(session, entity, golden_id)
    history = golden_history(session, entity, detail.ref.id, as_of)
    xrefs: dict[str, list[Member]] = {}
    for member in detail.members:
        xrefs.setdefault(member.key.system, []).append(member)
    nodes, edges = layout(cluster_graph(session, detail.ref.id))
    return GoldenPage(
        id=detail.ref.id,
        entity=entity,
        status=detail.ref.status,
        redirected_from=detail.ref.redirected_from,
        attributes=[
            Attribute(
                name,
                value.value if is_visible(entity, name, principal) else MASKED,
                value.rule,
                f"{value.source.system}:{value.source.source_id}" if value.source else "steward",
            )
            for name, value in sorted(detail.attributes.items())
        ],
        xrefs=dict(sorted(xrefs.items())),
        nodes=nodes,
        edges=edges,
        events=list(reversed(history.events)),
        as_of=history.as_of,
        state=_masked_state(entity, history.state, principal),
        active_members=[m for m in detail.members if m.status != "deleted"],
    )


def _masked_state(
    entity: EntityType, state: dict[str, Any] | None, principal: Principal
) -> dict[str, Any] | None:
    if state is None:
        return None
    attributes = {
        k: v if is_visible(entity, k, principal) else MASKED
        for k, v in (state.get("attributes") or {}).items()
    }
    return {**state, "attributes": attributes}


def layout(graph: nx.Graph) -> tuple[list[Node], list[Edge]]:
    """Node positions filling the drawing: a circle for a small cluster (readable labels), a
    seeded spring layout past `CIRCLE_UP_TO` records; the same page draws the same way."""
    if graph.number_of_nodes() == 0:
        return [], []
    if graph.number_of_nodes() == 1:
        raw = {next(iter(graph.nodes)): (0.0, 0.0)}
    elif graph.number_of_nodes() <= CIRCLE_UP_TO:
        raw = {k: (float(x), float(y)) for k, (x, y) in nx.circular_layout(sorted(graph)).items()}
    else:
        raw = {k: (float(x), float(y)) for k, (x, y) in nx.spring_layout(graph, seed=7).items()}
    positions = _fit(raw)
    nodes = [Node(k, int(graph.nodes[k]["record_id"]), *positions[k]) for k in sorted(graph.nodes)]
    edges = []
    for a, b, data in sorted(graph.edges(data=True)):
        score = data.get("score")
        label = data["kind"] if score is None else f"{data['kind']} {score:.2f}"
        edges.append(Edge(*positions[a], *positions[b], kind=data["kind"], label=label))
    return nodes, edges


def _fit(raw: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Scale positions into the drawing, leaving a margin for the labels."""
    xs, ys = [x for x, _ in raw.values()], [y for _, y in raw.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = (SIZE - 2 * MARGIN) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        k: (round(SIZE / 2 + (x - mid_x) * scale, 1), round(SIZE / 2 + (y - mid_y) * scale, 1))
        for k, (x, y) in raw.items()
    }
