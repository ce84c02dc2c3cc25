"""`GET /api/v1/xref/{system}/{entity_type}/{source_id}`: the golden id and every system's ids."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, update

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.models import GoldenRecord
from mdm.golden.xref import _LOOKUP, xref
from mdm.records.models import SourceRecord
from mdm.records.queries import delete_record
from mdm.records.service import RecordInput, ingest
from mdm.resolution.models import MatchCandidate
from tests.mdm.golden.world import load_world
from tests.support.lookups import record_id


def test_any_members_key_translates_to_the_golden_record_and_its_ids(client: TestClient) -> None:
    world = load_world(client.app.state.engine)  # type: ignore[attr-defined]
    response = client.get("/api/v1/xref/ERP/customers/1")
    assert response.status_code == 200
    assert response.json() == {
        "entity_type": "customer",
        "source_system": "erp",
        "source_id": "1",
        "golden_id": world.nordwind,
        "status": "linked",
        "redirected_from": None,
        "ids": {"crm": ["1"], "erp": ["1"], "psa": ["1"]},
    }


def test_singular_entity_names_and_source_ids_with_slashes_work(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    load_world(engine)
    with session_scope(engine, write=True) as session:
        row = {"source_system": "netsuite", "source_id": "acct/7", "name": "Slash AG"}
        ingest(session, EntityType.CUSTOMER, [RecordInput(row)], resolve=False)
    response = client.get("/api/v1/xref/netsuite/customer/acct/7")
    assert response.status_code == 200
    assert response.json()["ids"] == {"netsuite": ["acct/7"]}


def test_unknown_records_and_types_are_clear_4xx(client: TestClient) -> None:
    load_world(client.app.state.engine)  # type: ignore[attr-defined]
    missing = client.get("/api/v1/xref/crm/customers/404")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert "crm:404" in missing.json()["detail"]
    wrong_type = client.get("/api/v1/xref/crm/invoices/1")
    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"] == "invalid_input"


def test_a_record_in_review_or_deleted_says_so(engine: Engine) -> None:
    world = load_world(engine)
    with session_scope(engine, write=True) as session:
        delete_record(session, EntityType.CUSTOMER, "psa", "1")
        pair = sorted([record_id(session, "crm", "1-UK"), record_id(session, "crm", "2")])
        session.add(
            MatchCandidate(
                entity_type="customer",
                record_a_id=pair[0],
                record_b_id=pair[1],
                probability=0.5,
                explanation={},
            )
        )
    deleted = xref(engine, EntityType.CUSTOMER, "psa", "1")
    second = xref(engine, EntityType.CUSTOMER, "crm", "2")
    first = xref(engine, EntityType.CUSTOMER, "crm", "1-UK")
    assert (deleted.status, deleted.golden_id) == ("deleted", world.nordwind)
    assert deleted.ids == {"crm": ["1"], "erp": ["1"]}  # the active members only
    assert (first.status, second.status) == ("pending_review", "pending_review")


def test_a_record_still_naming_a_merged_away_id_is_redirected(engine: Engine) -> None:
    world = load_world(engine)
    with Session(engine) as session:
        # As an older write could leave it: the record names the id its golden record lost.
        session.execute(
            update(SourceRecord)
            .where(col(SourceRecord.source_id) == "9")
            .values(golden_id=world.merged_away)
        )
        session.commit()
        assert session.get(GoldenRecord, world.merged_away).merged_into_id == world.bergmann  # type: ignore[union-attr]
    found = xref(engine, EntityType.CUSTOMER, "crm", "9")
    assert (found.golden_id, found.redirected_from) == (world.bergmann, world.merged_away)
    assert found.ids == {"crm": ["2"]}


def test_the_lookup_runs_on_indexes_alone(engine: Engine) -> None:
    load_world(engine)
    statement = str(_LOOKUP.compiled(engine))
    key = {"entity": "customer", "system": "crm", "source_id": "1"}
    arguments = _LOOKUP.arguments(engine, key)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", tuple(arguments))
            steps = [str(row[-1]) for row in plan]
            assert not [s for s in steps if s.startswith("SCAN")], steps
            # Not every open candidate: the record's own pairs, by either side's index.
            assert not [s for s in steps if "ix_match_candidate_status" in s], steps
        else:
            # With sequential scans priced out, a plan still holding one has no index to use.
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = connection.exec_driver_sql(f"EXPLAIN {statement}", arguments)
            steps = [str(row[0]) for row in plan]
            assert not [s for s in steps if "Seq Scan" in s], steps


def test_a_nul_in_a_key_is_bad_input(client: TestClient) -> None:
    load_world(client.app.state.engine)  # type: ignore[attr-defined]
    response = client.get("/api/v1/xref/cr%00m/customers/1")
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]
