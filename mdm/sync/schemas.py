"""API shapes of the trace (the tables never leak into the contract; amounts are decimal text
with their currency's decimals: `"123400"` in JPY, `"12.50"` in USD).

Amounts are shown to callers with `finance` only, by the one masking rule table
(`mdm.auth.masking`): a hidden amount is null and named in `masked`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mdm.api.openapi import UtcDateTime
from mdm.auth.masking import is_visible_in_flow
from mdm.auth.principal import Principal
from mdm.sync.currencies import amount_text
from mdm.sync.models import BillingTransaction, SyncDeal, SyncException
from mdm.sync.trace import Trace, TraceCustomer, TraceJob

_WHEN = "2026-11-26T08:00:00Z"
CORRELATION = "01JD3X6Q2M4T7V9B8N5C1K0HZA"


def decimal_text(cents: int | None, currency: str | None) -> str | None:
    """Stored hundredths as a decimal string with the currency's decimals (`123456` EUR →
    `"1234.56"`, `123400` JPY → `"1234"`)."""
    return None if cents is None else amount_text(cents, currency)


class Shown:
    """Formats amounts for one caller and remembers which it had to hide."""

    def __init__(self, principal: Principal | None) -> None:
        self.principal = principal
        self.masked: set[str] = set()

    def amount(self, name: str, cents: int | None, currency: str | None) -> str | None:
        """`cents` as decimal text in `currency`, or None (and `name` noted) when the caller may
        not see it."""
        if self.principal is not None and not is_visible_in_flow(name, self.principal):
            self.masked.add(name)
            return None
        return decimal_text(cents, currency)


class OpportunityOut(BaseModel):
    """The closed-won opportunity and how far quote-to-project took it."""

    id: str = Field(description="The CRM's opportunity id")
    account_id: str = Field(description="The CRM's account id")
    name: str
    state: str = Field(description="received, exception, erp_customer, project or linked")
    billing_method: str | None
    currency: str | None
    legal_entity: str | None
    amount: str | None = Field(description="Decimal text; null when masked")
    won_at: UtcDateTime | None
    activated_at: UtcDateTime | None

    @classmethod
    def of(cls, deal: SyncDeal, shown: Shown) -> OpportunityOut:
        """From the deal row."""
        return cls(
            id=deal.opportunity_id,
            account_id=deal.account_id,
            name=deal.name,
            state=deal.state,
            billing_method=deal.billing_method,
            currency=deal.currency,
            legal_entity=deal.legal_entity,
            amount=shown.amount("amount", deal.amount_cents, deal.currency),
            won_at=deal.won_at,
            activated_at=deal.activated_at,
        )


class CustomerOut(BaseModel):
    """The golden customer the account resolved to, as it is now."""

    golden_id: str
    name: str | None
    redirected_from: str | None = Field(description="The merged-away id the deal recorded")

    @classmethod
    def of(cls, customer: TraceCustomer) -> CustomerOut:
        """From the trace."""
        return cls(**vars(customer))


class ProjectOut(BaseModel):
    """The project shell in the PSA, and the ids the ERP keeps for the customer and project."""

    psa_project_id: str | None
    psa_customer_id: str | None
    erp_customer_id: str | None
    erp_project_id: str | None
    golden_contract_id: str | None

    @classmethod
    def of(cls, deal: SyncDeal) -> ProjectOut:
        """From the deal row."""
        return cls.model_validate(deal, from_attributes=True)


class InvoiceOut(BaseModel):
    """The ERP invoice a transaction became."""

    id: str
    number: str | None


class PaymentOut(BaseModel):
    """What has been paid of the invoice."""

    paid_amount: str | None = Field(description="Decimal text; null when masked")
    paid_at: UtcDateTime | None


class BillingOut(BaseModel):
    """A billing transaction, its invoice and its payment."""

    id: str
    kind: str = Field(description="time_and_expenses or milestone")
    period: str = Field(description="The month (2025-03) or the milestone id")
    amount: str | None = Field(description="Decimal text; null when masked")
    currency: str
    tax_code: str | None
    subsidiary: str | None
    state: str = Field(description="pending, posted or paid")
    created_at: UtcDateTime
    posted_at: UtcDateTime | None
    invoice: InvoiceOut | None
    payment: PaymentOut | None

    @classmethod
    def of(cls, row: BillingTransaction, shown: Shown) -> BillingOut:
        """From the transaction row."""
        invoice = (
            InvoiceOut(id=row.erp_invoice_id, number=row.erp_invoice_number)
            if row.erp_invoice_id
            else None
        )
        paid = row.paid_cents or row.paid_at is not None
        payment = (
            PaymentOut(
                paid_amount=shown.amount("paid_amount", row.paid_cents, row.currency),
                paid_at=row.paid_at,
            )
            if paid
            else None
        )
        values: dict[str, Any] = row.model_dump(include=set(cls.model_fields) - {"amount"})
        return cls(
            **values,
            amount=shown.amount("amount", row.amount_cents, row.currency),
            invoice=invoice,
            payment=payment,
        )


class TraceJobOut(BaseModel):
    """A job that carried the correlation id."""

    id: int
    task: str
    status: str = Field(description="todo, doing, succeeded or dead")
    attempts: int
    last_error: str | None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None

    @classmethod
    def of(cls, job: TraceJob) -> TraceJobOut:
        """From the trace."""
        return cls(**vars(job))


class ExceptionOut(BaseModel):
    """An open exception: what a person must fix before the flow goes on."""

    id: int
    flow: str
    subject: str = Field(description="The opportunity or transaction id")
    reason: str = Field(description="A stable code, e.g. missing_billing_method")
    detail: str
    correlation_id: str | None
    created_at: UtcDateTime

    @classmethod
    def of(cls, row: SyncException) -> ExceptionOut:
        """From the exception row."""
        return cls.model_validate(row, from_attributes=True)


_TRACE_EXAMPLE: dict[str, Any] = {
    "correlation_id": CORRELATION,
    "opportunity": {
        "id": "006Qy000001AbCdE",
        "account_id": "001Qy000002XyZ",
        "name": "Acme rollout",
        "state": "linked",
        "billing_method": "time_and_materials",
        "currency": "EUR",
        "legal_entity": "DE01",
        "amount": "120000.00",
        "won_at": _WHEN,
        "activated_at": "2026-11-26T08:00:05Z",
    },
    "customer": {
        "golden_id": "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA",
        "name": "Acme GmbH",
        "redirected_from": None,
    },
    "project": {
        "psa_project_id": "1203",
        "psa_customer_id": "877",
        "erp_customer_id": "4711",
        "erp_project_id": "4712",
        "golden_contract_id": None,
    },
    "billing_transactions": [
        {
            "id": "bt_17_tm_2026_10",
            "kind": "time_and_expenses",
            "period": "2026-10",
            "amount": "18450.00",
            "currency": "EUR",
            "tax_code": "DE_VAT_19",
            "subsidiary": "2",
            "state": "paid",
            "created_at": "2026-11-01T00:05:00Z",
            "posted_at": "2026-11-01T00:05:02Z",
            "invoice": {"id": "9001", "number": "INV-2026-0042"},
            "payment": {"paid_amount": "18450.00", "paid_at": _WHEN},
        }
    ],
    "jobs": [
        {
            "id": 42,
            "task": "q2p.psa_project",
            "status": "succeeded",
            "attempts": 2,
            "last_error": "TransientRemoteError: kantata: HTTP 503",
            "created_at": _WHEN,
            "finished_at": "2026-11-26T08:00:04Z",
        }
    ],
    "exceptions": [],
    "masked": [],
}


class TraceOut(BaseModel):
    """One deal end to end, with the jobs that carried its correlation id and open exceptions."""

    model_config = ConfigDict(json_schema_extra={"examples": [_TRACE_EXAMPLE]})

    correlation_id: str
    opportunity: OpportunityOut | None
    customer: CustomerOut | None
    project: ProjectOut | None
    billing_transactions: list[BillingOut]
    jobs: list[TraceJobOut] = Field(description="In the order they were made")
    exceptions: list[ExceptionOut] = Field(description="Open exceptions of the deal")
    masked: list[str] = Field(description="Fields hidden from this caller (amounts need finance)")

    @classmethod
    def of(cls, trace: Trace, principal: Principal | None) -> TraceOut:
        """From the trace, masked for `principal` (None: an operator at the console sees all)."""
        shown = Shown(principal)
        deal = trace.deal
        return cls(
            correlation_id=trace.correlation_id,
            opportunity=OpportunityOut.of(deal, shown) if deal else None,
            customer=CustomerOut.of(trace.customer) if trace.customer else None,
            project=ProjectOut.of(deal) if deal and _has_remote_ids(deal) else None,
            billing_transactions=[BillingOut.of(b, shown) for b in trace.billing],
            jobs=[TraceJobOut.of(j) for j in trace.jobs],
            exceptions=[ExceptionOut.of(e) for e in trace.exceptions],
            masked=sorted(shown.masked),
        )


def _has_remote_ids(deal: SyncDeal) -> bool:
    return any((deal.psa_project_id, deal.psa_customer_id, deal.erp_customer_id))
