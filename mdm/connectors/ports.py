"""The ports: what flows ask of a CRM, a PSA and an ERP, in the hub's words, never a vendor's.

Every write takes `key`, the job's idempotency key, and every record the hub creates remotely
carries an external id the hub chose (a golden id, or a key derived from the source record), so
a retried write finds what an earlier attempt stored instead of creating it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class RemoteRef:
    """A record in another system: its own id, the external id we gave it, whether it is new."""

    system: str
    id: str
    external_id: str | None = None
    created: bool = False


# --- CRM -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A CRM account (customer) as the CRM holds it."""

    id: str
    name: str
    country: str | None = None
    currency: str | None = None
    fields: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Opportunity:
    """A won deal: the start of quote-to-project."""

    id: str
    account_id: str
    name: str
    amount: Decimal | None
    currency: str | None
    close_date: date | None
    stage: str
    modified_at: datetime
    contract_id: str | None = None
    billing_method: str | None = None  # time_and_materials, fixed_fee, milestone, retainer
    legal_entity: str | None = None  # the firm's billing subsidiary that sold it


@dataclass(frozen=True)
class InvoiceStatus:
    """What the CRM shows sales about one invoice."""

    invoice_id: str
    number: str
    status: str  # open, paid, overdue, cancelled
    total: Decimal
    remaining: Decimal
    currency: str
    due_date: date | None


@dataclass(frozen=True)
class PaymentSummary:
    """An account's receivables at a glance."""

    open_total: Decimal
    paid_total: Decimal
    overdue_total: Decimal
    currency: str
    as_of: datetime


class CrmPort(Protocol):
    """Pipeline and accounts (Salesforce, HubSpot)."""

    system: str

    def close(self) -> None:
        """Release the connection pool."""
        ...

    def closed_won_opportunities(self, since: datetime | None) -> list[Opportunity]:
        """Deals won (or changed after winning) since `since`, oldest change first."""
        ...

    def accounts(self, ids: Sequence[str]) -> list[Account]:
        """The accounts with these CRM ids (missing ones are left out)."""
        ...

    def write_invoice_status(self, account_id: str, status: InvoiceStatus, *, key: str) -> None:
        """Record an invoice's status on the account (upsert by invoice)."""
        ...

    def write_payment_summary(self, account_id: str, summary: PaymentSummary, *, key: str) -> None:
        """Replace the account's receivables summary."""
        ...


# --- PSA -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerSpec:
    """A customer to ensure in a PSA or ERP; `external_id` is its golden id."""

    external_id: str
    name: str
    country: str | None = None
    currency: str | None = None
    legal_entity: str | None = None
    tax_id: str | None = None


@dataclass(frozen=True)
class ProjectSpec:
    """A project to create or update; `external_id` is chosen by the hub (stable per deal)."""

    external_id: str
    name: str
    customer_ref: str  # the target system's id of the customer
    start: date | None = None
    end: date | None = None
    budget: Decimal | None = None
    currency: str | None = None
    billing_method: str | None = None  # time_and_materials, fixed_fee, milestone, retainer
    code: str | None = None
    opportunity_ref: str | None = None


@dataclass(frozen=True)
class TimeEntry:
    """Approved, billable-or-not time on a project."""

    id: str
    project_id: str
    performed_on: date
    minutes: int
    person: str | None
    billable: bool
    rate: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class Expense:
    """An approved expense on a project."""

    id: str
    project_id: str
    incurred_on: date
    amount: Decimal
    currency: str | None
    billable: bool
    category: str | None


@dataclass(frozen=True)
class Milestone:
    """A completed (billable) milestone on a project."""

    id: str
    project_id: str
    name: str
    amount: Decimal | None
    currency: str | None
    completed_on: date | None


class PsaPort(Protocol):
    """Projects, staffing, time (Kantata, Certinia)."""

    system: str

    def close(self) -> None:
        """Release the connection pool."""
        ...

    def ensure_customer(self, customer: CustomerSpec, *, key: str) -> RemoteRef:
        """Find the customer by its external id, or create it."""
        ...

    def upsert_project(self, project: ProjectSpec, *, key: str) -> RemoteRef:
        """Create the project, or update the one with its external id."""
        ...

    def approved_time_entries(self, project_id: str, since: date | None) -> list[TimeEntry]:
        """Approved time on the project, performed on or after `since`."""
        ...

    def approved_expenses(self, project_id: str, since: date | None) -> list[Expense]:
        """Approved expenses on the project, incurred on or after `since`."""
        ...

    def completed_milestones(self, project_id: str, since: date | None) -> list[Milestone]:
        """Milestones completed on or after `since`."""
        ...


# --- ERP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingLine:
    """One line of a billing transaction, naming the PSA record it bills."""

    description: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    source_ref: str


@dataclass(frozen=True)
class BillingTransaction:
    """Something to bill: posted once, whatever the retries (`external_id` is deterministic)."""

    external_id: str
    customer_ref: str
    project_ref: str
    transaction_date: date
    currency: str
    lines: tuple[BillingLine, ...]
    memo: str | None = None


@dataclass(frozen=True)
class Invoice:
    """An invoice as the ERP holds it."""

    id: str
    number: str
    customer_id: str
    project_id: str | None
    external_id: str | None
    issued_on: date
    due_on: date | None
    total: Decimal
    remaining: Decimal
    currency: str
    status: str


@dataclass(frozen=True)
class Payment:
    """Cash received against an invoice."""

    id: str
    invoice_id: str
    amount: Decimal
    currency: str
    received_on: date


class ErpPort(Protocol):
    """Billing, ledger, receivables (NetSuite, Dynamics 365)."""

    system: str

    def close(self) -> None:
        """Release the connection pool."""
        ...

    def ensure_customer(self, customer: CustomerSpec, *, key: str) -> RemoteRef:
        """Upsert the customer by its external id."""
        ...

    def ensure_project(self, project: ProjectSpec, *, key: str) -> RemoteRef:
        """Upsert the project (job) by its external id, under its customer."""
        ...

    def post_billing(self, transaction: BillingTransaction, *, key: str) -> RemoteRef:
        """Post the transaction once (upsert by its external id)."""
        ...

    def invoices(self, since: datetime | None) -> list[Invoice]:
        """Invoices created or changed since `since`."""
        ...

    def payments(self, since: datetime | None) -> list[Payment]:
        """Payments received since `since`."""
        ...
