"""No N+1: a query for many golden records with their records and children costs a fixed
number of SQL statements, however many records it asks for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from mdm.api.gql import schema
from mdm.api.gql_exec import Operation, execute
from mdm.auth.principal import Principal, Scope
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.search import NameIndex
from mdm.records.service import RecordInput, ingest
from tests.support.lookups import golden_of

QUERY = """query ($ids: [ID!]!) { goldenRecords(ids: $ids) {
  id sourceRecords { system sourceId status } erp: externalIds(system: "erp")
  ... on Customer {
    name { value lineage { rule sourceRecord { system sourceId } } }
    taxId { value masked }
    projects { id sourceRecords { system sourceId } ... on Project {
      name { value } budget { value masked } contract { id } } }
    contracts { id sourceRecords { system sourceId } ... on Contract {
      number { value } customer { id } projects { id } } } } } }"""
# Per level of the query about eight batched loads (records, members and their review flags,
# attributes, references, children), whatever the number of golden records.
BOUND = 20


def _load(engine: Engine, n: int) -> list[str]:
    customers, contracts, projects = [], [], []
    for i in range(n):
        customers.append({"source_system": "crm", "source_id": f"C{i}", "name": f"Firma {i} AG"})
        contracts.append(
            {
                "source_system": "crm",
                "source_id": f"K{i}",
                "number": f"MSA-{i}",
                "customer_source_id": f"C{i}",
            }
        )
        for j in range(2):
            projects.append(
                {
                    "source_system": "crm",
                    "source_id": f"P{i}-{j}",
                    "name": f"Project {i}.{j}",
                    "customer_source_id": f"C{i}",
                    "contract_source_id": f"K{i}",
                    "budget": "1000",
                }
            )
    with session_scope(engine, write=True) as session:
        for entity, rows in (
            (EntityType.CUSTOMER, customers),
            (EntityType.CONTRACT, contracts),
            (EntityType.PROJECT, projects),
        ):
            ingest(session, entity, [RecordInput(r) for r in rows], resolve=False)
    return [golden_of(engine, "crm", f"C{i}") for i in range(n)]


def _run(engine: Engine, ids: list[str]) -> tuple[int, dict[str, Any]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    principal = Principal("reader", frozenset({Scope.READ}), "key")
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = execute(schema, engine, NameIndex(), principal, Operation(QUERY, {"ids": ids}))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status == 200, answer.body
    return len(statements), answer.body["data"]


def test_a_hundred_golden_records_cost_as_few_statements_as_ten(engine: Engine) -> None:
    ids = _load(engine, 100)
    few, _ = _run(engine, ids[:10])
    many, found = _run(engine, ids)
    assert many == few
    assert many <= BOUND
    records = found["goldenRecords"]
    assert len(records) == 100
    assert all(len(r["projects"]) == 2 and len(r["contracts"]) == 1 for r in records)
    first = records[0]
    assert first["contracts"][0]["customer"] == {"id": first["id"]}
    assert {p["contract"]["id"] for p in first["projects"]} == {first["contracts"][0]["id"]}
    assert first["projects"][0]["budget"] == {"value": None, "masked": True}
