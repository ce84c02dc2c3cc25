"""Demo data for the NetSuite sandbox from `seeds/data/erp`: customers, jobs, sales orders,
and a few invoices and payments so that reads return something.

The records keep the internal ids the seed files give them (the hub's ERP source records name
those ids), and carry no `externalId`: the ERP made them, not the hub.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mdm.sandbox.netsuite_records import InternalIds, transform_to_invoice
from mdm.sandbox.records import RecordStore

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "data" / "erp"
INVOICED_ORDERS = 8  # sales orders billed at seeding; every other one of them is paid
BILLING_TYPES = {
    "time_and_materials": "TM",
    "fixed_fee": "FF",
    "milestone": "FF",
    "retainer": "CB",
}


def seed_from_csv(store: RecordStore, directory: Path = SEEDS) -> None:
    """Load the ERP seed files into `store` (nothing when the directory is missing)."""
    if not directory.is_dir():
        return
    for row in _rows(directory / "customers.csv"):
        _put(store, "customer", row["source_id"], _customer(row))
    for row in _rows(directory / "projects.csv"):
        _put(store, "job", row["source_id"], _job(row))
    for row in _rows(directory / "contracts.csv"):
        _put(store, "salesOrder", row["source_id"], _sales_order(row))
    _bill_some(store)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _put(store: RecordStore, type_: str, record_id: str, fields: dict[str, Any]) -> None:
    mint = store.mint
    assert isinstance(mint, InternalIds)
    with store.lock:
        mint.force_next(record_id)
        store.create(type_, {k: v for k, v in fields.items() if v not in (None, "")})


def _ref(value: str) -> dict[str, str] | None:
    return {"id": value} if value else None


def _named(value: str) -> dict[str, str] | None:
    return {"refName": value} if value else None


def _customer(row: dict[str, str]) -> dict[str, Any]:
    address = {
        "addr1": row["street"],
        "city": row["city"],
        "zip": row["postal_code"],
        "state": row["region"],
        "country": {"id": row["country"]},
    }
    return {
        "companyName": row["name"],
        "entityId": row["legal_name"] or row["name"],
        "email": row["email"],
        "phone": row["phone"],
        "url": row["website"],
        "vatRegNumber": row["tax_id"],
        "currency": _named(row["currency"]),
        "subsidiary": _named(row["legal_entity"]),
        "parent": _ref(row["parent_source_id"]),
        "addressBook": {"items": [{"defaultBilling": True, "addressBookAddress": address}]},
        "custentity_crm_id": row["crm_id"],
    }


def _job(row: dict[str, str]) -> dict[str, Any]:
    return {
        "companyName": row["name"],
        "entityId": row["code"],
        "parent": _ref(row["customer_source_id"]),
        "startDate": row["start_date"],
        "projectedEndDate": row["end_date"],
        "currency": _named(row["currency"]),
        "jobBillingType": BILLING_TYPES.get(row["billing_method"]),
        "entityStatus": _named(row["status"]),
        "projectManager": _named(row["project_manager"]),
        "subsidiary": _named(row["legal_entity"]),
        "custentity_opportunity": row["opportunity_ref"],
        "custentity_psa_id": row["psa_id"],
    }


def _sales_order(row: dict[str, str]) -> dict[str, Any]:
    items = []
    if row["value"]:
        line = {"description": row["name"], "quantity": "1", "rate": row["value"]}
        items.append({**line, "amount": row["value"]})
    return {
        "tranId": row["number"],
        "entity": _ref(row["customer_source_id"]),
        "memo": row["name"],
        "tranDate": row["start_date"],
        "startDate": row["start_date"],
        "endDate": row["end_date"],
        "currency": _named(row["currency"]),
        "subsidiary": _named(row["legal_entity"]),
        "otherRefNum": row["opportunity_ref"],
        "terms": _named(row["billing_terms"]),
        "custbody_contract_type": row["contract_type"],
        "status": "Pending Billing",
        "item": {"items": items},
    }


def _bill_some(store: RecordStore) -> None:
    orders = [o for o in store.all("salesOrder") if o.fields.get("item", {}).get("items")]
    for n, order in enumerate(orders[:INVOICED_ORDERS]):
        invoice = transform_to_invoice(store, order, {})
        if n % 2:
            continue
        total = invoice.fields["total"]
        paid_on = date.fromisoformat(invoice.fields["tranDate"][:10]) + timedelta(days=25)
        payment = {
            "entity": invoice.fields["entity"],
            "payment": total,
            "tranDate": paid_on.isoformat(),
            "currency": invoice.fields.get("currency"),
            "apply": {"items": [{"doc": {"id": invoice.id}, "amount": total, "apply": True}]},
        }
        store.create("customerPayment", payment)
        store.update("invoice", invoice.id, {"amountRemaining": "0.00", "status": "Paid In Full"})
