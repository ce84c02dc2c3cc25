"""The Salesforce sandbox against the documented facts (reference/systems.md §1.1): ids, OAuth2,
upsert by external id (201 / 200 created:false / 300 / 400 / 404), errors as an array,
REQUEST_LIMIT_EXCEEDED, Sforce-Limit-Info, SOQL paging, collections and the change feed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mdm.sandbox import salesforce_soql as soql
from mdm.sandbox.core import Sandbox
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.salesforce import create_app, seeds_directory

API = "/services/data/v61.0"
AUTH = {"Authorization": "Bearer sandbox-token"}
UPSERT = f"{API}/sobjects/Invoice_Status__c/Hub_Invoice_Id__c"
SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def _valid_18(record_id: str) -> bool:
    """Salesforce's checksum, written out independently: one letter per 5-character chunk."""
    chunks = (record_id[i : i + 5] for i in (0, 5, 10))
    bits = [sum(1 << n for n, c in enumerate(chunk) if c.isupper()) for chunk in chunks]
    return len(record_id) == 18 and record_id[15:] == "".join(SUFFIX[b] for b in bits)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(seed=False, page_size=2)) as client:
        yield client


def _sandbox(client: TestClient) -> Sandbox:
    sandbox: Sandbox = client.app.state.sandbox  # type: ignore[attr-defined]
    return sandbox


def _account(client: TestClient, name: str = "Acme", **fields: Any) -> str:
    response = client.post(f"{API}/sobjects/Account", json={"Name": name, **fields}, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["success"] is True
    record_id: str = response.json()["id"]
    return record_id


def _opportunity(client: TestClient, account: str, stage: str, name: str = "Deal") -> str:
    body = {"Name": name, "AccountId": account, "StageName": stage, "CloseDate": "2025-03-01"}
    response = client.post(f"{API}/sobjects/Opportunity", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    record_id: str = response.json()["id"]
    return record_id


def _query(client: TestClient, soql: str) -> Any:
    return client.get(f"{API}/query", params={"q": soql}, headers=AUTH)


def test_token_endpoint_issues_a_bearer_token_for_client_credentials(client: TestClient) -> None:
    form = {"grant_type": "client_credentials", "client_id": "mdm-hub"}
    granted = client.post(
        "/services/oauth2/token", data={**form, "client_secret": "sandbox-secret"}
    )
    assert granted.status_code == 200
    body = granted.json()
    assert body["token_type"] == "Bearer"
    assert body["instance_url"]
    assert body["issued_at"].isdigit()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get(f"{API}/query?q=SELECT Id FROM Account", headers=headers).status_code == 200
    refused = client.post("/services/oauth2/token", data={**form, "client_secret": "wrong"})
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_client")


def test_a_request_without_a_valid_session_gets_invalid_session_id(client: TestClient) -> None:
    response = client.get(f"{API}/sobjects/Account/0018Q0000000001QAA")
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_ids_are_18_characters_key_prefixed_and_checksummed(client: TestClient) -> None:
    account = _account(client)
    opportunity = _opportunity(client, account, "Prospecting")
    contract = client.post(f"{API}/sobjects/Contract", json={"AccountId": account}, headers=AUTH)
    ids = (account, opportunity, contract.json()["id"])
    assert [i[:3] for i in ids] == ["001", "006", "800"]
    assert all(_valid_18(i) for i in ids)
    # Salesforce also accepts the 15-character form of an id.
    assert (
        client.get(f"{API}/sobjects/Account/{account[:15]}", headers=AUTH).json()["Id"] == account
    )


def test_upsert_creates_with_201_then_updates_with_200_and_created_false(
    client: TestClient,
) -> None:
    account = _account(client)
    first = client.patch(f"{UPSERT}/INV-1", json={"Account__c": account}, headers=AUTH)
    assert first.status_code == 201
    assert first.json() == {
        "id": first.json()["id"],
        "success": True,
        "errors": [],
        "created": True,
    }
    again = client.patch(f"{UPSERT}/INV-1", json={"Status__c": "paid"}, headers=AUTH)
    assert again.status_code == 200
    assert again.json() == {
        "id": first.json()["id"],
        "success": True,
        "errors": [],
        "created": False,
    }
    stored = client.get(f"{API}/sobjects/Invoice_Status__c/{first.json()['id']}", headers=AUTH)
    assert stored.json()["Status__c"] == "paid"
    assert stored.json()["Hub_Invoice_Id__c"] == "INV-1"
    assert _sandbox(client).store.stats()["Invoice_Status__c"]["records"] == 1


def test_upsert_on_an_ambiguous_external_id_answers_300_and_writes_nothing(
    client: TestClient,
) -> None:
    account = _account(client)
    twice = {"Account__c": account, "Hub_Invoice_Id__c": "INV-2", "Status__c": "open"}
    ids = [
        client.post(f"{API}/sobjects/Invoice_Status__c", json=twice, headers=AUTH).json()["id"]
        for _ in range(2)
    ]
    response = client.patch(f"{UPSERT}/INV-2", json={"Status__c": "paid"}, headers=AUTH)
    assert response.status_code == 300
    assert sorted(response.json()) == sorted(f"{API}/sobjects/Invoice_Status__c/{i}" for i in ids)
    statuses = {r.fields["Status__c"] for r in _sandbox(client).store.all("Invoice_Status__c")}
    assert statuses == {"open"}
    assert _sandbox(client).store.stats()["Invoice_Status__c"]["duplicates"] == {"INV-2": 2}


@pytest.mark.parametrize("field", ["Id", "Hub_Invoice_Id__c"])
def test_upsert_with_the_id_or_the_external_id_in_the_body_is_a_400(
    client: TestClient, field: str
) -> None:
    account = _account(client)
    body = {"Account__c": account, field: "INV-3"}
    response = client.patch(f"{UPSERT}/INV-3", json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"
    assert response.json()[0]["fields"] == [field]
    assert "Invoice_Status__c" not in _sandbox(client).store.stats()


@pytest.mark.parametrize("field", ["No_Such_Field__c", "Name"])
def test_upsert_by_a_field_that_is_not_an_external_id_is_a_404(
    client: TestClient, field: str
) -> None:
    response = client.patch(f"{API}/sobjects/Account/{field}/X", json={}, headers=AUTH)
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


def test_errors_are_a_json_array_with_message_error_code_and_fields(client: TestClient) -> None:
    unknown = client.post(f"{API}/sobjects/Account", json={"Name": "A", "Nope__c": 1}, headers=AUTH)
    missing = client.post(f"{API}/sobjects/Account", json={"Phone": "1"}, headers=AUTH)
    dangling = client.patch(f"{UPSERT}/INV-4", json={"Account__c": "001" + "0" * 15}, headers=AUTH)
    read_only = client.post(
        f"{API}/sobjects/Opportunity",
        json={"Name": "D", "StageName": "Closed Won", "CloseDate": "2025-01-01", "IsWon": False},
        headers=AUTH,
    )
    answers = [unknown, missing, dangling, read_only]
    assert [(r.status_code, r.json()[0]["errorCode"]) for r in answers] == [
        (400, "INVALID_FIELD"),
        (400, "REQUIRED_FIELD_MISSING"),
        (400, "INVALID_CROSS_REFERENCE_KEY"),
        (400, "INVALID_FIELD_FOR_INSERT_UPDATE"),
    ]
    assert all(set(r.json()[0]) == {"message", "errorCode", "fields"} for r in answers)
    assert _sandbox(client).store.stats() == {}


def test_opportunity_is_won_and_closed_follow_its_stage(client: TestClient) -> None:
    account = _account(client)
    deal = _opportunity(client, account, "Negotiation")
    url = f"{API}/sobjects/Opportunity/{deal}"
    assert client.get(url, headers=AUTH).json()["IsWon"] is False
    assert client.patch(url, json={"StageName": "Closed Won"}, headers=AUTH).status_code == 204
    stored = client.get(url, headers=AUTH).json()
    assert (stored["IsClosed"], stored["IsWon"]) == (True, True)


def test_query_pages_through_next_records_url_in_modstamp_order(client: TestClient) -> None:
    account = _account(client)
    won = [_opportunity(client, account, "Closed Won", f"Won {n}") for n in range(5)]
    _opportunity(client, account, "Closed Lost")
    soql = (
        "SELECT Id, Name, SystemModstamp FROM Opportunity WHERE IsWon = true"
        " ORDER BY SystemModstamp"
    )
    page = _query(client, soql).json()
    seen = []
    while True:
        assert page["totalSize"] == 5
        seen += page["records"]
        if page["done"]:
            assert "nextRecordsUrl" not in page
            break
        page = client.get(page["nextRecordsUrl"], headers=AUTH).json()
    assert [r["Id"] for r in seen] == won
    assert seen[0]["attributes"] == {
        "type": "Opportunity",
        "url": f"{API}/sobjects/Opportunity/{won[0]}",
    }
    assert set(seen[0]) == {"attributes", "Id", "Name", "SystemModstamp"}


def test_query_filters_on_system_modstamp_and_on_ids(client: TestClient) -> None:
    account = _account(client)
    first = _opportunity(client, account, "Closed Won")
    stamp = _query(client, f"SELECT SystemModstamp FROM Opportunity WHERE Id = '{first}'")
    cursor = stamp.json()["records"][0]["SystemModstamp"].replace("+0000", "Z")
    later = _opportunity(client, account, "Closed Won")
    after = _query(
        client, f"SELECT Id FROM Opportunity WHERE IsWon = true AND SystemModstamp > {cursor}"
    )
    assert [r["Id"] for r in after.json()["records"]] == [later]
    other = _account(client, "Other")
    by_id = _query(client, f"SELECT Id, Name FROM Account WHERE Id IN ('{account}', '{other}')")
    assert {r["Name"] for r in by_id.json()["records"]} == {"Acme", "Other"}


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name LIKE 'A%'", "MALFORMED_QUERY"),
        ("SELECT Id, Nope__c FROM Account", "INVALID_FIELD"),
        ("SELECT Id FROM Widget__c", "INVALID_TYPE"),
    ],
)
def test_queries_the_sandbox_cannot_answer_are_refused(
    client: TestClient, soql: str, code: str
) -> None:
    response = _query(client, soql)
    assert (response.status_code, response.json()[0]["errorCode"]) == (400, code)


@pytest.mark.parametrize("kind", [FaultKind.THROTTLE, FaultKind.THROTTLE_NO_RETRY_AFTER])
def test_throttle_is_403_request_limit_exceeded(client: TestClient, kind: FaultKind) -> None:
    fault = {"kind": kind, "retry_after_seconds": 9}
    assert client.post("/_sandbox/faults", json=fault).status_code == 204
    response = client.get(f"{API}/sobjects/Account/0018Q0000000001QAA", headers=AUTH)
    assert response.status_code == 403
    assert response.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    expected = "9" if kind == FaultKind.THROTTLE else None
    assert response.headers.get("retry-after") == expected


def test_every_api_response_carries_sforce_limit_info(client: TestClient) -> None:
    answers = [
        client.get(f"{API}/sobjects/Account/0018Q0000000001QAA", headers=AUTH),  # 404
        client.get(f"{API}/sobjects/Account/0018Q0000000001QAA"),  # 401
        _query(client, "SELECT Id FROM Account"),
    ]
    usage = [r.headers["sforce-limit-info"] for r in answers]
    assert usage == ["api-usage=1/15000", "api-usage=2/15000", "api-usage=3/15000"]


def test_collections_upsert_answers_per_item_in_order(client: TestClient) -> None:
    account = _account(client)
    client.patch(f"{UPSERT}/INV-A", json={"Account__c": account}, headers=AUTH)
    items: list[tuple[str, dict[str, Any]]] = [
        ("INV-A", {"Status__c": "paid"}),
        ("INV-B", {"Account__c": account}),
        ("INV-C", {"Account__c": account, "Nope__c": 1}),
    ]
    kind = {"type": "Invoice_Status__c"}
    records = [{"attributes": kind, "Hub_Invoice_Id__c": ext, **extra} for ext, extra in items]
    url = f"{API}/composite/sobjects/Invoice_Status__c/Hub_Invoice_Id__c"
    response = client.patch(url, json={"allOrNone": False, "records": records}, headers=AUTH)
    assert response.status_code == 200
    results = response.json()
    assert [(r["success"], r.get("created")) for r in results] == [
        (True, False),
        (True, True),
        (False, None),
    ]
    assert results[2]["errors"][0]["statusCode"] == "INVALID_FIELD"
    too_many = {"records": [records[1]] * 201}
    assert (
        client.patch(url, json=too_many, headers=AUTH).json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    )


def test_partial_batch_failure_fails_some_items_and_stores_the_rest(client: TestClient) -> None:
    account = _account(client)
    records = [{"Hub_Invoice_Id__c": f"INV-{n}", "Account__c": account} for n in range(4)]
    url = f"{API}/composite/sobjects/Invoice_Status__c/Hub_Invoice_Id__c"
    headers = {**AUTH, "X-Sandbox-Fault": FaultKind.PARTIAL_BATCH_FAILURE.value}
    results = client.patch(url, json={"records": records}, headers=headers).json()
    assert [r["success"] for r in results] == [True, False, True, False]
    assert results[1]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"
    assert _sandbox(client).store.stats()["Invoice_Status__c"]["records"] == 2


def test_change_feed_carries_origin_event_uuid_and_resumes_after_a_replay_id(
    client: TestClient,
) -> None:
    hub = {**AUTH, "Sforce-Call-Options": "client=mdmhub"}
    account = _account(client)
    client.patch(f"{API}/sobjects/Account/{account}", json={"Phone": "+1 555"}, headers=hub)
    feed = client.get(f"{API}/changes", headers=AUTH).json()
    headers = [e["payload"]["ChangeEventHeader"] for e in feed["events"]]
    assert [(h["entityName"], h["changeType"], h["recordIds"]) for h in headers] == [
        ("Account", "CREATE", [account]),
        ("Account", "UPDATE", [account]),
    ]
    assert headers[1]["changedFields"] == ["Phone"]
    assert headers[0]["changeOrigin"] == "com/salesforce/api/rest/61.0"
    assert headers[1]["changeOrigin"] == "com/salesforce/api/rest/61.0;client=mdmhub"
    assert len({e["EventUuid"] for e in feed["events"]}) == 2
    rest = client.get(
        f"{API}/changes", params={"after": feed["events"][0]["replayId"]}, headers=AUTH
    )
    assert [e["EventUuid"] for e in rest.json()["events"]] == [feed["events"][1]["EventUuid"]]


def test_a_duplicated_change_event_keeps_its_event_uuid(client: TestClient) -> None:
    faults = {"duplicate_rate": 1.0}
    assert client.put("/_sandbox/feed/faults", json=faults).status_code == 204
    _account(client)
    events = client.get(f"{API}/changes", headers=AUTH).json()["events"]
    assert len(events) == 2
    assert events[0]["EventUuid"] == events[1]["EventUuid"]
    assert events[0]["replayId"] != events[1]["replayId"]


def test_seeded_sandbox_holds_the_demo_crm_export_under_its_ids() -> None:
    directory = seeds_directory()
    assert directory is not None
    with (directory / "opportunities.csv").open(encoding="utf-8") as handle:
        deals = list(csv.DictReader(handle))
    with TestClient(create_app(seed=True)) as client:
        stats = _sandbox(client).store.stats()
        won = _query(client, "SELECT Id FROM Opportunity WHERE IsWon = true").json()
        one = client.get(f"{API}/sobjects/Opportunity/{deals[0]['source_id']}", headers=AUTH)
    assert stats["Opportunity"]["records"] == len(deals)
    assert won["totalSize"] == sum(d["stage"] == "Closed Won" for d in deals)
    assert one.json()["AccountId"] == deals[0]["account_source_id"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("'O\\'Brien'", "O'Brien"),
        ("true", True),
        ("FALSE", False),
        ("null", None),
        ("12.5", 12.5),
        ("2025-01-31", date(2025, 1, 31)),
        ("2025-01-31T10:00:00.250Z", datetime(2025, 1, 31, 10, 0, 0, 250_000, tzinfo=UTC)),
        ("2025-01-31T10:00:00+02:00", datetime(2025, 1, 31, 8, tzinfo=UTC)),
    ],
)
def test_soql_literals_read_as_their_values(text: str, value: Any) -> None:
    assert soql.literal(text) == value


def test_soql_where_splits_on_and_outside_quotes_only() -> None:
    query = soql.parse(
        "SELECT Id, Name FROM Account WHERE Name = 'Smith AND Sons' AND Id IN ('a', 'b')"
        " ORDER BY Name DESC LIMIT 5"
    )
    assert query.conditions == (
        soql.Condition("Name", "=", "Smith AND Sons"),
        soql.Condition("Id", "IN", ("a", "b")),
    )
    assert (query.order_by, query.descending, query.limit) == ("Name", True, 5)


@pytest.mark.parametrize(
    ("op", "literal", "value", "holds"),
    [
        ("=", None, None, True),
        ("!=", None, 1.0, True),
        (">", 1.0, None, False),
        ("<", 1.0, None, False),
        (">", 1.0, 2.0, True),
        ("<=", 2.0, 2.0, True),
        ("IN", ("a", "b"), "b", True),
        ("IN", ("a", "b"), None, False),
    ],
)
def test_soql_conditions_truth_table(op: str, literal: Any, value: Any, holds: bool) -> None:
    assert soql.holds(soql.Condition("F", op, literal), value) is holds
