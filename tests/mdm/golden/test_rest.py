"""REST for golden records: one record with lineage, its history, and the steward commands."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mdm.auth.principal import Scope
from mdm.golden.lineage_models import GoldenEvent
from tests.conftest import KeyFactory
from tests.mdm.golden.world import World, load_world
from tests.support.lookups import golden_of

V1 = "/api/v1"


@pytest.fixture
def world(client: TestClient) -> World:
    return load_world(client.app.state.engine)  # type: ignore[attr-defined]


def _as(client: TestClient, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _events(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(GoldenEvent)).one()


def test_a_golden_record_with_lineage_members_ids_and_references(
    client: TestClient, world: World
) -> None:
    body = client.get(f"{V1}/customers/golden/{world.subsidiary}").json()
    assert body["id"] == world.subsidiary
    assert body["references"] == {"parent_golden_id": world.nordwind}
    nordwind = client.get(f"{V1}/customers/golden/{world.nordwind}").json()
    assert nordwind["attributes"]["tax_id"]["value"] == "DE123456789"
    assert nordwind["attributes"]["tax_id"]["source"] == {"source_system": "crm", "source_id": "1"}
    assert nordwind["external_ids"] == {"crm": ["1"], "erp": ["1"], "psa": ["1"]}
    assert [m["status"] for m in nordwind["members"]] == ["linked"] * 3
    assert nordwind["created_at"].endswith(("Z", "+00:00"))


def test_a_merged_away_id_answers_with_its_survivor(client: TestClient, world: World) -> None:
    body = client.get(f"{V1}/customers/golden/{world.merged_away}").json()
    assert (body["id"], body["redirected_from"]) == (world.bergmann, world.merged_away)


@pytest.mark.parametrize("path", ["projects/golden/{nordwind}", "customers/golden/cus_missing"])
def test_unknown_or_other_type_ids_are_404(client: TestClient, world: World, path: str) -> None:
    response = client.get(f"{V1}/{path.format(nordwind=world.nordwind)}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_tax_ids_and_financial_values_are_masked_by_scope(
    anonymous_client: TestClient, make_key: KeyFactory, world: World
) -> None:
    reader = _as(anonymous_client, make_key(Scope.READ))
    steward = _as(anonymous_client, make_key(Scope.STEWARD))
    finance = _as(anonymous_client, make_key(Scope.READ, Scope.FINANCE))
    url = f"{V1}/customers/golden/{world.nordwind}"
    as_reader = anonymous_client.get(url, headers=reader).json()
    assert as_reader["attributes"]["tax_id"] == {**as_reader["attributes"]["tax_id"], "value": None}
    assert as_reader["masked"] == ["tax_id"]
    assert anonymous_client.get(url, headers=steward).json()["masked"] == []
    contract = f"{V1}/contracts/golden/{world.msa}"
    assert anonymous_client.get(contract, headers=steward).json()["masked"] == ["value"]
    shown = anonymous_client.get(contract, headers=finance).json()
    assert shown["attributes"]["value"]["value"] == "1000000.00"
    history = anonymous_client.get(f"{url}/history", headers=reader).json()
    assert all(e["state"]["attributes"].get("tax_id") is None for e in history["events"])


def test_history_and_the_state_as_of_a_time(client: TestClient, world: World) -> None:
    url = f"{V1}/customers/golden/{world.nordwind}/history"
    events = client.get(url).json()["events"]
    assert events[0]["kind"] == "created"
    first = events[0]["at"]
    then = client.get(url, params={"as_of": first}).json()
    assert then["state"]["members"] == events[0]["state"]["members"]
    assert len(then["events"]) < len(events)
    before = client.get(url, params={"as_of": "2000-01-01T00:00:00Z"})
    assert before.status_code == 404
    bad = client.get(url, params={"as_of": "yesterday"})
    assert bad.status_code == 422


def test_a_merged_away_id_shows_its_own_history(client: TestClient, world: World) -> None:
    body = client.get(f"{V1}/customers/golden/{world.merged_away}/history").json()
    assert body["golden_id"] == world.merged_away
    assert body["state"]["status"] == "merged"
    assert body["state"]["merged_into"] == world.bergmann


def test_merge_then_unmerge(client: TestClient, world: World) -> None:
    merged = client.post(
        f"{V1}/customers/golden/merge", json={"a": world.subsidiary, "b": world.bergmann}
    )
    assert merged.status_code == 200
    survivor, absorbed = merged.json()["survivor"], merged.json()["absorbed"]
    assert {survivor, absorbed} == {world.subsidiary, world.bergmann}
    xref = client.get(f"{V1}/xref/crm/customers/1-UK").json()
    assert xref["golden_id"] == survivor
    assert xref["ids"] == {"crm": sorted(["1-UK", "2", "9"])}
    again = client.post(f"{V1}/customers/golden/merge", json={"a": survivor, "b": absorbed})
    assert again.status_code == 409
    undone = client.post(f"{V1}/customers/golden/{survivor}/unmerge")
    assert undone.status_code == 200
    assert undone.json()["kept"] == survivor
    assert client.post(f"{V1}/customers/golden/{world.project}/unmerge").status_code == 404


def test_split_move_and_what_they_refuse(client: TestClient, world: World) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    url = f"{V1}/customers/golden/{world.nordwind}/split"
    split = client.post(url, json={"records": [{"source_system": "psa", "source_id": "1"}]})
    assert split.status_code == 200
    assert split.json()["kept"] == world.nordwind
    assert golden_of(engine, "psa", "1") == split.json()["split_off"]
    everything = [{"source_system": s, "source_id": "1"} for s in ("crm", "erp")]
    assert client.post(url, json={"records": everything}).status_code == 422
    unknown = [{"source_system": "crm", "source_id": "404"}]
    assert client.post(url, json={"records": unknown}).status_code == 404
    move: dict[str, Any] = {"record": {"source_system": "psa", "source_id": "1"}}
    moved = client.post(f"{V1}/customers/golden/move", json={**move, "target": world.bergmann})
    assert moved.json() == {"golden_id": world.bergmann}
    assert golden_of(engine, "psa", "1") == world.bergmann
    alone = client.post(f"{V1}/customers/golden/move", json=move)
    assert alone.status_code == 200
    assert golden_of(engine, "psa", "1") not in (world.bergmann, world.nordwind)


def test_overrides_are_typed_and_need_the_scope_to_see_the_attribute(
    anonymous_client: TestClient, make_key: KeyFactory, world: World
) -> None:
    steward = _as(anonymous_client, make_key(Scope.STEWARD))
    url = f"{V1}/contracts/golden/{world.sow}/override"
    dated = anonymous_client.post(
        url, json={"attribute": "start_date", "value": "2024-02-01"}, headers=steward
    )
    assert dated.status_code == 200
    body = anonymous_client.get(f"{V1}/contracts/golden/{world.sow}", headers=steward).json()
    assert body["attributes"]["start_date"] == {
        "value": "2024-02-01",
        "masked": False,
        "rule": "steward_override",
        "source": None,
    }
    not_a_date = {"attribute": "start_date", "value": "soon"}
    assert anonymous_client.post(url, json=not_a_date, headers=steward).status_code == 422
    unknown = {"attribute": "colour", "value": "red"}
    assert anonymous_client.post(url, json=unknown, headers=steward).status_code == 422
    money = {"attribute": "value", "value": "1"}
    refused = anonymous_client.post(url, json=money, headers=steward)
    assert refused.status_code == 403
    finance = _as(anonymous_client, make_key(Scope.STEWARD, Scope.FINANCE))
    assert anonymous_client.post(url, json=money, headers=finance).status_code == 200
    lifted = {"attribute": "start_date", "value": None}
    assert anonymous_client.post(url, json=lifted, headers=steward).status_code == 200
    after = anonymous_client.get(f"{V1}/contracts/golden/{world.sow}", headers=steward).json()
    assert after["attributes"]["start_date"]["value"] == "2024-01-15"


def test_steward_commands_need_the_steward_scope_and_change_nothing_otherwise(
    anonymous_client: TestClient, make_key: KeyFactory, world: World
) -> None:
    engine = anonymous_client.app.state.engine  # type: ignore[attr-defined]
    before = _events(engine)
    reader = _as(anonymous_client, make_key(Scope.READ, Scope.FINANCE))
    body = {"a": world.nordwind, "b": world.bergmann}
    response = anonymous_client.post(f"{V1}/customers/golden/merge", json=body, headers=reader)
    assert response.status_code == 403
    assert anonymous_client.post(f"{V1}/customers/golden/merge", json=body).status_code == 401
    assert _events(engine) == before
    assert golden_of(engine, "crm", "2") == world.bergmann


@pytest.mark.parametrize(
    "body",
    [{"a": "x"}, {"a": "x", "b": "y", "extra": 1}, {"a": 1, "b": ["x"]}, []],
)
def test_malformed_commands_are_422(client: TestClient, world: World, body: Any) -> None:
    response = client.post(f"{V1}/customers/golden/merge", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
