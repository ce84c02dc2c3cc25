"""Steward review: accepting merges, rejecting keeps apart for good, decisions train the model."""

from __future__ import annotations

import networkx as nx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import Conflict
from mdm.golden.graph import cluster_graph, weak_bridges
from mdm.records.service import RecordInput, ingest
from mdm.resolution.batch import resolve_all
from mdm.resolution.models import MatchCandidate, ModelVersion
from mdm.resolution.review import decide, train
from tests.mdm.resolution.test_batch import ROWS
from tests.support.lookups import golden_of, record_id

C = EntityType.CUSTOMER


def _setup(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(r) for r in ROWS])
    with session_scope(engine, write=True) as session:
        resolve_all(session, C)


def _candidate(engine: Engine, a: tuple[str, str], b: tuple[str, str]) -> int:
    """Open a candidate for two records by hand, as a resolve run would."""
    with session_scope(engine, write=True) as session:
        ids = sorted(record_id(session, *key) for key in (a, b))
        candidate = MatchCandidate(
            entity_type=C.value,
            record_a_id=ids[0],
            record_b_id=ids[1],
            probability=0.6,
            explanation={},
        )
        session.add(candidate)
        session.flush()
        assert candidate.id is not None
        return candidate.id


def test_accepting_a_candidate_merges_and_survives_resolve_all(engine: Engine) -> None:
    _setup(engine)
    cid = _candidate(engine, ("crm", "n3"), ("crm", "n4"))
    with session_scope(engine, write=True) as session:
        decide(session, cid, accept=True, actor="steward:ann")
    assert golden_of(engine, "crm", "n3") == golden_of(engine, "crm", "n4")
    with session_scope(engine, write=True) as session:
        resolve_all(session, C, refit=False)
    assert golden_of(engine, "crm", "n3") == golden_of(engine, "crm", "n4")


def test_a_rejected_pair_never_returns(engine: Engine) -> None:
    _setup(engine)
    assert golden_of(engine, "crm", "2") == golden_of(engine, "erp", "2")
    with session_scope(engine, write=True) as session:
        golden = golden_of(engine, "crm", "2")
        assert golden is not None
        from mdm.golden.membership import split

        split(session, C, golden, [record_id(session, "erp", "2")], "steward:ann")
    cid = _candidate(engine, ("crm", "2"), ("erp", "2"))
    with session_scope(engine, write=True) as session:
        decide(session, cid, accept=False, actor="steward:ann")
    with pytest.raises(Conflict), session_scope(engine, write=True) as session:
        decide(session, cid, accept=True, actor="steward:bob")
    with session_scope(engine, write=True) as session:
        resolve_all(session, C, refit=True)
    assert golden_of(engine, "crm", "2") != golden_of(engine, "erp", "2")


def test_train_refits_from_decisions_once_there_are_enough(engine: Engine) -> None:
    _setup(engine)
    pairs = [(("crm", f"n{i}"), ("crm", f"n{i + 1}")) for i in range(0, 20, 2)]
    with session_scope(engine, write=True) as session:
        assert train(session, C).model_version is None  # no decisions yet
    for i, (a, b) in enumerate(pairs):
        cid = _candidate(engine, a, b)
        with session_scope(engine, write=True) as session:
            decide(session, cid, accept=i < 2, actor="steward:ann")
    with session_scope(engine, write=True) as session:
        report = train(session, C)
    assert (report.matches, report.non_matches, report.model_version) == (2, 8, 2)
    with Session(engine) as session:
        active = session.exec(select(ModelVersion).where(col(ModelVersion.active))).one()
    assert (active.version, active.origin) == (2, "labels")


def test_cluster_graph_matches_the_golden_record(engine: Engine) -> None:
    _setup(engine)
    golden = golden_of(engine, "crm", "1")
    assert golden is not None
    with Session(engine) as session:
        graph = cluster_graph(session, golden)
    assert set(graph.nodes) == {"crm:1", "erp:1", "psa:1"}
    assert nx.is_connected(graph)
    assert all(graph.edges[a, b]["kind"] in ("auto", "rule") for a, b in graph.edges)


def test_weak_bridges_are_low_scored_links_whose_loss_splits_the_cluster() -> None:
    graph = nx.Graph()
    graph.add_edge("crm:1", "erp:1", kind="auto", score=0.99)
    graph.add_edge("erp:1", "psa:1", kind="auto", score=0.91)  # a bridge, scored low
    graph.add_edge("psa:1", "psa:2", kind="steward", score=None)  # a bridge, but a person's
    graph.add_edge("crm:2", "crm:1", kind="auto", score=0.92)  # in a triangle: not a bridge
    graph.add_edge("crm:2", "erp:1", kind="auto", score=0.93)
    assert weak_bridges(graph) == [("erp:1", "psa:1")]
    assert weak_bridges(graph, below=0.9) == []


def test_records_with_an_open_candidate_are_pending_review_in_the_xref(engine: Engine) -> None:
    from mdm.exports.service import xref_rows

    _setup(engine)
    _candidate(engine, ("crm", "n5"), ("crm", "n6"))
    with Session(engine) as session:
        status = {(r["source_system"], r["source_id"]): r["status"] for r in xref_rows(session, C)}
    assert status[("crm", "n5")] == status[("crm", "n6")] == "pending_review"
    assert status[("crm", "1")] == "linked"
