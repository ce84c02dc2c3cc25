"""Fuzzy search of golden records: the matcher's standardization, bounded answers, fresh data."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.golden.lineage_models import GoldenEvent
from mdm.golden.search import MAX_RESULTS, MAX_TEXT, NameIndex, standardize
from mdm.records.service import RecordInput, ingest
from tests.mdm.golden.world import load_world

C = EntityType.CUSTOMER


def _add(engine: Engine, *names: str) -> None:
    rows = [{"source_system": "crm", "source_id": f"new-{n}", "name": n} for n in names]
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(r) for r in rows], resolve=False)


def _labels(index: NameIndex, engine: Engine, text: str, first: int = 10) -> list[str]:
    with Session(engine) as session:
        return [hit.label for hit in index.search(session, C, text, first)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Müller Maschinenbau GmbH", "muller maschinenbau"),
        ("MUELLER MASCHINENBAU", "muller maschinenbau"),
        ("Acme Corp.", "acme"),
    ],
)
def test_customer_names_are_standardized_as_the_matcher_does(raw: str, expected: str) -> None:
    assert standardize(C, raw) == expected


def test_best_match_first_typos_and_legal_forms_forgiven(engine: Engine) -> None:
    load_world(engine)
    _add(engine, "Müller Maschinenbau GmbH", "Muller Logistik AG", "Hansen Shipping A/S")
    index = NameIndex()
    assert _labels(index, engine, "mueller maschinenbau", 1) == ["Müller Maschinenbau GmbH"]
    assert _labels(index, engine, "Mulelr Maschinenbau", 1) == ["Müller Maschinenbau GmbH"]
    assert _labels(index, engine, "zzzzqqqq") == []
    assert len(_labels(index, engine, "Logistik", 2)) == 2


def test_new_and_merged_golden_records_are_seen(engine: Engine) -> None:
    world = load_world(engine)
    index = NameIndex()
    assert _labels(index, engine, "Hansen Shipping") == []
    _add(engine, "Hansen Shipping A/S")
    assert _labels(index, engine, "Hansen Shipping", 1) == ["Hansen Shipping A/S"]
    with Session(engine) as session:
        hits = index.search(session, C, "Bergmann", 10)
    assert world.merged_away not in {h.golden_id for h in hits}
    assert world.bergmann in {h.golden_id for h in hits}


@pytest.mark.parametrize(
    ("text", "first"),
    [("", 10), ("   ", 10), ("x" * (MAX_TEXT + 1), 10), ("acme", 0), ("acme", MAX_RESULTS + 1)],
)
def test_unbounded_or_empty_searches_are_refused(engine: Engine, text: str, first: int) -> None:
    with Session(engine) as session, pytest.raises(InvalidInput):
        NameIndex().search(session, C, text, first)


def test_a_change_committed_after_a_later_one_is_still_found(engine: Engine) -> None:
    load_world(engine)
    index = NameIndex()
    assert _labels(index, engine, "Larkspur Freight") == []
    _add(engine, "Larkspur Freight AB")  # its event gets the lower id...
    _add(engine, "Quillon Textiles SA")  # ...this one the higher
    with session_scope(engine, write=True) as session:
        late = session.exec(select(GoldenEvent).order_by(col(GoldenEvent.id).desc())).all()[1]
        held = late.model_dump()
        session.delete(late)  # as if its transaction had not committed yet
    assert _labels(index, engine, "Quillon Textiles", 1) == ["Quillon Textiles SA"]
    assert _labels(index, engine, "Larkspur Freight") == []
    with session_scope(engine, write=True) as session:
        session.add(GoldenEvent.model_validate(held))  # it commits, with its old id
    assert _labels(index, engine, "Larkspur Freight", 1) == ["Larkspur Freight AB"]
