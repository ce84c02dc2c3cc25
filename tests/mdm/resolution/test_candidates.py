"""The review queue: pages in priority order with cursors, side-by-side records, decisions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.records.service import RecordInput, ingest
from mdm.resolution.candidates import (
    CandidateFilter,
    candidates_page,
    decode_cursor,
    encode_cursor,
)
from mdm.resolution.models import CandidateStatus, MatchCandidate
from tests.conftest import KeyFactory
from tests.support.lookups import golden_of, record_id

URL = "/api/v1/customers/candidates"
# (a, b, priority): the queue shows the most uncertain first, ties by id.
PAIRS = [
    ("a1", "b1", 0.2),
    ("a2", "b2", 0.9),
    ("a3", "b3", 0.9),
    ("a4", "b4", 0.5),
    ("a5", "b5", 1.0),
]


def _queue(engine: Engine) -> dict[str, int]:
    """Ten customers (one with a tax id), five open candidates; candidate id by its `a` key."""
    rows = [
        {"source_system": "crm", "source_id": key, "name": f"Firma {key}", "tax_id": f"DE{key}"}
        for a, b, _ in PAIRS
        for key in (a, b)
    ]
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(r) for r in rows], resolve=False)
        ids = {}
        for a, b, priority in PAIRS:
            low, high = sorted((record_id(session, "crm", a), record_id(session, "crm", b)))
            candidate = MatchCandidate(
                entity_type="customer",
                record_a_id=low,
                record_b_id=high,
                probability=0.5,
                priority=priority,
                explanation={"match_weight": 1.5, "rule": "none", "comparisons": {}},
            )
            session.add(candidate)
            session.flush()
            assert candidate.id is not None
            ids[a] = candidate.id
    return ids


def test_pages_follow_priority_then_id_and_never_skip_or_repeat(engine: Engine) -> None:
    ids = _queue(engine)
    seen, after = [], None
    with Session(engine) as session:
        while True:
            page = candidates_page(session, CandidateFilter(EntityType.CUSTOMER), 2, after)
            assert page.total == 5
            seen += [item.id for item in page.items]
            if not page.has_next:
                break
            after = page.end_cursor
    assert seen == [ids["a5"], ids["a2"], ids["a3"], ids["a4"], ids["a1"]]


def test_filters_by_status_and_type(engine: Engine) -> None:
    _queue(engine)
    with Session(engine) as session:
        projects = candidates_page(session, CandidateFilter(EntityType.PROJECT), 10)
        decided = candidates_page(session, CandidateFilter(status=CandidateStatus.ACCEPTED), 10)
        everything = candidates_page(session, CandidateFilter(status=None), 10)
    assert (projects.total, decided.total, everything.total) == (0, 0, 5)


@pytest.mark.parametrize(
    "cursor", ["", "nonsense", "djE6YWJjOmRlZg", "djE6MC41Oi0x", "djE6bmFuOjM", "djE6MC41OjE6Mg"]
)
def test_a_cursor_not_handed_out_is_invalid_input(engine: Engine, cursor: str) -> None:
    with Session(engine) as session, pytest.raises(InvalidInput):
        candidates_page(session, CandidateFilter(), 2, cursor)


def test_cursor_round_trips_the_position() -> None:
    assert decode_cursor(encode_cursor(0.3333, 17)) == (0.3333, 17)


def test_the_rest_page_shows_both_records_masked_for_the_caller(
    anonymous_client: TestClient, make_key: KeyFactory
) -> None:
    engine = anonymous_client.app.state.engine  # type: ignore[attr-defined]
    _queue(engine)
    reader = {"X-API-Key": make_key(Scope.READ)}
    page = anonymous_client.get(URL, params={"limit": 2}, headers=reader).json()
    assert (page["total"], page["has_more"], len(page["items"])) == (5, True, 2)
    first = page["items"][0]
    assert (first["a"]["source_id"], first["b"]["source_id"]) == ("a5", "b5")
    assert first["a"]["values"]["tax_id"] is None
    assert first["a"]["masked"] == ["tax_id"]
    assert first["explanation"]["match_weight"] == 1.5
    rest = anonymous_client.get(
        URL, params={"limit": 10, "after": page["next_cursor"]}, headers=reader
    ).json()
    assert [i["a"]["source_id"] for i in rest["items"]] == ["a3", "a4", "a1"]
    assert rest["next_cursor"] is None


def test_accepting_merges_and_a_second_decision_conflicts(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    ids = _queue(engine)
    accepted = client.post(f"{URL}/{ids['a2']}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_by"] == "admin"
    assert golden_of(engine, "crm", "a2") == golden_of(engine, "crm", "b2")
    assert client.post(f"{URL}/{ids['a2']}/reject").status_code == 409
    rejected = client.post(f"{URL}/{ids['a3']}/reject")
    assert rejected.json()["status"] == "rejected"
    assert golden_of(engine, "crm", "a3") != golden_of(engine, "crm", "b3")
    assert client.get(URL).json()["total"] == 3


def test_decisions_need_a_steward_and_an_existing_candidate_of_that_type(
    anonymous_client: TestClient, make_key: KeyFactory
) -> None:
    engine = anonymous_client.app.state.engine  # type: ignore[attr-defined]
    ids = _queue(engine)
    reader = {"X-API-Key": make_key(Scope.READ)}
    steward = {"X-API-Key": make_key(Scope.STEWARD)}
    assert anonymous_client.post(f"{URL}/{ids['a1']}/accept", headers=reader).status_code == 403
    other_type = f"/api/v1/projects/candidates/{ids['a1']}/accept"
    assert anonymous_client.post(other_type, headers=steward).status_code == 404
    assert anonymous_client.post(f"{URL}/999999/accept", headers=steward).status_code == 404
    assert anonymous_client.post(f"{URL}/abc/accept", headers=steward).status_code == 422
    assert golden_of(engine, "crm", "a1") != golden_of(engine, "crm", "b1")
    one = anonymous_client.get(f"{URL}/{ids['a1']}", headers=reader).json()
    assert one["status"] == "open"
