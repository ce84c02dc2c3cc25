"""NetSuite record bodies from the ports' records, and ports' records from NetSuite's JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from mdm.connectors.ports import BillingTransaction, CustomerSpec, Invoice, Payment, ProjectSpec

# The non-inventory service item every billing line is booked on (NetSuite lines need an item).
SERVICE_ITEM = {"refName": "Professional Services"}
BILLING_TYPES = {
    "time_and_materials": "TM",
    "fixed_fee": "FF",
    "milestone": "FF",
    "retainer": "CB",
}
STATUSES = {"open": "open", "paid in full": "paid", "voided": "cancelled", "cancelled": "cancelled"}


def ref(value: str) -> dict[str, str]:
    """A reference field: an internal id, or `eid:<externalId>` as an external-id reference."""
    return {"externalId": value[4:]} if value.startswith("eid:") else {"id": value}


def _named(value: str | None) -> dict[str, str] | None:
    return {"refName": value} if value else None


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def customer_body(customer: CustomerSpec) -> dict[str, Any]:
    """The customer's body fields (its address sublist holds only the country we know)."""
    address = None
    if customer.country:
        book = {"defaultBilling": True, "addressBookAddress": {"country": {"id": customer.country}}}
        address = {"items": [book]}
    return _compact(
        {
            "companyName": customer.name,
            "currency": _named(customer.currency),
            "subsidiary": _named(customer.legal_entity),
            "vatRegNumber": customer.tax_id,
            "addressBook": address,
        }
    )


def job_body(project: ProjectSpec) -> dict[str, Any]:
    """The job's body fields; REST takes no budget on a job, so it goes to a custom field."""
    return _compact(
        {
            "companyName": project.name,
            "entityId": project.code,
            "parent": ref(project.customer_ref),
            "startDate": project.start.isoformat() if project.start else None,
            "projectedEndDate": project.end.isoformat() if project.end else None,
            "currency": _named(project.currency),
            "jobBillingType": BILLING_TYPES.get(project.billing_method or ""),
            "custentity_mdm_budget": str(project.budget) if project.budget is not None else None,
            "custentity_opportunity": project.opportunity_ref,
        }
    )


def sales_order_body(transaction: BillingTransaction) -> dict[str, Any]:
    """The sales order that carries a billing transaction's lines."""
    items = [
        {
            "item": SERVICE_ITEM,
            "description": line.description,
            "quantity": str(line.quantity),
            "rate": str(line.rate),
            "amount": str(line.amount),
            "custcol_mdm_source_ref": line.source_ref,
        }
        for line in transaction.lines
    ]
    return _compact(
        {
            "entity": ref(transaction.customer_ref),
            "job": ref(transaction.project_ref),
            "tranDate": transaction.transaction_date.isoformat(),
            "currency": {"refName": transaction.currency},
            "memo": transaction.memo,
            "item": {"items": items},
        }
    )


def _ref_id(value: Any) -> str | None:
    return str(value["id"]) if isinstance(value, dict) and value.get("id") else None


def _currency(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("refName") or value.get("id") or "")
    return str(value or "")


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def invoice(record: dict[str, Any], today: date) -> Invoice:
    """An invoice record as the port's `Invoice` (open and past due counts as overdue)."""
    due = _day(record.get("dueDate"))
    status = STATUSES.get(str(record.get("status", "")).lower(), "open")
    if status == "open" and due is not None and due < today:
        status = "overdue"
    issued = _day(record.get("tranDate"))
    return Invoice(
        id=str(record["id"]),
        number=str(record.get("tranId") or record["id"]),
        customer_id=_ref_id(record.get("entity")) or "",
        project_id=_ref_id(record.get("job")),
        external_id=record.get("externalId"),
        issued_on=issued or today,
        due_on=due,
        total=Decimal(str(record.get("total", "0"))),
        remaining=Decimal(str(record.get("amountRemaining", "0"))),
        currency=_currency(record.get("currency")),
        status=status,
    )


def payments(record: dict[str, Any]) -> list[Payment]:
    """A customer payment as one `Payment` per invoice it is applied to."""
    applied = (
        record.get("apply", {}).get("items", []) if isinstance(record.get("apply"), dict) else []
    )
    lines = [line for line in applied if _ref_id(line.get("doc")) and line.get("apply", True)]
    received = _day(record.get("tranDate")) or date.today()
    return [
        Payment(
            id=str(record["id"]) if len(lines) == 1 else f"{record['id']}-{n}",
            invoice_id=_ref_id(line.get("doc")) or "",
            amount=Decimal(str(line.get("amount", record.get("payment", "0")))),
            currency=_currency(record.get("currency")),
            received_on=received,
        )
        for n, line in enumerate(lines, start=1)
    ]
