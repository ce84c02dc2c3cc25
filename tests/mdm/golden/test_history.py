"""Golden events and their outbox rows: the JSON stored is what the columns' serializer writes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, Text, cast, select
from sqlmodel import Session

from mdm.db import session_scope
from mdm.golden.history import record_events, state_of
from mdm.golden.lineage_models import GoldenEvent, OutboxEvent
from mdm.golden.models import GoldenRecord

GID = "cus_01JD3X0000000000000000TEST"


def _event(kind: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    golden = GoldenRecord(id=GID, entity_type="customer", status="active")
    attributes = {"name": 'Müller & Söhne "Bau" GmbH', "city": "Düsseldorf", "tax_id": "DE1"}
    event: dict[str, Any] = {
        "golden_id": GID,
        "entity_type": "customer",
        "kind": kind,
        "state": state_of(golden, ["erp:7", "crm:1"], attributes),
        "actor": "steward:ann",
    }
    if detail is not None:
        event["detail"] = detail
    return event


def _columns(model: Any) -> Any:
    return model.__table__.c


def test_event_and_outbox_rows_hold_the_text_json_dumps_writes(engine: Engine) -> None:
    events = [_event("created", {"records": ["crm:1", "erp:7"]}), _event("updated")]
    with session_scope(engine, write=True) as session:
        session.add(GoldenRecord(id=GID, entity_type="customer"))
        session.flush()
        record_events(session, events)
    event, outbox = _columns(GoldenEvent), _columns(OutboxEvent)
    with Session(engine) as session:
        stored = session.execute(
            select(cast(event.state, Text), cast(event.detail, Text)).order_by(event.id)
        ).all()
        payloads = session.execute(
            select(outbox.topic, cast(outbox.payload, Text)).order_by(outbox.id)
        ).all()
    expected = [
        {
            "golden_id": GID,
            "entity_type": "customer",
            "kind": e["kind"],
            "state": e["state"],
            "detail": e.get("detail", {}),
            "actor": "steward:ann",
        }
        for e in events
    ]
    assert [tuple(row) for row in stored] == [
        (json.dumps(p["state"]), json.dumps(p["detail"])) for p in expected
    ]
    assert [tuple(row) for row in payloads] == [
        (f"golden.{p['kind']}", json.dumps(p)) for p in expected
    ]
