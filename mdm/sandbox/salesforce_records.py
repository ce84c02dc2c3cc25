"""Reading and writing sObject records the way the REST API does: validation, derived fields,
the JSON error array, the record shape with `attributes`, and the CDC-like event per write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi.responses import JSONResponse

from mdm.sandbox.core import Sandbox
from mdm.sandbox.records import StoredRecord
from mdm.sandbox.salesforce_schema import API, OBJECTS, SObject, sf_datetime, to18, type_error

# Salesforce's own client-id header, echoed in change events so a subscriber can skip its echo.
CALL_OPTIONS = "sforce-call-options"


@dataclass
class SfError(Exception):
    """One REST API error: status, `errorCode`, message and the fields concerned."""

    status: int
    code: str
    message: str
    fields: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        """One entry of the error array."""
        return {"message": self.message, "errorCode": self.code, "fields": list(self.fields)}

    def response(self) -> JSONResponse:
        """The REST answer: a JSON array of errors."""
        return JSONResponse([self.body()], status_code=self.status)


def sobject(name: str) -> SObject:
    """The object type called `name`, or NOT_FOUND."""
    found = OBJECTS.get(name)
    if found is None:
        raise SfError(404, "NOT_FOUND", "The requested resource does not exist")
    return found


def record_url(type_: str, record_id: str) -> str:
    """The REST URL of a record."""
    return f"{API}/sobjects/{type_}/{record_id}"


def change_origin(headers: dict[str, str]) -> str:
    """CDC's `changeOrigin` for a request: the API and the client named in Sforce-Call-Options."""
    origin = "com/salesforce/api/rest/61.0"
    options = headers.get(CALL_OPTIONS, "")
    client = next((p.split("=", 1)[1] for p in options.split(",") if p.startswith("client=")), "")
    return f"{origin};client={client.strip()}" if client.strip() else origin


def render(record: StoredRecord, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The record as the API returns it (every field, or only `names`)."""
    values = {
        "Id": record.id,
        "IsDeleted": record.deleted,
        "CreatedDate": sf_datetime(record.created_at),
        "LastModifiedDate": sf_datetime(record.updated_at),
        "SystemModstamp": sf_datetime(record.updated_at),
        **record.fields,
    }
    attributes = {"type": record.type, "url": record_url(record.type, record.id)}
    if names is None:
        names = ("Id", *OBJECTS[record.type].fields, "CreatedDate", "LastModifiedDate")
        names = (*names, "SystemModstamp")
    return {"attributes": attributes, **{name: values.get(name) for name in names}}


def typed(record: StoredRecord, name: str) -> Any:
    """A field's value as Python compares it (dates, aware datetimes, floats)."""
    if name in ("LastModifiedDate", "SystemModstamp"):
        return record.updated_at.replace(microsecond=record.updated_at.microsecond // 1000 * 1000)
    if name == "CreatedDate":
        return record.created_at.replace(microsecond=record.created_at.microsecond // 1000 * 1000)
    if name == "Id":
        return record.id
    value = record.fields.get(name)
    kind = OBJECTS[record.type].field_type(name)
    if value is None:
        return None
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "datetime":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if kind == "number":
        return float(value)
    return value


def validate(sandbox: Sandbox, obj: SObject, body: Any, *, creating: bool) -> dict[str, Any]:
    """The body's fields, checked: known, writable, typed, references resolved, required set."""
    if not isinstance(body, dict):
        raise SfError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
    fields = {k: v for k, v in body.items() if k != "attributes"}
    for name, value in fields.items():
        kind = obj.fields.get(name)
        if kind is None:
            message = f"No such column '{name}' on sobject of type {obj.name}"
            raise SfError(400, "INVALID_FIELD", message, (name,))
        if name in obj.read_only:
            message = f"Unable to create/update fields: {name}. Please check the security settings"
            raise SfError(400, "INVALID_FIELD_FOR_INSERT_UPDATE", message, (name,))
        if type_error(kind, value):
            message = f"Cannot deserialize value {value!r} for field {name} ({kind})"
            raise SfError(400, "JSON_PARSER_ERROR", message, (name,))
        target = obj.references.get(name)
        if target and value is not None:
            fields[name] = _reference(sandbox, target, name, value)
    missing = [n for n in obj.required if creating and fields.get(n) in (None, "")]
    missing += [n for n in obj.required if not creating and n in fields and fields[n] in (None, "")]
    if missing:
        message = f"Required fields are missing: [{', '.join(missing)}]"
        raise SfError(400, "REQUIRED_FIELD_MISSING", message, tuple(missing))
    return fields


def _reference(sandbox: Sandbox, target: str, name: str, value: str) -> str:
    record_id = to18(value)
    if sandbox.store.get(target, record_id) is None:
        message = f"{name}: id value of incorrect type or not found: {value}"
        raise SfError(400, "INVALID_CROSS_REFERENCE_KEY", message, (name,))
    return record_id


def derive(obj: SObject, fields: dict[str, Any]) -> dict[str, Any]:
    """Add the fields Salesforce computes itself: an opportunity's IsClosed and IsWon."""
    if obj.name != "Opportunity" or "StageName" not in fields:
        return fields
    stage = fields["StageName"]
    return {
        **fields,
        "IsClosed": stage in ("Closed Won", "Closed Lost"),
        "IsWon": stage == "Closed Won",
    }


def write(
    sandbox: Sandbox,
    obj: SObject,
    fields: dict[str, Any],
    origin: str,
    record_id: str | None = None,
) -> StoredRecord:
    """Create (no id) or update a record, and announce the change on the feed."""
    values = derive(obj, fields)
    if record_id is None:
        record = sandbox.store.create(obj.name, values)
        changed = sorted(values)
    else:
        existing = sandbox.store.get(obj.name, record_id)
        before = dict(existing.fields) if existing else {}
        record = sandbox.store.update(obj.name, record_id, values)
        changed = sorted(k for k, v in values.items() if before.get(k) != v)
    change = "CREATE" if record_id is None else "UPDATE"
    sandbox.feed.publish(obj.name, record.id, change, changed, origin)
    return record
