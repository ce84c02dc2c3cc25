"""The Salesforce sandbox's read side: SOQL queries with `nextRecordsUrl` paging, and a polling
stand-in for Change Data Capture.

Real CDC is a streaming channel (`/data/ChangeEvents`, Pub/Sub API); a sandbox has no
CometD/gRPC, so `GET /services/data/v61.0/changes?after=<replayId>` returns the same
ChangeEventHeader fields instead: entityName, recordIds, changeType, changedFields,
commitTimestamp and changeOrigin (from the writer's `Sforce-Call-Options: client=…`), plus
`EventUuid` (the dedupe key) and an opaque `replayId` to resume from. Events are kept 72 hours.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from mdm.sandbox.core import SandboxDep
from mdm.sandbox.feed import FeedEvent
from mdm.sandbox.records import StoredRecord
from mdm.sandbox.salesforce_records import SfError, render, typed
from mdm.sandbox.salesforce_schema import API, OBJECTS, SObject, checksum, to18
from mdm.sandbox.salesforce_soql import Condition, SoqlError, holds, parse

router = APIRouter()


@dataclass
class QueryCursors:
    """Result sets still being paged, by query locator; `page_size` is Salesforce's batch size."""

    page_size: int = 2000
    _open: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _serial: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """The first page of a new result set."""
        with self._lock:
            self._serial += 1
            id15 = f"01g8Q{self._serial:010d}"
            locator = id15 + checksum(id15)
            if len(rows) > self.page_size:
                self._open[locator] = rows
        return self._page(locator, rows, 0)

    def next(self, locator: str, offset: int) -> dict[str, Any]:
        """A later page, from the `nextRecordsUrl` of the one before."""
        with self._lock:
            rows = self._open.get(locator)
        if rows is None or not 0 < offset < len(rows):
            raise SfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(locator, rows, offset)

    def _page(self, locator: str, rows: list[dict[str, Any]], offset: int) -> dict[str, Any]:
        end = offset + self.page_size
        page: dict[str, Any] = {
            "totalSize": len(rows),
            "done": end >= len(rows),
            "records": rows[offset:end],
        }
        if end < len(rows):
            page["nextRecordsUrl"] = f"{API}/query/{locator}-{end}"
        else:
            with self._lock:
                self._open.pop(locator, None)
        return page


def current_cursors(request: Request) -> QueryCursors:
    """The app's open query cursors."""
    cursors: QueryCursors = request.app.state.query_cursors
    return cursors


CursorsDep = Annotated[QueryCursors, Depends(current_cursors)]


@router.get(API + "/query")
def query(
    sandbox: SandboxDep, cursors: CursorsDep, q: Annotated[str, Query(max_length=20_000)]
) -> dict[str, Any]:
    """Run a SOQL query; the first page, with `nextRecordsUrl` when there are more."""
    try:
        soql = parse(q)
    except SoqlError as exc:
        raise SfError(400, "MALFORMED_QUERY", str(exc)) from exc
    obj = OBJECTS.get(soql.sobject)
    if obj is None:
        raise SfError(400, "INVALID_TYPE", f"sObject type '{soql.sobject}' is not supported.")
    unknown = sorted(name for name in soql.names() if obj.field_type(name) is None)
    if unknown:
        message = f"No such column '{unknown[0]}' on entity '{obj.name}'"
        raise SfError(400, "INVALID_FIELD", message, tuple(unknown))
    conditions = [_with_18_char_ids(obj, c) for c in soql.conditions]
    try:
        found = [r for r in sandbox.store.all(obj.name) if _matches(r, conditions)]
    except SoqlError as exc:
        raise SfError(400, "MALFORMED_QUERY", str(exc)) from exc
    if soql.order_by:
        key = soql.order_by
        found.sort(key=lambda r: (typed(r, key) is None, typed(r, key)), reverse=soql.descending)
    rows = [render(r, soql.fields) for r in found[: soql.limit]]
    return cursors.first(rows)


@router.get(API + "/query/{locator}-{offset}")
def query_more(locator: str, offset: int, cursors: CursorsDep) -> dict[str, Any]:
    """The next page of a query."""
    return cursors.next(locator, offset)


@router.get(API + "/changes")
def changes(
    sandbox: SandboxDep,
    after: Annotated[str, Query(max_length=40)] = "0",
    limit: Annotated[int, Query(ge=1, le=2000)] = 200,
) -> dict[str, Any]:
    """Change events after the replay id `after` (sandbox stand-in for CDC)."""
    if not after.isdigit():
        raise SfError(400, "INVALID_REPLAY_ID", f"The replay ID validation failed: {after}")
    events = sandbox.feed.read(int(after), limit)
    latest = str(events[-1].sequence) if events else after
    return {"events": [_event(e) for e in events], "latestReplayId": latest}


def _event(event: FeedEvent) -> dict[str, Any]:
    header = {
        "entityName": event.entity,
        "recordIds": [event.record_id],
        "changeType": event.change_type,
        "changedFields": event.changed_fields,
        "commitTimestamp": int(event.at.timestamp() * 1000),
        "commitUser": "0058Q0000000001AAA",
        "changeOrigin": event.origin or "",
    }
    return {
        "replayId": str(event.sequence),
        "EventUuid": event.event_id,
        "payload": {"ChangeEventHeader": header},
    }


def _with_18_char_ids(obj: SObject, condition: Condition) -> Condition:
    """Ids may be written in their 15-character form, as Salesforce allows."""
    if obj.field_type(condition.field) not in ("id", "ref"):
        return condition
    if condition.op == "IN":
        values = tuple(to18(v) if isinstance(v, str) else v for v in condition.value)
        return replace(condition, value=values)
    value = condition.value
    return replace(condition, value=to18(value) if isinstance(value, str) else value)


def _matches(record: StoredRecord, conditions: list[Condition]) -> bool:
    return all(holds(c, typed(record, c.field)) for c in conditions)
