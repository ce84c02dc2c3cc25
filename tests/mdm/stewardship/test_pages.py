"""What the comparison and golden record pages show: masking, lineage, graph, history."""

from __future__ import annotations

import networkx as nx
import pytest
from sqlalchemy import Engine

from mdm.auth.principal import Principal, Scope
from mdm.db import session_scope
from mdm.stewardship import actions
from mdm.stewardship.compare import bars, comparison
from mdm.stewardship.golden_page import MARGIN, SIZE, golden_page, layout
from tests.support import steward_world
from tests.support.lookups import golden_of

STEWARD = Principal("ann", frozenset({Scope.STEWARD}), "key")
FINANCE = Principal("fin", frozenset({Scope.STEWARD, Scope.FINANCE}), "key")
READER = Principal("rob", frozenset({Scope.READ}), "key")


def test_comparison_highlights_differences_and_masks_money_without_finance(
    engine: Engine,
) -> None:
    w = steward_world.build(engine)
    with session_scope(engine) as session:
        shown = comparison(session, w.acme, STEWARD)
        rich = comparison(session, w.acme, FINANCE)
    rows = {f.name: f for f in shown.fields}
    assert rows["name"].differs
    assert not rows["city"].differs
    assert rows["tax_id"].one_sided
    assert rows["tax_id"].a == "DE111111111"  # stewards see tax ids
    [crm_contract] = shown.relatives_a["crm"]
    assert (crm_contract.name, crm_contract.amount) == ("MSA-1", "(masked)")
    assert rich.relatives_a["crm"][0].amount == "500000.00"
    assert rich.relatives_b["erp"][0].name == "SOW-7"


def test_weight_bars_are_signed_and_scaled_to_the_strongest() -> None:
    shown = bars(steward_world.explanation(3.0))
    assert [b.name for b in shown] == ["name", "phone", "city", "tax_id"]
    assert [b.width for b in shown] == [100.0, pytest.approx(66.7), 50.0, 0.0]
    assert shown[1].weight < 0 < shown[0].weight


def test_golden_page_masks_tax_ids_for_readers_and_shows_past_states(engine: Engine) -> None:
    w = steward_world.build(engine)
    with session_scope(engine, write=True) as session:
        actions.decide(session, w.acme, True, "ann")
    golden = golden_of(engine, "crm", "A1")
    with session_scope(engine) as session:
        now = golden_page(session, golden, READER)
        first = now.events[-1]  # newest first; the oldest is its creation
        then = golden_page(session, golden, STEWARD, first.at)
    values = {a.name: a.value for a in now.attributes}
    assert values["tax_id"] == "(masked)"
    assert {m.key.source_id for ms in now.xrefs.values() for m in ms} == {"A1"}
    assert sorted(now.xrefs) == ["crm", "erp"]
    assert len(now.nodes) == 2
    assert [e.kind for e in now.edges] == ["steward"]
    assert then.state is not None
    assert len(then.state["members"]) == 1
    assert then.state["attributes"]["tax_id"] == "DE111111111"


@pytest.mark.parametrize("n", [1, 2, 5, 30])
def test_layout_keeps_every_node_inside_the_drawing(n: int) -> None:
    graph = nx.path_graph([f"crm:{i}" for i in range(n)])
    for i, key in enumerate(graph.nodes):
        graph.nodes[key]["record_id"] = i + 1
    for a, b in graph.edges:
        graph.edges[a, b].update(kind="auto", score=0.97)
    nodes, edges = layout(graph)
    assert len(nodes) == n
    assert len(edges) == n - 1
    for node in nodes:
        assert MARGIN - 0.5 <= node.x <= SIZE - MARGIN + 0.5
        assert MARGIN - 0.5 <= node.y <= SIZE - MARGIN + 0.5
    assert len({(node.x, node.y) for node in nodes}) == n
