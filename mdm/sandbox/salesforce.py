"""A Salesforce-shaped CRM sandbox: REST sObjects at `/services/data/v61.0`, OAuth2 client
credentials, upsert by external id, SOQL with paging, a CDC-like change feed, and Salesforce's
own failure answers (`403 REQUEST_LIMIT_EXCEEDED`, errors as a JSON array, `Sforce-Limit-Info`).

Objects: Account (001), Opportunity (006), Contract (800) and `Invoice_Status__c`, the custom
object the hub upserts by `Hub_Invoice_Id__c`; Account carries the hub's receivables summary
(`Hub_Open_Receivables__c` …). `create_app(seed=True)` loads the demo CRM export.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response

from mdm.sandbox.core import ADMIN_PREFIX, Sandbox, create_sandbox_app
from mdm.sandbox.faults import FaultKind, FaultSpec
from mdm.sandbox.records import RecordStore
from mdm.sandbox.salesforce_query import QueryCursors
from mdm.sandbox.salesforce_query import router as query_router
from mdm.sandbox.salesforce_records import SfError
from mdm.sandbox.salesforce_routes import TOKEN_PATH, error_response
from mdm.sandbox.salesforce_routes import router as write_router
from mdm.sandbox.salesforce_schema import OBJECTS, mint_id

NAME = "salesforce"
DAILY_API_LIMIT = 15_000
_ERROR_CODES = {401: "INVALID_SESSION_ID", 500: "UNKNOWN_EXCEPTION", 503: "SERVER_UNAVAILABLE"}


@dataclass
class Minter:
    """Mints 18-character ids per key prefix; a seeded record keeps the id it was exported with."""

    _given: str | None = None

    def __call__(self, type_: str, serial: int) -> str:
        given, self._given = self._given, None
        return given or mint_id(OBJECTS[type_].prefix, serial)

    def keep(self, record_id: str) -> None:
        """Use this id for the next record created (call under the store's lock)."""
        self._given = record_id


@dataclass
class ApiUsage:
    """API calls counted against the org's daily allocation (reported in Sforce-Limit-Info)."""

    limit: int = DAILY_API_LIMIT
    used: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> str:
        """Count one call; the header value."""
        with self._lock:
            self.used += 1
            return f"api-usage={self.used}/{self.limit}"


def error_answer(status: int, message: str) -> Response:
    """Salesforce's error array for the core's own answers (401, 500, 503)."""
    return SfError(status, _ERROR_CODES.get(status, "UNKNOWN_EXCEPTION"), message).response()


def throttle_answer(spec: FaultSpec) -> Response:
    """Salesforce's throttle: 403 REQUEST_LIMIT_EXCEEDED, which carries no Retry-After.

    The `throttle` fault kind adds one anyway (as a gateway in front of the org may), so the
    adapter's handling of a server-given wait is tested too.
    """
    answer = SfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.").response()
    if spec.kind == FaultKind.THROTTLE:
        answer.headers["Retry-After"] = str(spec.retry_after_seconds)
    return answer


def build_sandbox(minter: Minter | None = None) -> Sandbox:
    """The sandbox state: its store (with the external-id fields counted), its answers."""
    external = {name: obj.external_ids[0] for name, obj in OBJECTS.items() if obj.external_ids}
    return Sandbox(
        NAME,
        RecordStore(minter or Minter(), external),
        throttle=throttle_answer,
        error=error_answer,
        open_paths=(TOKEN_PATH,),
    )


def create_app(*, seed: bool = True, page_size: int = 2000) -> FastAPI:
    """The Salesforce sandbox app; `page_size` is the query batch size (small in tests)."""
    minter = Minter()
    sandbox = build_sandbox(minter)
    if seed:
        seed_from(sandbox, minter, seeds_directory())
    app = create_sandbox_app(sandbox, [write_router, query_router], "Salesforce sandbox")
    app.state.query_cursors = QueryCursors(page_size)
    app.add_exception_handler(SfError, error_response)
    usage = ApiUsage()

    @app.middleware("http")
    async def limit_info(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith(ADMIN_PREFIX):
            response.headers["Sforce-Limit-Info"] = usage.count()
        return response

    return app


def seeds_directory() -> Path | None:
    """The demo CRM export (`seeds/data/crm`) next to the source tree or under the cwd."""
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        candidate = root / "seeds" / "data" / "crm"
        if candidate.is_dir():
            return candidate
    return None


def seed_from(sandbox: Sandbox, minter: Minter, directory: Path | None) -> None:
    """Load accounts, opportunities and contracts from the canonical CSV export, ids kept."""
    if directory is None:
        return
    store = sandbox.store
    with store.lock:
        for row in _rows(directory / "customers.csv"):
            _put(store, minter, "Account", row["source_id"], _account(row))
        for row in _rows(directory / "opportunities.csv"):
            _put(store, minter, "Opportunity", row["source_id"], _opportunity(row))
        for row in _rows(directory / "contracts.csv"):
            _put(store, minter, "Contract", row["source_id"], _contract(row))
            opportunity = row.get("opportunity_ref")
            if opportunity and store.get("Opportunity", opportunity):
                store.update("Opportunity", opportunity, {"ContractId": row["source_id"]})


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _put(store: RecordStore, minter: Minter, type_: str, record_id: str, fields: Any) -> None:
    minter.keep(record_id)
    store.create(type_, {k: v for k, v in fields.items() if v not in (None, "")})


def _number(text: str | None) -> float | None:
    return float(text) if text else None


def _account(row: dict[str, str]) -> dict[str, Any]:
    return {
        "Name": row["name"],
        "BillingStreet": row.get("street"),
        "BillingCity": row.get("city"),
        "BillingPostalCode": row.get("postal_code"),
        "BillingState": row.get("region"),
        "BillingCountry": row.get("country"),
        "Phone": row.get("phone"),
        "Email__c": row.get("email"),
        "Website": row.get("website"),
        "Tax_Id__c": row.get("tax_id"),
        "Legal_Name__c": row.get("legal_name"),
        "CurrencyIsoCode": row.get("currency"),
        "Legal_Entity__c": row.get("legal_entity"),
        "ParentId": row.get("parent_source_id"),
    }


def _opportunity(row: dict[str, str]) -> dict[str, Any]:
    stage = row["stage"]
    return {
        "AccountId": row.get("account_source_id"),
        "Name": row["name"],
        "StageName": stage,
        "IsClosed": stage in ("Closed Won", "Closed Lost"),
        "IsWon": stage == "Closed Won",
        "Probability": _number(row.get("probability")),
        "Amount": _number(row.get("amount")),
        "CurrencyIsoCode": row.get("currency"),
        "CloseDate": row.get("close_date"),
        "Type": row.get("type"),
        "Billing_Method__c": row.get("billing_method"),
        "Legal_Entity__c": row.get("legal_entity"),
        "Owner_Name__c": row.get("owner"),
    }


def _contract(row: dict[str, str]) -> dict[str, Any]:
    return {
        "AccountId": row.get("customer_source_id"),
        "ContractNumber": row.get("number"),
        "Name": row.get("name"),
        "Contract_Type__c": row.get("contract_type"),
        "Parent_Contract__c": row.get("parent_source_id"),
        "StartDate": row.get("start_date"),
        "EndDate": row.get("end_date"),
        "Contract_Value__c": _number(row.get("value")),
        "CurrencyIsoCode": row.get("currency"),
        "Opportunity__c": row.get("opportunity_ref"),
        "Billing_Terms__c": row.get("billing_terms"),
        "Rate_Card__c": row.get("rate_card"),
        "Legal_Entity__c": row.get("legal_entity"),
        "Status": "Activated",
    }
