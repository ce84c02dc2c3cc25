"""The CRM port over Salesforce's REST API (v61.0).

Reads are SOQL queries followed through `nextRecordsUrl`. Writes are idempotent by shape: an
invoice status is an upsert by the external id `Hub_Invoice_Id__c` (`PATCH …/{field}/{value}`:
201 created, 200 updated, 300 ambiguous), and a payment summary is a PATCH of the account's own
fields, so a retry after a lost answer finds what the first attempt stored. Every call names
the hub in `Sforce-Call-Options: client=mdmhub`, which Salesforce echoes as CDC's
`changeOrigin`, so the hub can skip its own changes when it reads the change feed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from mdm.connectors.config import SystemConnection
from mdm.connectors.errors import PermanentRemoteError, RemoteError
from mdm.connectors.http import VendorClient
from mdm.connectors.ports import Account, InvoiceStatus, Opportunity, PaymentSummary
from mdm.connectors.salesforce_errors import SYSTEM, classify, item_error

API = "/services/data/v61.0"
CLIENT_ID = "mdmhub"
COLLECTION_LIMIT = 200
IDS_PER_QUERY = 100
_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
OPPORTUNITY_FIELDS = (
    "Id",
    "AccountId",
    "Name",
    "Amount",
    "CurrencyIsoCode",
    "CloseDate",
    "StageName",
    "ContractId",
    "SystemModstamp",
    "Billing_Method__c",
    "Legal_Entity__c",
)
ACCOUNT_FIELDS = ("Id", "Name", "BillingCountry", "CurrencyIsoCode")
ACCOUNT_EXTRA = (
    "BillingStreet",
    "BillingCity",
    "BillingPostalCode",
    "BillingState",
    "Phone",
    "Website",
    "Tax_Id__c",
    "Legal_Entity__c",
    "ParentId",
    "Hub_Golden_Id__c",
)


@dataclass(frozen=True)
class UpsertResult:
    """One item of a collections upsert: its record, or the error that item met."""

    external_id: str
    id: str | None
    created: bool
    error: RemoteError | None = None


class SalesforceCrm:
    """`CrmPort` for Salesforce: opportunities and accounts in, invoice facts out."""

    system = SYSTEM

    def __init__(self, client: VendorClient) -> None:
        self._client = client
        # The org's daily API usage from the last answer's Sforce-Limit-Info (used, limit).
        self.api_usage: tuple[int, int] | None = None

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def closed_won_opportunities(self, since: datetime | None) -> list[Opportunity]:
        """Deals won (or changed after winning) since `since`, oldest change first."""
        where = "IsWon = true"
        if since is not None:
            where += f" AND SystemModstamp > {soql_datetime(since)}"
        soql = f"SELECT {', '.join(OPPORTUNITY_FIELDS)} FROM Opportunity WHERE {where}"
        rows = self._query(f"{soql} ORDER BY SystemModstamp")
        return [_opportunity(row) for row in rows]

    def accounts(self, ids: Sequence[str]) -> list[Account]:
        """The accounts with these ids, in the order asked (missing or malformed ids left out)."""
        wanted = list(dict.fromkeys(i for i in ids if _ID.match(i)))
        found: dict[str, Account] = {}
        for start in range(0, len(wanted), IDS_PER_QUERY):
            chunk = ", ".join(f"'{i}'" for i in wanted[start : start + IDS_PER_QUERY])
            fields = ", ".join((*ACCOUNT_FIELDS, *ACCOUNT_EXTRA))
            for row in self._query(f"SELECT {fields} FROM Account WHERE Id IN ({chunk})"):
                account = _account(row)
                found[account.id[:15]] = account  # the 15-character id is unique too
        ordered = [found[i[:15]] for i in wanted if i[:15] in found]
        return list({account.id: account for account in ordered}.values())

    def write_invoice_status(self, account_id: str, status: InvoiceStatus, *, key: str) -> None:
        """Upsert the invoice's status record by the invoice id (one record per invoice)."""
        invoice = quote(status.invoice_id, safe="")
        path = f"{API}/sobjects/Invoice_Status__c/Hub_Invoice_Id__c/{invoice}"
        self._call("PATCH", path, key=key, body=_invoice_fields(_checked(account_id), status))

    def write_invoice_statuses(
        self, items: Sequence[tuple[str, InvoiceStatus]], *, key: str
    ) -> list[UpsertResult]:
        """Upsert many invoice statuses (collections, 200 a call); one result per item, in order.

        A failed item does not fail the others (`allOrNone: false`): its result carries the
        error, transient (retry that item) or permanent.
        """
        results: list[UpsertResult] = []
        for start in range(0, len(items), COLLECTION_LIMIT):
            chunk = items[start : start + COLLECTION_LIMIT]
            records = [
                {
                    "attributes": {"type": "Invoice_Status__c"},
                    "Hub_Invoice_Id__c": status.invoice_id,
                    **_invoice_fields(_checked(account_id), status),
                }
                for account_id, status in chunk
            ]
            body = {"allOrNone": False, "records": records}
            path = f"{API}/composite/sobjects/Invoice_Status__c/Hub_Invoice_Id__c"
            answer = self._call("PATCH", path, key=f"{key}:{start // COLLECTION_LIMIT}", body=body)
            results += [
                _item(s.invoice_id, r) for (_a, s), r in zip(chunk, answer.json(), strict=True)
            ]
        return results

    def write_payment_summary(self, account_id: str, summary: PaymentSummary, *, key: str) -> None:
        """Replace the receivables summary fields on the account."""
        fields = {
            "Hub_Open_Receivables__c": float(summary.open_total),
            "Hub_Paid_Receivables__c": float(summary.paid_total),
            "Hub_Overdue_Receivables__c": float(summary.overdue_total),
            "Hub_Receivables_Currency__c": summary.currency,
            "Hub_Receivables_As_Of__c": soql_datetime(summary.as_of),
        }
        self._call("PATCH", f"{API}/sobjects/Account/{_checked(account_id)}", key=key, body=fields)

    def _query(self, soql: str) -> list[dict[str, Any]]:
        page = self._call("GET", f"{API}/query", params={"q": soql}).json()
        rows: list[dict[str, Any]] = list(page["records"])
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            page = self._call("GET", page["nextRecordsUrl"]).json()
            rows += page["records"]
        return rows

    def _call(
        self,
        method: str,
        path: str,
        *,
        key: str | None = None,
        body: Any = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        response = self._client.request(
            method,
            path,
            json=body,
            params=params,
            idempotency_key=key,
            headers={"Sforce-Call-Options": f"client={CLIENT_ID}"},
        )
        self.api_usage = parse_limit_info(response.headers.get("sforce-limit-info"))
        return response


def build(
    connection: SystemConnection, base_url: str, *, transport: httpx.BaseTransport | None = None
) -> SalesforceCrm:
    """A Salesforce CRM adapter for this connection (base URL: the org's instance URL)."""
    return SalesforceCrm(
        VendorClient(SYSTEM, connection, base_url, classify=classify, transport=transport)
    )


def soql_datetime(value: datetime) -> str:
    """A datetime as a SOQL literal (UTC, milliseconds): `2024-05-01T12:00:00.000Z`."""
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_limit_info(value: str | None) -> tuple[int, int] | None:
    """`api-usage=N/M` from Sforce-Limit-Info, or None."""
    match = re.search(r"api-usage=(\d+)/(\d+)", value or "")
    return (int(match[1]), int(match[2])) if match else None


def _checked(record_id: str) -> str:
    if not _ID.match(record_id):
        raise PermanentRemoteError(f"not a Salesforce id: {record_id!r}", system=SYSTEM)
    return record_id


def _invoice_fields(account_id: str, status: InvoiceStatus) -> dict[str, Any]:
    return {
        "Name": status.number,
        "Account__c": account_id,
        "Status__c": status.status,
        "Total__c": float(status.total),
        "Remaining__c": float(status.remaining),
        "CurrencyIsoCode": status.currency,
        "Due_Date__c": status.due_date.isoformat() if status.due_date else None,
    }


def _item(external_id: str, result: dict[str, Any]) -> UpsertResult:
    if result.get("success"):
        return UpsertResult(external_id, result["id"], bool(result.get("created")))
    return UpsertResult(external_id, None, False, item_error(result.get("errors") or []))


def _opportunity(row: dict[str, Any]) -> Opportunity:
    amount = row.get("Amount")
    close = row.get("CloseDate")
    return Opportunity(
        id=row["Id"],
        account_id=row.get("AccountId") or "",
        name=row.get("Name") or "",
        amount=Decimal(str(amount)) if amount is not None else None,
        currency=row.get("CurrencyIsoCode"),
        close_date=date.fromisoformat(close) if close else None,
        stage=row.get("StageName") or "",
        modified_at=datetime.strptime(row["SystemModstamp"], "%Y-%m-%dT%H:%M:%S.%f%z"),
        contract_id=row.get("ContractId"),
        billing_method=row.get("Billing_Method__c") or None,
        legal_entity=row.get("Legal_Entity__c") or None,
    )


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["Id"],
        name=row.get("Name") or "",
        country=row.get("BillingCountry"),
        currency=row.get("CurrencyIsoCode"),
        fields={k: None if row.get(k) is None else str(row[k]) for k in ACCOUNT_EXTRA},
    )
