"""Quarantined rows are listed, shown, fixed and resubmitted; a failed resubmit changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import Conflict, InvalidInput, NotFound
from mdm.records import quarantine
from mdm.records.models import QuarantineItem, QuarantineStatus
from mdm.records.service import RecordInput, ingest

BROKEN = {"source_system": "erp", "source_id": "C-9", "name": "", "city": "Lyon"}


def _quarantine(engine: Engine) -> int:
    with session_scope(engine, write=True) as session:
        (result,) = ingest(
            session, EntityType.CUSTOMER, [RecordInput(BROKEN, origin="f.csv:7")]
        ).results
    assert result.quarantine_id is not None
    return result.quarantine_id


def _resubmit(engine: Engine, item_id: int, fields: dict[str, str]) -> None:
    with session_scope(engine, write=True) as session:
        quarantine.resubmit(session, item_id, fields)


def test_list_and_show_the_open_items(engine: Engine) -> None:
    item_id = _quarantine(engine)
    with Session(engine) as session:
        items, total = quarantine.list_items(
            session, quarantine.QuarantineFilter(EntityType.CUSTOMER)
        )
        item = quarantine.get_item(session, item_id)
    assert (total, [i.id for i in items]) == (1, [item_id])
    assert (item.origin, item.reasons, item.status) == ("f.csv:7", ["name: required"], "open")


def test_fixed_and_resubmitted_row_is_accepted(engine: Engine) -> None:
    item_id = _quarantine(engine)
    with session_scope(engine, write=True) as session:
        result = quarantine.resubmit(session, item_id, {"name": "Lumière SAS"})
    assert (result.result, result.source_id) == ("created", "C-9")
    with Session(engine) as session:
        item = session.get(QuarantineItem, item_id)
        assert item is not None
        assert item.status == QuarantineStatus.RESOLVED
        assert item.resolved_record_id is not None
        _, still_open = quarantine.list_items(session, quarantine.QuarantineFilter())
    assert still_open == 0


def test_resubmit_that_is_still_invalid_changes_nothing(engine: Engine) -> None:
    item_id = _quarantine(engine)
    with (
        pytest.raises(InvalidInput, match="name: required"),
        session_scope(engine, write=True) as s,
    ):
        quarantine.resubmit(s, item_id, {"city": "Paris"})
    with Session(engine) as session:
        item = session.get(QuarantineItem, item_id)
    assert item is not None
    assert (item.status, item.payload["city"]) == ("open", "Lyon")


def test_resolved_item_cannot_be_resubmitted_twice(engine: Engine) -> None:
    item_id = _quarantine(engine)
    with session_scope(engine, write=True) as session:
        quarantine.resubmit(session, item_id, {"name": "Lumière SAS"})
    with pytest.raises(Conflict):
        _resubmit(engine, item_id, {"name": "Lumière SAS"})


def test_unknown_item_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound), Session(engine) as session:
        quarantine.get_item(session, 424242)
