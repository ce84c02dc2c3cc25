"""GraphQL mutations: steward decisions as `Success | Error`, each atomic, scopes enforced."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.golden.lineage_models import ConstraintKind, GoldenEvent, MatchConstraint
from mdm.golden.models import GoldenRecord
from mdm.resolution.models import MatchCandidate
from tests.conftest import KeyFactory
from tests.mdm.api.gql_support import data
from tests.mdm.golden.world import World, load_world
from tests.support.lookups import golden_of, record_id

MERGE = """mutation ($a: ID!, $b: ID!) { merge(entityType: CUSTOMER, a: $a, b: $b) {
  __typename
  ... on MergeSuccess { absorbedId goldenRecord { id sourceRecords { system sourceId } } }
  ... on Error { code message } } }"""
SPLIT_RESULT = """__typename ... on SplitSuccess { kept { id } splitOff { id
  sourceRecords { system sourceId } } } ... on Error { code message }"""
GOLDEN_RESULT = (
    "__typename ... on GoldenSuccess { goldenRecord { id } } ... on Error { code message }"
)


@pytest.fixture
def world(client: TestClient) -> World:
    return load_world(client.app.state.engine)  # type: ignore[attr-defined]


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def _count(engine: Engine, table: Any) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_merge_answers_the_survivor_and_the_absorbed_id_redirects(
    client: TestClient, world: World
) -> None:
    merged = data(client, MERGE, {"a": world.bergmann, "b": world.subsidiary})["merge"]
    assert merged["__typename"] == "MergeSuccess"
    survivor = merged["goldenRecord"]["id"]
    assert {survivor, merged["absorbedId"]} == {world.bergmann, world.subsidiary}
    keys = {(r["system"], r["sourceId"]) for r in merged["goldenRecord"]["sourceRecords"]}
    assert keys == {("crm", "2"), ("crm", "9"), ("crm", "1-UK")}
    redirect = "query ($id: ID!) { goldenRecord(id: $id) { id redirectedFrom } }"
    found = data(client, redirect, {"id": merged["absorbedId"]})["goldenRecord"]
    assert found == {"id": survivor, "redirectedFrom": merged["absorbedId"]}


@pytest.mark.parametrize(
    ("pair", "code"),
    [
        (("nordwind", "nordwind"), "CONFLICT"),
        (("nordwind", "missing"), "NOT_FOUND"),
        (("nordwind", "msa"), "NOT_FOUND"),
    ],
)
def test_expected_failures_are_errors_and_change_nothing(
    client: TestClient, world: World, pair: tuple[str, str], code: str
) -> None:
    ids = {**vars(world), "missing": "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA"}
    events = _count(_engine(client), GoldenEvent)
    answer = data(client, MERGE, {"a": ids[pair[0]], "b": ids[pair[1]]})["merge"]
    assert answer["__typename"] == "Error"
    assert answer["code"] == code
    assert answer["message"]
    assert _count(_engine(client), GoldenEvent) == events


def test_a_mutation_that_fails_half_way_leaves_nothing_behind(
    client: TestClient, world: World
) -> None:
    engine = _engine(client)
    with session_scope(engine, write=True) as session:
        low, high = sorted([record_id(session, "erp", "1"), record_id(session, "crm", "2")])
        session.add(
            MatchConstraint(
                entity_type="customer",
                record_a_id=low,
                record_b_id=high,
                kind=ConstraintKind.CANNOT_LINK.value,
                actor="steward:bob",
            )
        )
    counts = (_count(engine, GoldenEvent), _count(engine, GoldenRecord))
    # Moving erp:1 splits it off Nordwind first, then the merge into Bergmann is refused.
    move = f"""mutation ($t: ID!) {{
      ok: overrideAttribute(entityType: CUSTOMER, id: $t, attribute: "legal_name",
        value: "Bergmann Consulting AG") {{ {GOLDEN_RESULT} }}
      refused: moveRecord(entityType: CUSTOMER, record: {{system: "erp", sourceId: "1"}},
        target: $t) {{ {GOLDEN_RESULT} }} }}"""
    answer = data(client, move, {"t": world.bergmann})
    assert answer["ok"]["__typename"] == "GoldenSuccess"
    assert answer["refused"]["code"] == "CONFLICT"
    assert golden_of(engine, "erp", "1") == world.nordwind
    assert _count(engine, GoldenRecord) == counts[1]
    assert _count(engine, GoldenEvent) == counts[0] + 1  # the override's event only


def test_unmerge_split_and_move(client: TestClient, world: World) -> None:
    engine = _engine(client)
    unmerge = f"""mutation ($id: ID!) {{ unmerge(entityType: CUSTOMER, id: $id) {{
      {SPLIT_RESULT} }} }}"""
    undone = data(client, unmerge, {"id": world.nordwind})["unmerge"]
    assert undone["kept"] == {"id": world.nordwind}
    assert undone["splitOff"]["sourceRecords"] == [{"system": "psa", "sourceId": "1"}]
    split = f"""mutation ($id: ID!) {{ split(entityType: CUSTOMER, id: $id,
      records: [{{system: "erp", sourceId: "1"}}]) {{ {SPLIT_RESULT} }} }}"""
    parted = data(client, split, {"id": world.nordwind})["split"]
    assert parted["__typename"] == "SplitSuccess"
    assert golden_of(engine, "erp", "1") == parted["splitOff"]["id"]
    move = f"""mutation ($t: ID!) {{ moveRecord(entityType: CUSTOMER,
      record: {{system: "erp", sourceId: "1"}}, target: $t) {{ {GOLDEN_RESULT} }} }}"""
    moved = data(client, move, {"t": world.bergmann})["moveRecord"]
    assert moved["goldenRecord"] == {"id": world.bergmann}
    lonely = data(client, unmerge, {"id": world.merged_away.replace("cus_", "prj_")})
    assert lonely["unmerge"]["code"] == "NOT_FOUND"


def test_overrides_win_survivorship_and_need_the_scope_to_see_the_attribute(
    anonymous_client: TestClient, make_key: KeyFactory, world: World
) -> None:
    steward = {"X-API-Key": make_key(Scope.STEWARD)}
    override = f"""mutation ($id: ID!, $name: String!, $value: String) {{
      overrideAttribute(entityType: PROJECT, id: $id, attribute: $name, value: $value) {{
        {GOLDEN_RESULT} }} }}"""
    named = {"id": world.project, "name": "name", "value": "ERP Rollout (Phase 1)"}
    done = data(anonymous_client, override, named, steward)["overrideAttribute"]
    assert done["goldenRecord"] == {"id": world.project}
    read = """query ($id: ID!) { goldenRecord(id: $id) { ... on Project {
      name { value lineage { rule sourceRecord { system } } } } } }"""
    name = data(anonymous_client, read, {"id": world.project}, steward)["goldenRecord"]["name"]
    assert name == {
        "value": "ERP Rollout (Phase 1)",
        "lineage": {"rule": "steward_override", "sourceRecord": None},
    }
    budget = {"id": world.project, "name": "budget", "value": "1"}
    refused = data(anonymous_client, override, budget, steward)["overrideAttribute"]
    assert refused["code"] == "FORBIDDEN"
    bad_date = {"id": world.project, "name": "start_date", "value": "31/02/2024"}
    invalid = data(anonymous_client, override, bad_date, steward)["overrideAttribute"]
    assert invalid["code"] == "INVALID_INPUT"


def test_accepting_and_rejecting_candidates(client: TestClient, world: World) -> None:
    engine = _engine(client)
    with session_scope(engine, write=True) as session:
        low, high = sorted(record_id(session, "crm", key) for key in ("2", "1-UK"))
        candidate = MatchCandidate(
            entity_type="customer",
            record_a_id=low,
            record_b_id=high,
            probability=0.5,
            explanation={},
        )
        session.add(candidate)
        session.flush()
        ids = [candidate.id]
    decide = """mutation ($id: ID!) { acceptCandidate(id: $id) { __typename
      ... on DecisionSuccess { candidate { status decidedBy a { goldenRecord { id } }
        b { goldenRecord { id } } } } ... on Error { code } } }"""
    accepted = data(client, decide, {"id": str(ids[0])})["acceptCandidate"]["candidate"]
    assert (accepted["status"], accepted["decidedBy"]) == ("ACCEPTED", "admin")
    assert accepted["a"]["goldenRecord"] == accepted["b"]["goldenRecord"]
    again = data(client, decide, {"id": str(ids[0])})["acceptCandidate"]
    assert again == {"__typename": "Error", "code": "CONFLICT"}
    reject = decide.replace("acceptCandidate", "rejectCandidate")
    for bad in ("999999", "abc", "-1"):
        assert data(client, reject, {"id": bad})["rejectCandidate"]["code"] == "NOT_FOUND"
