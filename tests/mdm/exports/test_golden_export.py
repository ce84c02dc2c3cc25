"""The golden export names related golden records: a project's customer, a customer's parent."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.exports.service import golden_columns, golden_rows
from mdm.records.service import RecordInput, ingest
from mdm.resolution.batch import resolve_every_type
from tests.mdm.resolution.test_batch import ROWS
from tests.mdm.resolution.test_children import PROJECTS
from tests.support.lookups import golden_of


def _load(engine: Engine) -> None:
    subsidiary = {
        "source_system": "crm",
        "source_id": "1-UK",
        "name": "Nordwind Logistics Ltd",
        "country": "GB",
        "city": "London",
        "parent_source_id": "1",
    }
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(r) for r in [*ROWS, subsidiary]])
        ingest(session, EntityType.PROJECT, [RecordInput(r) for r in PROJECTS])
    resolve_every_type(engine)


def _row(engine: Engine, kind: EntityType, golden_id: str) -> dict[str, object]:
    with Session(engine) as session:
        return next(r for r in golden_rows(session, kind) if r["golden_id"] == golden_id)


def test_project_rows_name_their_customers_golden_record(engine: Engine) -> None:
    _load(engine)
    row = _row(engine, EntityType.PROJECT, golden_of(engine, "crm", "P1"))
    assert row["customer_golden_id"] == golden_of(engine, "crm", "1")
    assert "customer_golden_id" in golden_columns(EntityType.PROJECT)


def test_a_subsidiary_names_its_parents_golden_record(engine: Engine) -> None:
    _load(engine)
    row = _row(engine, EntityType.CUSTOMER, golden_of(engine, "crm", "1-UK"))
    assert row["parent_golden_id"] == golden_of(engine, "crm", "1")
    assert golden_of(engine, "crm", "1-UK") != golden_of(engine, "crm", "1")
