"""The Kantata sandbox against the facts in reference/systems.md §1.4, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from mdm.sandbox.core import Sandbox
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.kantata import create_app
from tests.support.sandboxes import serving

AUTH = {"Authorization": "Bearer sandbox-token"}
API = "/api/v1"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Sandbox]]:
    app = create_app(seed=False)
    with serving(app) as url:
        yield url, app.state.sandbox


@pytest.fixture
def base(served: tuple[str, Sandbox]) -> str:
    url, _ = served
    httpx.post(f"{url}/_sandbox/reset")
    httpx.put(f"{url}/_sandbox/feed/faults", json={})
    return url


@pytest.fixture
def sandbox(served: tuple[str, Sandbox], base: str) -> Sandbox:
    return served[1]


def _post(base: str, key: str, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(f"{base}{API}/{key}.json", json=body, headers={**AUTH, **headers})


def _get(base: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{base}{API}/{path}", params=params, headers=AUTH)


def _workspace(base: str, title: str, ref: str | None = None) -> str:
    body: dict[str, Any] = {"title": title}
    if ref:
        body["external_references"] = [
            {"service_name": "mdm", "service_model": "project", "service_model_ref": ref}
        ]
    response = _post(base, "workspaces", {"workspace": body})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return str(result["id"])


def _stats(base: str, key: str) -> dict[str, Any]:
    types: dict[str, dict[str, Any]] = httpx.get(f"{base}/_sandbox/stats").json()["types"]
    return types.get(key, {"records": 0, "duplicates": {}})


def test_reads_answer_the_normalised_envelope_with_numeric_string_ids(base: str) -> None:
    made = _workspace(base, "Acme Inc - Website Redesign")
    body = _get(base, "workspaces.json").json()
    assert body["count"] == 1
    assert body["results"] == [{"key": "workspaces", "id": made}]
    assert made.isdigit()
    assert body["workspaces"][made]["title"] == "Acme Inc - Website Redesign"
    assert body["meta"] == {"count": 1, "page_count": 1, "page_number": 1, "page_size": 20}


def test_only_ignores_misses_but_show_answers_404_in_the_error_shape(base: str) -> None:
    made = _workspace(base, "Kept")
    assert _get(base, "workspaces.json", only=f"5,{made}").json()["count"] == 1
    missing = _get(base, "workspaces/5.json")
    assert missing.status_code == 404
    (error,) = missing.json()["errors"]
    assert error["type"] == "not_found"
    assert error["message"]


def test_pages_default_to_20_and_stop_at_200(base: str) -> None:
    items = [{"title": f"W{n}"} for n in range(100)]
    for _ in range(3):
        assert _post(base, "workspaces", {"workspaces": items}).status_code == 200
    first = _get(base, "workspaces.json").json()
    assert (len(first["results"]), first["meta"]["page_count"], first["count"]) == (20, 15, 300)
    big = _get(base, "workspaces.json", per_page=500, page=2).json()
    assert (len(big["results"]), big["meta"]["page_size"], big["meta"]["page_number"]) == (
        100,
        200,
        2,
    )
    window = _get(base, "workspaces.json", limit=5, offset=10).json()
    assert [r["id"] for r in window["results"]] == [r["id"] for r in first["results"][10:15]]


@pytest.mark.parametrize("kind", [FaultKind.THROTTLE, FaultKind.THROTTLE_NO_RETRY_AFTER])
def test_throttled_requests_get_429_without_retry_after(base: str, kind: FaultKind) -> None:
    httpx.post(f"{base}/_sandbox/faults", json={"kind": kind, "retry_after_seconds": 9})
    response = _get(base, "workspaces.json")
    assert response.status_code == 429
    assert "retry-after" not in response.headers
    assert response.json()["errors"][0]["type"] == "rate_limit"
    assert response.headers["x-request-id"]


def test_every_answer_carries_an_x_request_id(base: str) -> None:
    answers = [
        httpx.get(f"{base}{API}/workspaces.json"),  # 401
        _get(base, "workspaces/1.json"),  # 404
        _get(base, "workspaces.json"),
        _post(base, "workspaces", {"workspace": {}}),  # 422
    ]
    assert [a.status_code for a in answers] == [401, 404, 200, 422]
    ids = {a.headers["x-request-id"] for a in answers}
    assert len(ids) == 4


def test_a_post_sent_twice_stores_twice_whatever_the_idempotency_key(base: str) -> None:
    body = {"workspace": {"title": "Twice"}}
    for _ in range(2):
        assert _post(base, "workspaces", body, **{"Idempotency-Key": "k1"}).status_code == 200
    assert _get(base, "workspaces.json").json()["count"] == 2


def test_duplicates_by_external_reference_show_in_the_stats(base: str) -> None:
    _workspace(base, "First", ref="P-1")
    _workspace(base, "Again", ref="P-1")
    assert _stats(base, "workspaces")["duplicates"] == {"P-1": 2}


def test_external_references_find_their_subject(base: str) -> None:
    made = _workspace(base, "Referenced", ref="P-7")
    _workspace(base, "Other", ref="P-8")
    found = _get(
        base,
        "external_references.json",
        subject_type="Workspace",
        service_name="mdm",
        service_model_ref="P-7",
        include="subject",
    ).json()
    (result,) = found["results"]
    ref = found["external_references"][result["id"]]
    assert (ref["subject_id"], ref["service_model"], ref["status"]) == (
        made,
        "project",
        "successful",
    )
    assert found["workspaces"][made]["title"] == "Referenced"
    assert _get(base, "external_references.json").status_code == 400  # subject_type required


def test_create_or_update_sets_one_reference_per_service_model(base: str) -> None:
    made = _workspace(base, "Later referenced")
    for ref in ("P-1", "P-2"):
        body = {
            "external_reference": {
                "subject_type": "Workspace",
                "subject_id": made,
                "service_name": "mdm",
                "service_model": "project",
                "service_model_ref": ref,
            }
        }
        response = _post(base, "external_references/create_or_update", body)
        assert response.status_code == 200, response.text
    refs = _get(base, "external_references.json", subject_type="Workspace").json()
    assert [v["service_model_ref"] for v in refs["external_references"].values()] == ["P-2"]


def test_bulk_create_takes_at_most_100(base: str) -> None:
    too_many = {"workspaces": [{"title": f"W{n}"} for n in range(101)]}
    response = _post(base, "workspaces", too_many)
    assert response.status_code == 422
    assert _stats(base, "workspaces")["records"] == 0


def test_partial_batch_failure_refuses_some_items_and_stores_the_rest(base: str) -> None:
    items = [{"title": f"W{n}"} for n in range(4)] + [{"title": ""}]
    response = _post(
        base, "workspaces", {"workspaces": items}, **{"X-Sandbox-Fault": "partial_batch_failure"}
    )
    body = response.json()
    assert response.status_code == 200
    assert [body["workspaces"][r["id"]]["title"] for r in body["results"]] == ["W0", "W2"]
    assert [e["index"] for e in body["errors"]] == [1, 3, 4]
    assert _stats(base, "workspaces")["records"] == 2


def test_invalid_writes_are_refused_with_the_field_named(base: str) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"workspace": {"title": "X", "price_in_cents": "lots"}}, "price_in_cents"),
        ({"workspace": {"title": "X", "workspace_group_ids": [99]}}, "workspace_group_ids"),
        ({"workspace": {"title": "X", "colour": "red"}}, "colour"),
        ({"workspace": {"description": "no title"}}, "title"),
    ]
    for body, field in cases:
        response = _post(base, "workspaces", body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
    not_json = httpx.post(f"{base}{API}/workspaces.json", content=b"{", headers=AUTH)
    assert not_json.status_code == 400
    assert _stats(base, "workspaces")["records"] == 0


def test_time_entries_filter_by_workspace_and_side_load_users(base: str) -> None:
    workspace = _workspace(base, "Timed")
    user = _post(base, "users", {"user": {"full_name": "Ada"}}).json()["results"][0]["id"]
    entry = {"workspace_id": int(workspace), "date_performed": "2025-01-23", "time_in_minutes": 60}
    _post(base, "time_entries", {"time_entry": entry | {"user_id": user, "approved": True}})
    body = _get(base, "time_entries.json", workspace_id=workspace, include="user").json()
    (result,) = body["results"]
    assert body["time_entries"][result["id"]]["workspace_id"] == workspace
    assert body["users"][user]["full_name"] == "Ada"
    assert _get(base, "time_entries.json", workspace_id="1").json()["count"] == 0


def test_deletes_are_hard_and_take_the_references_along(base: str) -> None:
    made = _workspace(base, "Doomed", ref="P-9")
    assert httpx.delete(f"{base}{API}/workspaces/{made}.json", headers=AUTH).status_code == 204
    assert _get(base, f"workspaces/{made}.json").status_code == 404
    refs = _get(base, "external_references.json", subject_type="Workspace", service_model_ref="P-9")
    assert refs.json()["count"] == 0


def test_subscribed_events_follow_since_id_and_keep_nine_days(base: str, sandbox: Sandbox) -> None:
    made = _workspace(base, "Watched")
    httpx.put(
        f"{base}{API}/workspaces/{made}.json",
        json={"workspace": {"status": "Active"}},
        headers=AUTH,
    )
    events = _get(base, "subscribed_events.json").json()
    kinds = [events["subscribed_events"][r["id"]]["event_type"] for r in events["results"]]
    assert kinds == ["workspace:created", "workspace:updated"]
    first = events["results"][0]["id"]
    assert _get(base, "subscribed_events.json", since_id=first).json()["count"] == 1
    assert sandbox.feed.retention == timedelta(days=9)


def test_duplicated_events_keep_their_event_id(base: str) -> None:
    httpx.put(f"{base}/_sandbox/feed/faults", json={"duplicate_rate": 1.0})
    _workspace(base, "Twice announced")
    events = _get(base, "subscribed_events.json").json()["subscribed_events"]
    assert len(events) == 2
    assert len({e["event_id"] for e in events.values()}) == 1


def test_client_credentials_give_a_token_until_revoked(base: str) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": "mdm-hub",
        "client_secret": "sandbox-secret",
    }
    answer = httpx.post(f"{base}/oauth/token", data=form).json()
    assert answer["token_type"] == "bearer"
    headers = {"Authorization": f"Bearer {answer['access_token']}"}
    assert httpx.get(f"{base}{API}/workspaces.json", headers=headers).status_code == 200
    httpx.post(f"{base}/_sandbox/tokens/revoke")
    refused = httpx.get(f"{base}{API}/workspaces.json", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["type"] == "authentication"
    wrong = httpx.post(f"{base}/oauth/token", data=form | {"client_secret": "nope"})
    assert wrong.status_code == 401


def test_the_seeded_sandbox_holds_the_demo_psa_data() -> None:
    sandbox = create_app(seed=True).state.sandbox
    store = sandbox.store
    workspace = store.get("workspaces", "24100083")
    assert workspace is not None
    assert workspace.fields["workspace_group_ids"] == ["3104200"]
    assert store.get("workspace_groups", "3104200") is not None
    milestones = [s for s in store.all("stories") if s.fields["workspace_id"] == "24100083"]
    assert milestones
    assert all(s.fields["story_type"] == "milestone" for s in milestones)
    assert any(t.fields["workspace_id"] == "24100000" for t in store.all("time_entries"))
    assert store.stats()["workspaces"]["duplicates"] == {}
    # New records never collide with seeded ids.
    assert int(store.create("workspaces", {"title": "New"}).id) > 24187487
