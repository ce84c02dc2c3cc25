"""NetSuite-shaped record rules for the sandbox: ids, references, validation, queries, transforms.

Kept apart from the routes so the seeding and the HTTP handlers apply the same rules. What is
imitated (systems.md §1.5): numeric internal ids as strings; `externalId` unique per record
type (a second record with the same one is refused, as NetSuite does); `eid:<externalId>`
wherever an internal id is accepted; reference fields as `{"id": ...}` or `{"externalId": ...}`;
a sales order transformed to an invoice once (a billed order cannot be billed again).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mdm.sandbox.records import RecordStore, StoredRecord

RECORD_TYPES = ("customer", "job", "salesOrder", "invoice", "customerPayment")
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# Reference fields per type, and the type each one points at.
REFERENCES: dict[str, dict[str, str]] = {
    "customer": {"parent": "customer"},
    "job": {"parent": "customer"},
    "salesOrder": {"entity": "customer", "job": "job"},
    "invoice": {"entity": "customer", "job": "job", "createdFrom": "salesOrder"},
    "customerPayment": {"entity": "customer"},
}
# Body fields a new record cannot do without, with the label NetSuite's message uses.
REQUIRED: dict[str, dict[str, str]] = {
    "customer": {"companyName": "Company Name"},
    "job": {"companyName": "Project Name"},
    "salesOrder": {"entity": "Customer"},
    "invoice": {"entity": "Customer"},
    "customerPayment": {"entity": "Customer", "payment": "Payment Amount"},
}
# Where the numbering of each type starts (seeded records keep their own ids below it).
ID_START = {"customer": 5000, "job": 9000, "salesOrder": 60000, "invoice": 80000}
STATUS_PENDING_BILLING = "Pending Billing"
STATUS_BILLED = "Billed"
STATUS_OPEN = "Open"
STATUS_PAID = "Paid In Full"


class NsError(Exception):
    """A NetSuite error answer: HTTP status, `o:errorCode` and detail."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass
class InternalIds:
    """Mints internal ids: numbers as strings, per type, above every id already used."""

    _next: dict[str, int] = field(default_factory=dict)
    _forced: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def force_next(self, value: str) -> None:
        """The next id minted is `value` (seeding keeps the vendor ids of the demo data)."""
        self._forced = value

    def __call__(self, type_: str, _count: int) -> str:
        with self._lock:
            current = self._next.get(type_, ID_START.get(type_, 100))
            if self._forced is not None:
                value, self._forced = self._forced, None
                self._next[type_] = max(current, int(value) + 1)
                return value
            self._next[type_] = current + 1
            return str(current)


def new_store() -> RecordStore:
    """A record store counting duplicates by `externalId` for every record type."""
    # Indexed: the hub looks records up by external id before most writes.
    return RecordStore(
        InternalIds(), dict.fromkeys(RECORD_TYPES, "externalId"), index_external_ids=True
    )


def check_type(type_: str) -> None:
    """404 for a record type the sandbox does not hold."""
    if type_ not in RECORD_TYPES:
        raise NsError(404, "NONEXISTENT_ID", f"Record type '{type_}' does not exist.")


def check_external_id(value: str) -> str:
    """An external id NetSuite can put in a URL: letters, digits, `_` and `-`."""
    if not EXTERNAL_ID.match(value):
        raise NsError(400, "INVALID_PARAMETER", f"Invalid external ID: {value!r}.")
    return value


def resolve(store: RecordStore, type_: str, ref: str) -> StoredRecord | None:
    """The record named by an internal id or by `eid:<externalId>`."""
    if ref.startswith("eid:"):
        matches = store.find(type_, "externalId", check_external_id(ref[4:]))
        return matches[0] if matches else None
    return store.get(type_, ref)


def require(store: RecordStore, type_: str, ref: str) -> StoredRecord:
    """Like `resolve`, but a missing record is NetSuite's 404."""
    record = resolve(store, type_, ref)
    if record is None:
        raise NsError(404, "NONEXISTENT_ID", f"The record instance {ref} does not exist.")
    return record


def check_new(store: RecordStore, type_: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the body of a record about to be created; returns it with references resolved."""
    missing = [label for name, label in REQUIRED[type_].items() if fields.get(name) in (None, "")]
    if missing:
        raise NsError(400, "USER_ERROR", f"Please enter value(s) for: {', '.join(missing)}.")
    if type_ in ("salesOrder", "invoice") and not lines(fields):
        raise NsError(400, "USER_ERROR", "You must enter at least one line item.")
    return check_changes(store, type_, None, fields)


def check_changes(
    store: RecordStore, type_: str, record_id: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    """Validate changed fields: unique external id, references that exist, amounts that parse."""
    external_id = fields.get("externalId")
    if external_id is not None:
        check_external_id(str(external_id))
        taken = [r for r in store.find(type_, "externalId", external_id) if r.id != record_id]
        if taken:
            raise NsError(400, "DUP_RCRD", f"A {type_} with external ID {external_id} exists.")
    resolved = dict(fields)
    for name, target in REFERENCES[type_].items():
        if name in fields and fields[name] is not None:
            resolved[name] = _reference(store, name, target, fields[name])
    for line in lines(fields):
        amount(line.get("amount", line_amount(line)))
    return resolved


def _reference(store: RecordStore, name: str, target: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not (value.get("id") or value.get("externalId")):
        raise NsError(400, "INVALID_KEY_OR_REF", f"Invalid {name} reference: {value!r}.")
    ref = str(value["id"]) if value.get("id") else f"eid:{value['externalId']}"
    record = resolve(store, target, ref)
    if record is None:
        raise NsError(400, "INVALID_KEY_OR_REF", f"Invalid {name} reference key {ref}.")
    return {"id": record.id}


def lines(fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The `item` sublist's lines."""
    sublist = fields.get("item")
    items = sublist.get("items") if isinstance(sublist, dict) else None
    return [line for line in items if isinstance(line, dict)] if isinstance(items, list) else []


def amount(value: Any) -> Decimal:
    """A money amount from a body field (400 when it is not a number)."""
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise NsError(400, "INVALID_FLD_VALUE", f"Invalid amount: {value!r}.") from exc


def line_amount(line: dict[str, Any]) -> Decimal:
    """A line's amount, or quantity times rate."""
    if line.get("amount") is not None:
        return amount(line["amount"])
    return amount(line.get("quantity", 1)) * amount(line.get("rate", 0))


def transform_to_invoice(
    store: RecordStore, order: StoredRecord, overrides: dict[str, Any]
) -> StoredRecord:
    """Bill a sales order: a new invoice with its lines; the order is billed (once only)."""
    if order.fields.get("status") == STATUS_BILLED:
        raise NsError(400, "INVALID_INITIALIZE_REF", "The sales order is already fully billed.")
    items = [dict(line, amount=str(line_amount(line))) for line in lines(order.fields)]
    total = sum((Decimal(line["amount"]) for line in items), Decimal(0))
    tran_date = str(overrides.get("tranDate") or order.fields.get("tranDate") or date.today())
    copied: dict[str, Any] = {
        k: order.fields[k] for k in ("entity", "job", "currency", "memo") if k in order.fields
    }
    fields: dict[str, Any] = {
        **copied,
        "tranDate": tran_date,
        "dueDate": str(date.fromisoformat(tran_date[:10]) + timedelta(days=30)),
        "item": {"items": items},
        "total": str(total),
        "amountRemaining": str(total),
        "status": STATUS_OPEN,
        "createdFrom": {"id": order.id},
        **{k: v for k, v in overrides.items() if k not in ("item", "total", "createdFrom")},
    }
    fields = check_changes(store, "invoice", None, fields)
    invoice = store.create("invoice", fields)
    store.update("invoice", invoice.id, {"tranId": f"INV{invoice.id}"})
    store.update("salesOrder", order.id, {"status": STATUS_BILLED})
    return invoice


def apply_payment(store: RecordStore, payment: StoredRecord) -> None:
    """Lower the remaining amount of each invoice the payment applies to."""
    sublist = payment.fields.get("apply")
    for line in sublist.get("items", []) if isinstance(sublist, dict) else []:
        doc = line.get("doc") if isinstance(line, dict) else None
        invoice = store.get("invoice", str(doc.get("id"))) if isinstance(doc, dict) else None
        if invoice is None:
            raise NsError(400, "INVALID_KEY_OR_REF", f"Invalid apply reference: {doc!r}.")
        remaining = amount(invoice.fields.get("amountRemaining", 0)) - amount(line.get("amount"))
        status = STATUS_PAID if remaining <= 0 else STATUS_OPEN
        store.update(
            "invoice", invoice.id, {"amountRemaining": str(max(remaining, 0)), "status": status}
        )


def as_json(record: StoredRecord, base: str) -> dict[str, Any]:
    """The record as NetSuite's GET answers it."""
    return {
        "links": [{"rel": "self", "href": f"{base}/{record.type}/{record.id}"}],
        "id": record.id,
        **record.fields,
        "dateCreated": iso(record.created_at),
        "lastModifiedDate": iso(record.updated_at),
    }


def iso(moment: datetime) -> str:
    """NetSuite's timestamp form in JSON (UTC, `Z`)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
