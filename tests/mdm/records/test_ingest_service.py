"""Idempotent ingest: no-op repeats, versions on change, soft deletes, quarantine with reasons."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.ids import is_golden_id
from mdm.records.models import (
    CustomerRecord,
    ProjectRecord,
    QuarantineItem,
    SourceRecord,
    SourceRecordVersion,
    SourceXref,
)
from mdm.records.service import IngestReport, RecordInput, ingest

ACME = {
    "source_system": "crm",
    "source_id": "001A",
    "name": "ACME Corp.",
    "country": "Germany",
    "phone": "089 1234567",
    "website": "https://www.acme.de/about",
    "crm_id": "",
}


def _ingest(
    engine: Engine,
    *rows: dict[str, Any],
    entity: EntityType = EntityType.CUSTOMER,
    snapshot: bool = False,
) -> IngestReport:
    with session_scope(engine, write=True) as session:
        return ingest(session, entity, [RecordInput(r) for r in rows], snapshot=snapshot)


def _count(engine: Engine, table: Any) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_new_record_is_created_with_its_own_golden_id(engine: Engine) -> None:
    (result,) = _ingest(engine, ACME).results
    assert result.result == "created"
    assert result.version == 1
    assert result.golden_id is not None
    assert is_golden_id(result.golden_id)
    assert result.golden_id.startswith("cus_")


def test_same_payload_again_is_a_no_op(engine: Engine) -> None:
    first = _ingest(engine, ACME).results[0]
    again = _ingest(engine, dict(reversed(list(ACME.items())))).results[0]
    assert again.result == "unchanged"
    assert (again.golden_id, again.version) == (first.golden_id, 1)
    assert _count(engine, SourceRecordVersion) == 1


def test_changed_payload_adds_a_version_and_keeps_the_old(engine: Engine) -> None:
    first = _ingest(engine, ACME).results[0]
    changed = _ingest(engine, {**ACME, "name": "Acme Corporation"}).results[0]
    assert changed.result == "updated"
    assert (changed.version, changed.golden_id) == (2, first.golden_id)
    with Session(engine) as session:
        versions = session.scalars(select(SourceRecordVersion).order_by("version")).all()
        typed = session.scalars(select(CustomerRecord)).one()
    assert [v.data["name"] for v in versions] == ["ACME Corp.", "Acme Corporation"]
    assert typed.name == "Acme Corporation"


def test_values_are_parsed_into_the_canonical_model(engine: Engine) -> None:
    _ingest(engine, ACME)
    with Session(engine) as session:
        typed = session.scalars(select(CustomerRecord)).one()
    assert (typed.country, typed.phone, typed.domain) == ("DE", "+49891234567", "acme.de")
    assert typed.legal_form == "corp"


def test_unparseable_values_are_kept_raw_with_a_warning(engine: Engine) -> None:
    row = {**ACME, "country": "Atlantis", "phone": "call reception"}
    (result,) = _ingest(engine, row).results
    assert result.result == "created"
    assert any(w.startswith("country:") for w in result.warnings)
    assert any(w.startswith("phone:") for w in result.warnings)
    with Session(engine) as session:
        typed = session.scalars(select(CustomerRecord)).one()
    assert (typed.country, typed.phone) == ("Atlantis", "call reception")


def test_bad_rows_are_quarantined_with_every_reason_and_good_rows_commit(engine: Engine) -> None:
    bad = {"source_system": "crm", "source_id": "", "name": "", "deleted": "maybe"}
    report = _ingest(engine, ACME, bad, {**ACME, "source_id": "001B"})
    assert [r.result for r in report.results] == ["created", "quarantined", "created"]
    reasons = report.results[1].reasons
    assert "source_id: required" in reasons
    assert "name: required" in reasons
    assert any(r.startswith("deleted:") for r in reasons)
    with Session(engine) as session:
        item = session.scalars(select(QuarantineItem)).one()
    assert item.payload == bad
    assert item.reasons == reasons
    assert _count(engine, SourceRecord) == 2


def test_unknown_field_in_a_canonical_row_is_a_quarantine_reason(engine: Engine) -> None:
    (result,) = _ingest(engine, {**ACME, "colour": "blue"}).results
    assert result.result == "quarantined"
    assert result.reasons == ["colour: unknown column"]


def test_too_long_value_is_quarantined_not_a_database_error(engine: Engine) -> None:
    (result,) = _ingest(engine, {**ACME, "city": "x" * 300}).results
    assert result.result == "quarantined"
    assert result.reasons == ["city: longer than 255 characters"]


def test_control_characters_are_quarantined_but_tabs_and_newlines_are_not(engine: Engine) -> None:
    report = _ingest(
        engine, {**ACME, "city": "Ber\x00lin"}, {**ACME, "source_id": "2", "street": "a\tb\r\nc"}
    )
    bad, good = report.results
    assert bad.result == "quarantined"
    assert bad.reasons == ["city: contains control characters"]
    assert good.result == "created"


def test_every_reason_of_a_row_is_reported_in_order(engine: Engine) -> None:
    row = {
        **ACME,
        "colour": "blue",
        "deleted": "maybe",
        "city": "x" * 300,
        "street": "a\x01b",
        "x" * 65 + "_id": "1",
        "source_system": "CRM SYSTEM",
    }
    (result,) = _ingest(engine, row).results
    assert result.result == "quarantined"
    assert result.reasons == [
        "colour: unknown column",
        "deleted: must be true or false, got 'maybe'",
        "city: longer than 255 characters",
        "street: contains control characters",
        f"{'x' * 65}_id: a cross-reference column must name a system of at most 64 characters",
        "source_system: use letters, digits, '_', '.' or '-' (at most 64)",
    ]
    assert _count(engine, SourceRecord) == 0


def test_a_record_the_session_already_holds_is_read_fresh_after_a_new_version(
    engine: Engine,
) -> None:
    _ingest(engine, ACME)
    with session_scope(engine, write=True) as session:
        held = session.scalars(select(SourceRecord)).one()
        assert held.version == 1
        ingest(session, EntityType.CUSTOMER, [RecordInput({**ACME, "name": "ACME AG"})])
        assert (held.version, held.golden_id is not None) == (2, True)


def test_delete_is_soft_and_keeps_history(engine: Engine) -> None:
    _ingest(engine, ACME)
    deletion = {"source_system": "crm", "source_id": "001A", "deleted": "true"}
    (result,) = _ingest(engine, deletion).results
    assert (result.result, result.deleted, result.version) == ("updated", True, 2)
    assert _ingest(engine, deletion).results[0].result == "unchanged"
    with Session(engine) as session:
        versions = session.scalars(select(SourceRecordVersion).order_by("version")).all()
    assert [v.deleted for v in versions] == [False, True]
    assert versions[1].data["name"] == "ACME Corp."


def test_deleted_record_comes_back_when_sent_again(engine: Engine) -> None:
    created = _ingest(engine, ACME).results[0]
    _ingest(engine, {"source_system": "crm", "source_id": "001A", "deleted": "true"})
    (back,) = _ingest(engine, ACME).results
    assert (back.result, back.deleted, back.version) == ("updated", False, 3)
    assert back.golden_id == created.golden_id


def test_snapshot_deletes_only_the_listed_systems_unlisted_records(engine: Engine) -> None:
    _ingest(engine, ACME, {**ACME, "source_id": "001B"}, {**ACME, "source_system": "erp"})
    report = _ingest(engine, ACME, snapshot=True)
    assert report.snapshot_deleted == ["crm:001B"]
    with Session(engine) as session:
        statuses: dict[str, str] = dict(
            session.execute(
                select(col(SourceRecord.source_id), col(SourceRecord.status)).where(
                    col(SourceRecord.source_system) == "crm"
                )
            ).all()
        )
    assert statuses == {"001A": "active", "001B": "deleted"}


def test_cross_system_ids_are_kept(engine: Engine) -> None:
    _ingest(engine, {**ACME, "source_system": "erp", "source_id": "C-1", "crm_id": "001A"})
    with Session(engine) as session:
        xref = session.scalars(select(SourceXref)).one()
    assert (xref.system, xref.external_id) == ("crm", "001A")


def test_repeated_key_in_one_batch_is_applied_in_order(engine: Engine) -> None:
    report = _ingest(engine, ACME, {**ACME, "name": "Acme AG"})
    assert [r.result for r in report.results] == ["created", "updated"]
    assert report.results[1].version == 2


def test_project_dates_and_budget_are_typed(engine: Engine) -> None:
    row = {
        "source_system": "psa",
        "source_id": "P1",
        "name": "ERP rollout",
        "start_date": "2025-01-31",
        "end_date": "2024-12-01",
        "budget": "1,250,000.50",
        "billing_method": "T&M",
    }
    (result,) = _ingest(engine, row, entity=EntityType.PROJECT).results
    assert result.result == "created"
    assert any("before start_date" in w for w in result.warnings)
    with Session(engine) as session:
        project = session.scalars(select(ProjectRecord)).one()
    assert str(project.budget) == "1250000.50"
    assert project.billing_method == "time_and_materials"
    assert project.start_date is not None
    assert project.start_date.isoformat() == "2025-01-31"


def test_absurd_amount_is_kept_raw_with_a_warning_not_a_database_error(engine: Engine) -> None:
    row = {"source_system": "erp", "source_id": "K1", "number": "MSA-1", "value": "1e30"}
    (result,) = _ingest(engine, row, entity=EntityType.CONTRACT).results
    assert result.result == "created"
    assert any(w.startswith("value: not a number") for w in result.warnings)


def test_cross_reference_to_an_absurdly_long_system_name_is_quarantined(engine: Engine) -> None:
    (result,) = _ingest(engine, {**ACME, f"{'x' * 70}_id": "42"}).results
    assert result.result == "quarantined"
    assert "cross-reference column" in result.reasons[0]
