"""The ERP port over NetSuite's REST record API (`/services/rest/record/v1`).

Every write is keyed by an external id the hub chose (a golden id, a project key, a billing
transaction's deterministic id), so a retry after a lost answer finds what the first attempt
stored:

- Customers and jobs: `PUT /record/v1/{type}/eid:{externalId}`, NetSuite's upsert. It creates
  or updates, so sending it twice leaves one record. (NetSuite answers 204 either way, so
  `RemoteRef.created` is always False here: the upsert does not say which it did.)
- Billing: NetSuite has no upsert for "invoice this", only a transform of a sales order, which
  creates a new invoice every time it is called. `post_billing` relies on two refusals of
  NetSuite's own, which hold whoever calls and however often: it keeps external ids unique per
  record type (a second invoice with the transaction's external id is refused, `DUP_RCRD`), and
  it refuses to bill a billed order (`INVALID_INITIALIZE_REF`). So at most one invoice per
  transaction exists, and a posting takes two calls:
    1. `PUT salesOrder/eid:{externalId}`: upsert the order (a repeat updates the same order).
    2. `POST salesOrder/{id}/!transform/invoice` with `externalId` set on the new invoice.
  When step 2 is refused because an earlier attempt billed (its answer lost, or a twin racing
  past the job queue's lock), `GET invoice/eid:{externalId}` reads that invoice, the answer.
  A lookup first would cost every posting a third call to spare only repeats. Instead the
  adapter remembers the external ids it has sent a billing for (an LRU: a hint, never the
  guarantee) and looks those up first, so a retry after a lost answer, or a second posting of
  a billed transaction, is one call that changes nothing, and a first posting is two. A repeat
  it does not remember (another worker, a restart) upserts the order again and meets the
  refusal: three calls, still one invoice.
  A timeout in step 1 or 2 leaves at most one order and one invoice.

Reads: invoices come from SuiteQL (`POST /query/v1/suiteql` with `Prefer: transient`), a page
of up to `page_size` rows (NetSuite's maximum, 1000) per call, changed ones selected by
`lastmodifieddate`; a record listing would cost a call per invoice, and a reader that needs a
thousand calls in a row never finishes on a faulty line. Payments still come from the record
API (a listing of ids, then each payment with its `apply` lines).

Adapters never retry: a failure is raised as a transient or permanent `RemoteError` and the job
queue decides. Requests in flight are bounded by the client's semaphore (`max_concurrency`),
which must not exceed the account's governance limit (`GET /system/v1/governanceLimits`), since
NetSuite answers 429 to requests beyond it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import httpx

from mdm.connectors import netsuite_mapping as mapping
from mdm.connectors.config import SystemConnection
from mdm.connectors.errors import PermanentRemoteError, RemoteError
from mdm.connectors.http import VendorClient, generic_error
from mdm.connectors.ports import (
    BillingTransaction,
    CustomerSpec,
    Invoice,
    Payment,
    ProjectSpec,
    RemoteRef,
)

SYSTEM = "netsuite"
RECORDS = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"
GOVERNANCE = "/services/rest/system/v1/governanceLimits"
MAX_PAGE = 1000  # NetSuite's largest page, for record listings and SuiteQL alike
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# A billing attempt that lost a race to a twin: the twin's invoice is the answer.
LOST_RACE_CODES = ("DUP_RCRD", "INVALID_INITIALIZE_REF")


def classify(response: httpx.Response) -> RemoteError:
    """The generic reading of the status, with NetSuite's `o:errorCode` as the vendor code."""
    error = generic_error(SYSTEM, response)
    try:
        details = response.json().get("o:errorDetails") or [{}]
        error.vendor_code = details[0].get("o:errorCode")
    except (ValueError, AttributeError, IndexError):
        pass  # not NetSuite's envelope (a proxy's page): the status alone decides
    return error


class NetSuiteErp:
    """`ErpPort` for NetSuite."""

    system = SYSTEM

    def __init__(self, client: VendorClient, *, page_size: int = MAX_PAGE) -> None:
        self._client = client
        self._page_size = page_size
        # A hint for repeats (a worker's retries run on its own adapter), never the guarantee.
        self._sent = _Recent(capacity=100_000)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def ensure_customer(self, customer: CustomerSpec, *, key: str) -> RemoteRef:
        """Upsert the customer by its golden id."""
        body = mapping.customer_body(customer)
        return self._upsert("customer", customer.external_id, body, key)

    def ensure_project(self, project: ProjectSpec, *, key: str) -> RemoteRef:
        """Upsert the job by the project's key, under its customer (`parent`)."""
        return self._upsert("job", project.external_id, mapping.job_body(project), key)

    def post_billing(self, transaction: BillingTransaction, *, key: str) -> RemoteRef:
        """Bill the transaction once: an invoice transformed from its sales order."""
        external_id = _checked(transaction.external_id)
        if self._sent.seen(external_id):
            # An earlier attempt in this process may have billed: look before touching anything.
            invoice_id = self._find("invoice", external_id, key)
            if invoice_id is not None:
                return RemoteRef(SYSTEM, invoice_id, external_id)
        self._sent.add(external_id)  # before sending: a lost answer is remembered too
        order = self._upsert("salesOrder", external_id, mapping.sales_order_body(transaction), key)
        path = f"{RECORDS}/salesOrder/{order.id}/!transform/invoice"
        body = {"externalId": external_id, "tranDate": transaction.transaction_date.isoformat()}
        try:
            response = self._client.request("POST", path, json=body, idempotency_key=key)
        except PermanentRemoteError as error:
            twin = self._find("invoice", external_id, key) if _lost_race(error) else None
            if twin is None:
                raise
            return RemoteRef(SYSTEM, twin, external_id)
        return RemoteRef(SYSTEM, _location_id(response), external_id, created=True)

    def invoices(self, since: datetime | None) -> list[Invoice]:
        """Invoices created or changed since `since` (inclusive: a reader dedupes by id)."""
        today = datetime.now(UTC).date()
        return [mapping.invoice(row, today) for row in self._query(mapping.invoice_query(since))]

    def payments(self, since: datetime | None) -> list[Payment]:
        """Payments created or changed since `since`, one per invoice applied to."""
        records = self._changed("customerPayment", since)
        return [payment for record in records for payment in mapping.payments(record)]

    def governance_limit(self) -> int:
        """The account's concurrent-request limit, as NetSuite reports it."""
        limits = self._client.request("GET", GOVERNANCE).json()
        return int(limits["accountConcurrencyLimit"])

    def _upsert(self, type_: str, external_id: str, body: dict[str, Any], key: str) -> RemoteRef:
        path = f"{RECORDS}/{type_}/eid:{_checked(external_id)}"
        response = self._client.request("PUT", path, json=body, idempotency_key=key)
        return RemoteRef(SYSTEM, _location_id(response), external_id)

    def _find(self, type_: str, external_id: str, key: str) -> str | None:
        try:
            response = self._client.request(
                "GET", f"{RECORDS}/{type_}/eid:{external_id}", idempotency_key=key
            )
        except PermanentRemoteError as error:
            if error.status == 404:
                return None
            raise
        return str(response.json()["id"])

    def _changed(self, type_: str, since: datetime | None) -> list[dict[str, Any]]:
        query = None
        if since is not None:
            moment = since if since.tzinfo else since.replace(tzinfo=UTC)
            query = f'lastModifiedDate ON_OR_AFTER "{moment.astimezone(UTC).isoformat()}"'
        return [self._get(type_, record_id) for record_id in self._ids(type_, query)]

    def _ids(self, type_: str, query: str | None) -> list[str]:
        ids: list[str] = []
        while True:
            params: dict[str, Any] = {"limit": self._page_size, "offset": len(ids)}
            if query:
                params["q"] = query
            page = self._client.request("GET", f"{RECORDS}/{type_}", params=params).json()
            ids.extend(str(item["id"]) for item in page["items"])
            if not page["hasMore"] or not page["items"]:
                return ids

    def _query(self, q: str) -> list[dict[str, Any]]:
        """Every row of a SuiteQL query, a page at a time (a failed page fails the read)."""
        rows: list[dict[str, Any]] = []
        while True:
            page = self._client.request(
                "POST",
                SUITEQL,
                json={"q": q},
                params={"limit": self._page_size, "offset": len(rows)},
                headers={"Prefer": "transient"},
            ).json()
            rows.extend(page["items"])
            if not page["hasMore"] or not page["items"]:
                return rows

    def _get(self, type_: str, record_id: str) -> dict[str, Any]:
        record: dict[str, Any] = self._client.request(
            "GET", f"{RECORDS}/{type_}/{record_id}"
        ).json()
        return record


class _Recent:
    """External ids recently sent for billing, the oldest forgotten past `capacity`."""

    def __init__(self, capacity: int) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def seen(self, external_id: str) -> bool:
        """Whether a billing for this external id was sent (and not yet forgotten)."""
        with self._lock:
            return external_id in self._ids

    def add(self, external_id: str) -> None:
        """Remember a billing sent for this external id."""
        with self._lock:
            self._ids[external_id] = None
            self._ids.move_to_end(external_id)
            while len(self._ids) > self._capacity:
                self._ids.popitem(last=False)


def _checked(external_id: str) -> str:
    if not EXTERNAL_ID.match(external_id):
        # NetSuite cannot address it in a URL (`eid:` takes letters, digits, `_`, `-` only).
        raise PermanentRemoteError(f"external id {external_id!r} is not addressable", system=SYSTEM)
    return external_id


def _lost_race(error: PermanentRemoteError) -> bool:
    return error.vendor_code in LOST_RACE_CODES


def _location_id(response: httpx.Response) -> str:
    location = str(response.headers.get("location", ""))
    record_id = location.rstrip("/").rsplit("/", 1)[-1]
    if not record_id:
        raise PermanentRemoteError("no Location in NetSuite's answer", system=SYSTEM)
    return record_id


def build(
    connection: SystemConnection,
    base_url: str,
    *,
    transport: httpx.BaseTransport | None = None,
    page_size: int = MAX_PAGE,
) -> NetSuiteErp:
    """The NetSuite adapter for a connection (a sandbox's base URL when none is configured);
    `page_size` is the rows or ids per read call (NetSuite's maximum unless a test pages)."""
    client = VendorClient(SYSTEM, connection, base_url, classify=classify, transport=transport)
    return NetSuiteErp(client, page_size=page_size)
