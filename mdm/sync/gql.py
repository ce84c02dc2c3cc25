"""GraphQL `trace`: one deal end to end, the same shape as `GET /api/v1/trace/{id}`.

Built from the REST shape (`TraceOut`), so masking and formatting are decided once.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from mdm.api.gql_context import CanRead, gql_field
from mdm.golden.gql_base import Info
from mdm.sync.schemas import BillingOut, TraceOut
from mdm.sync.trace import trace


@strawberry.type(name="TraceOpportunity", description="The closed-won opportunity.")
class Opportunity:
    id: str
    account_id: str
    name: str
    state: str
    billing_method: str | None
    currency: str | None
    legal_entity: str | None
    amount: str | None = strawberry.field(description="Decimal text; null when masked")
    won_at: datetime | None
    activated_at: datetime | None


@strawberry.type(name="TraceCustomer", description="The golden customer, as it is now.")
class Customer:
    golden_id: str
    name: str | None
    redirected_from: str | None = strawberry.field(description="The merged-away id recorded")


@strawberry.type(name="TraceProject", description="The PSA project and the ERP's ids.")
class Project:
    psa_project_id: str | None
    psa_customer_id: str | None
    erp_customer_id: str | None
    erp_project_id: str | None
    golden_contract_id: str | None


@strawberry.type(name="TraceInvoice", description="The ERP invoice a transaction became.")
class Invoice:
    id: str
    number: str | None


@strawberry.type(name="TracePayment", description="What has been paid of the invoice.")
class Payment:
    paid_amount: str | None = strawberry.field(description="Decimal text; null when masked")
    paid_at: datetime | None


@strawberry.type(name="TraceBilling", description="A billing transaction, invoice and payment.")
class Billing:
    id: str
    kind: str
    period: str
    amount: str | None = strawberry.field(description="Decimal text; null when masked")
    currency: str
    tax_code: str | None
    subsidiary: str | None
    state: str
    created_at: datetime
    posted_at: datetime | None
    invoice: Invoice | None
    payment: Payment | None

    @classmethod
    def of(cls, out: BillingOut) -> Billing:
        """From the REST shape."""
        values = out.model_dump(exclude={"invoice", "payment"})
        invoice = Invoice(**out.invoice.model_dump()) if out.invoice else None
        payment = Payment(**out.payment.model_dump()) if out.payment else None
        return cls(**values, invoice=invoice, payment=payment)


@strawberry.type(name="TraceJob", description="A job that carried the correlation id.")
class Job:
    id: int
    task: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


@strawberry.type(name="TraceException", description="An open exception of the deal.")
class OpenException:
    id: int
    flow: str
    subject: str
    reason: str
    detail: str
    correlation_id: str | None
    created_at: datetime


@strawberry.type(description="One deal end to end: opportunity to payment, with its jobs.")
class Trace:
    correlation_id: str
    opportunity: Opportunity | None
    customer: Customer | None
    project: Project | None
    billing_transactions: list[Billing]
    jobs: list[Job] = strawberry.field(description="In the order they were made")
    exceptions: list[OpenException]
    masked: list[str] = strawberry.field(description="Fields hidden (amounts need finance)")

    @classmethod
    def of(cls, out: TraceOut) -> Trace:
        """From the REST shape."""
        return cls(
            correlation_id=out.correlation_id,
            opportunity=Opportunity(**out.opportunity.model_dump()) if out.opportunity else None,
            customer=Customer(**out.customer.model_dump()) if out.customer else None,
            project=Project(**out.project.model_dump()) if out.project else None,
            billing_transactions=[Billing.of(b) for b in out.billing_transactions],
            jobs=[Job(**j.model_dump()) for j in out.jobs],
            exceptions=[OpenException(**e.model_dump()) for e in out.exceptions],
            masked=out.masked,
        )


@strawberry.type
class SyncQuery:
    @gql_field(
        permission_classes=[CanRead],
        description=(
            "A deal end to end, by correlation, opportunity or transaction id "
            "(null, with a `not_found` error, when nothing carries the id)"
        ),
    )
    def trace(self, info: Info, correlation_id: str) -> Trace | None:
        context = info.context
        return Trace.of(TraceOut.of(trace(context.session, correlation_id), context.principal))
