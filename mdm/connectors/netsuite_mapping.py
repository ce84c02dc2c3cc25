"""NetSuite record bodies from the ports' records, and ports' records from NetSuite's JSON
(record API answers for payments, SuiteQL rows for invoices)."""

from __future__ import annotations

from datetime import UTC, date, datetime
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
INVOICE_TYPE = "CustInvc"
# SuiteQL's invoice status codes (`CustInvc:A` in a saved search): A Open, B Paid In Full,
# V Voided; any other (pending approval, rejected) reads as open, as an unknown status did.
INVOICE_STATUS_CODES = {"A": "open", "B": "paid", "V": "cancelled"}
# What `invoices` reads: the currency's name (the text the record API's `refName` gave; the hub
# names currencies by ISO code) and ISO dates rather than the account's date format.
INVOICE_COLUMNS = (
    "id",
    "tranid",
    "externalid",
    "entity",
    "BUILTIN.DF(currency) AS currency",
    "TO_CHAR(trandate, 'YYYY-MM-DD') AS trandate",
    "TO_CHAR(duedate, 'YYYY-MM-DD') AS duedate",
    "foreigntotal",
    "foreignamountunpaid",
    "status",
)


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


def invoice_query(since: datetime | None) -> str:
    """SuiteQL for the invoices changed at or after `since` (all of them without it), by id.

    By id rather than by `lastmodifieddate`: an invoice changed while the pages are read keeps
    its place (or, newly matching, pushes the rest one place on), so offset paging never skips
    one; at worst one is read twice, and the reader dedupes. Dates come back in the account's
    date format unless asked for with `TO_CHAR`.
    """
    where = f"type = '{INVOICE_TYPE}'"
    if since is not None:
        moment = since if since.tzinfo else since.replace(tzinfo=UTC)
        # Whole seconds, rounded down: the bound stays inclusive (a reader dedupes by id).
        stamp = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        where += f" AND lastmodifieddate >= TO_TIMESTAMP('{stamp}', 'YYYY-MM-DD HH24:MI:SS')"
    return f"SELECT {', '.join(INVOICE_COLUMNS)} FROM transaction WHERE {where} ORDER BY id"


def invoice(row: dict[str, Any], today: date) -> Invoice:
    """A SuiteQL invoice row as the port's `Invoice` (open and past due counts as overdue).

    SuiteQL leaves a null column out of the row. The project is not read: the transaction
    header has no project column in SuiteQL (NetSuite keeps it on the lines).
    """
    due = _day(row.get("duedate"))
    status = INVOICE_STATUS_CODES.get(str(row.get("status", "")), "open")
    if status == "open" and due is not None and due < today:
        status = "overdue"
    return Invoice(
        id=str(row["id"]),
        number=str(row.get("tranid") or row["id"]),
        customer_id=str(row.get("entity") or ""),
        project_id=None,
        external_id=row.get("externalid"),
        issued_on=_day(row.get("trandate")) or today,
        due_on=due,
        total=Decimal(str(row.get("foreigntotal", "0"))),
        remaining=Decimal(str(row.get("foreignamountunpaid", "0"))),
        currency=str(row.get("currency") or ""),
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
