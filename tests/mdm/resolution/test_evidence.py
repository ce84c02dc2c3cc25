"""Review candidates: one per pair of golden records, on their strongest uncertain pair."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Engine, Text, cast
from sqlmodel import Session, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import GoldenLink
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest
from mdm.resolution.evidence import _strongest_per_golden_pair, explanation, record_links
from mdm.resolution.frames import RecordFrame


def _pair(left: str, right: str, probability: float, decision: str) -> dict[str, object]:
    return {
        "source_system_l": "crm",
        "source_id_l": left,
        "source_system_r": "erp",
        "source_id_r": right,
        "match_weight": 1.5,
        "probability": probability,
        "decision": decision,
        "rule": "none",
        "name": "fuzzy_0.9",
        "name_weight": 2.25,
    }


RECORDS_KEYS = [("crm", "a"), ("crm", "b"), ("erp", "x"), ("erp", "y")]
RECORDS = RecordFrame(
    pd.DataFrame(
        {"source_system": ["crm", "crm", "erp", "erp"], "source_id": ["a", "b", "x", "y"]}
    ),
    record_ids=[10, 11, 20, 21],
    golden_ids=["g1", "g1", "g2", "g2"],
)


def test_strongest_uncertain_pair_stands_for_its_two_golden_records() -> None:
    pairs = pd.DataFrame(
        [
            _pair("a", "x", 0.55, "review"),
            _pair("b", "y", 0.80, "review"),
            _pair("a", "y", 0.95, "distinct"),
        ]
    )
    chosen = _strongest_per_golden_pair(RECORDS, ["g1", "g1", "g2", "g2"], pairs)
    assert list(chosen) == [(11, 21)]
    assert chosen[(11, 21)]["probability"] == 0.80


def test_pairs_inside_one_golden_record_are_not_candidates() -> None:
    pairs = pd.DataFrame([_pair("a", "x", 0.7, "review")])
    assert _strongest_per_golden_pair(RECORDS, ["g1", "g1", "g1", "g2"], pairs) == {}


def test_explanation_lists_each_comparison_with_level_and_weight() -> None:
    assert explanation(_pair("a", "x", 0.7, "review")) == {
        "match_weight": 1.5,
        "rule": "none",
        "comparisons": {"name": {"level": "fuzzy_0.9", "weight": 2.25}},
    }


def test_one_strong_bridge_between_two_separate_groups_is_not_a_doubt() -> None:
    # a and b are one company, x and y another; only a-x look alike (a shared office, say)
    pairs = pd.DataFrame([_pair("a", "x", 0.95, "link")])
    goldens = ["g1", "g1", "g2", "g2"]
    assert _strongest_per_golden_pair(RECORDS, goldens, pairs, floor=0.5) == {}
    assert list(_strongest_per_golden_pair(RECORDS, goldens, pairs, floor=0.2)) == [(10, 20)]


def test_golden_records_that_agree_throughout_stay_a_candidate() -> None:
    pairs = pd.DataFrame(
        [
            _pair("a", "x", 0.7, "review"),
            _pair("a", "y", 0.6, "review"),
            _pair("b", "x", 0.6, "review"),
            _pair("b", "y", 0.65, "review"),
        ]
    )
    chosen = _strongest_per_golden_pair(RECORDS, ["g1", "g1", "g2", "g2"], pairs, floor=0.5)
    assert list(chosen) == [(10, 20)]


def test_links_store_their_explanation_as_the_text_json_dumps_writes(engine: Engine) -> None:
    rows = [{"source_system": s, "source_id": i, "name": "Acme"} for s, i in RECORDS_KEYS]
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(r) for r in rows], resolve=False)
        ids = {
            (r.source_system, r.source_id): r.id for r in session.exec(select(SourceRecord)).all()
        }
    records = RecordFrame(
        RECORDS.frame,
        record_ids=[ids[key] or 0 for key in RECORDS_KEYS],
        golden_ids=RECORDS.golden_ids,
    )
    plain = _pair("a", "x", 0.99, "link")
    weird = {**_pair("b", "y", 0.9, "link"), "name": 'Müller "&" 𝄞', "name_weight": 1e-7}
    pairs = pd.DataFrame([plain, weird, _pair("a", "y", 0.5, "review")])
    for _ in range(2):  # found again the same: kept, not written again
        with session_scope(engine, write=True) as session:
            linked = record_links(session, EntityType.CUSTOMER, records, ["g"] * 4, pairs)
            assert linked == 2
    link = GoldenLink.__table__.c  # type: ignore[attr-defined]
    with Session(engine) as session:
        stored = session.execute(
            select(link.record_a_id, link.record_b_id, cast(link.explanation, Text))
            .where(link.active)
            .order_by(link.id)
        ).all()
    assert [tuple(row) for row in stored] == [
        (
            ids[("crm", "a")],
            ids[("erp", "x")],
            json.dumps(explanation(_pair("a", "x", 0.99, "link"))),
        ),
        (ids[("crm", "b")], ids[("erp", "y")], json.dumps(explanation(weird))),
    ]
