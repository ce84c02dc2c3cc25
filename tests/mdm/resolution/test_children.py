"""Projects are matched inside their resolved customer, and follow it when it changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.records.service import RecordInput, ingest
from mdm.resolution import steward_ops
from mdm.resolution.batch import resolve_every_type
from mdm.resolution.incremental import follow_parents
from tests.mdm.resolution.test_batch import ROWS
from tests.support.lookups import golden_of, record_id

P = EntityType.PROJECT
PROJECTS = [
    {
        "source_system": "crm",
        "source_id": "P1",
        "name": "ERP Rollout",
        "customer_source_id": "1",
        "code": "PRJ-2024-0001",
        "start_date": "2024-01-15",
        "budget": "120000",
    },
    {
        "source_system": "erp",
        "source_id": "P1",
        "name": "Nordwind : ERP Rollout",
        "customer_source_id": "1",
        "code": "PRJ-2024-0001",
        "start_date": "2024-01-15",
        "budget": "120000",
    },
    {
        "source_system": "crm",
        "source_id": "P2",
        "name": "Data Platform",
        "customer_source_id": "2",
        "code": "PRJ-2024-0002",
        "start_date": "2024-03-01",
        "budget": "80000",
    },
    *[
        {
            "source_system": "crm",
            "source_id": f"Q{i}",
            "name": f"Workstream {i} Delivery",
            "customer_source_id": f"n{i}",
            "code": f"PRJ-2023-{i:04d}",
            "start_date": "2023-05-01",
            "budget": str(10000 + i),
        }
        for i in range(30)
    ],
]


def _ingest(engine: Engine, entity: EntityType, rows: list[dict[str, Any]]) -> None:
    with session_scope(engine, write=True) as session:
        ingest(session, entity, [RecordInput(r) for r in rows])


def test_projects_of_one_customer_merge_and_others_do_not(engine: Engine) -> None:
    _ingest(engine, EntityType.CUSTOMER, ROWS)
    _ingest(engine, P, PROJECTS)
    resolve_every_type(engine)
    assert golden_of(engine, "crm", "P1") == golden_of(engine, "erp", "P1")
    assert golden_of(engine, "crm", "P1") != golden_of(engine, "crm", "P2")


def test_a_project_that_arrived_before_its_customer_follows_it_in(engine: Engine) -> None:
    _ingest(engine, EntityType.CUSTOMER, ROWS)
    _ingest(engine, P, PROJECTS)
    resolve_every_type(engine)
    early = {
        **PROJECTS[0],
        "source_system": "psa",
        "source_id": "P9",
        "customer_source_id": "9",
        "name": "Nordwind - ERP Rollout",
    }
    _ingest(engine, P, [early])  # its customer is not in the hub yet: nothing to match inside
    assert golden_of(engine, "psa", "P9") != golden_of(engine, "crm", "P1")
    customer = {**ROWS[0], "source_system": "psa", "source_id": "9"}
    _ingest(engine, EntityType.CUSTOMER, [customer])
    assert golden_of(engine, "psa", "9") == golden_of(engine, "crm", "1")
    assert golden_of(engine, "psa", "P9") == golden_of(engine, "crm", "P1")


def test_projects_follow_a_steward_split_of_their_customer(engine: Engine) -> None:
    twin = {**PROJECTS[2], "source_system": "erp", "source_id": "EP2", "customer_source_id": "2"}
    _ingest(engine, EntityType.CUSTOMER, ROWS)
    _ingest(engine, P, [*PROJECTS, twin])
    resolve_every_type(engine)
    assert golden_of(engine, "crm", "P2") == golden_of(engine, "erp", "EP2")
    with session_scope(engine, write=True) as session:
        erp_customer = record_id(session, "erp", "2")
        steward_ops.split(
            session,
            EntityType.CUSTOMER,
            golden_of(engine, "crm", "2"),
            [erp_customer],
            "steward:ann",
        )
    assert golden_of(engine, "crm", "2") != golden_of(engine, "erp", "2")
    assert golden_of(engine, "crm", "P2") != golden_of(engine, "erp", "EP2")


def test_following_customers_counts_their_children_and_none_in_a_hub_without(
    engine: Engine,
) -> None:
    _ingest(engine, EntityType.CUSTOMER, ROWS)
    with session_scope(engine, write=True) as session:
        customer = record_id(session, "crm", "1")
        none = {EntityType.CONTRACT: 0, P: 0}
        assert follow_parents(session, [customer]) == none
    _ingest(engine, P, PROJECTS)
    with session_scope(engine, write=True) as session:
        assert follow_parents(session, [customer]) == {EntityType.CONTRACT: 0, P: 1}
