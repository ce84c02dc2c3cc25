"""The flows' tables: one row per won deal, per billing transaction, per exception, per cursor.

Amounts are integer minor units (cents): exact on SQLite and PostgreSQL alike, and summable in
SQL for reconciliation.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, String, Text, text
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow

_CRM_DUE = text("revision > crm_revision")


def _when(nullable: bool = False) -> Any:
    return Field(
        default_factory=None if nullable else utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=nullable),
    )


def _text(length: int, *, nullable: bool = True, **kwargs: Any) -> Any:
    return Field(default=None, sa_column=Column(String(length), nullable=nullable, **kwargs))


class DealState(StrEnum):
    """How far quote-to-project has taken a won deal."""

    RECEIVED = "received"
    EXCEPTION = "exception"  # terms missing or contradictory: waits in the exception queue
    VALIDATED = "validated"  # resolved to a golden customer, terms complete
    ERP_CUSTOMER = "erp_customer"  # the ERP has the golden customer
    PROJECT = "project"  # the PSA project shell exists
    LINKED = "linked"  # project cross-referenced to the deal and the golden contract


class SyncDeal(SQLModel, table=True):
    """A closed-won opportunity and everything quote-to-project made of it."""

    __tablename__ = "sync_deal"

    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    account_id: str = Field(sa_column=Column(String(64), nullable=False))
    name: str = Field(sa_column=Column(String(255), nullable=False))
    state: str = Field(default=DealState.RECEIVED, sa_column=Column(String(16), nullable=False))
    golden_customer_id: str | None = _text(40, index=True)
    golden_contract_id: str | None = _text(40)
    billing_method: str | None = _text(32)
    currency: str | None = _text(3)
    legal_entity: str | None = _text(32)
    amount_cents: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    erp_customer_id: str | None = _text(64)
    psa_customer_id: str | None = _text(64)
    psa_project_id: str | None = _text(64, index=True)
    erp_project_id: str | None = _text(64)
    rate_card: str | None = _text(128)  # what prices its time (`rate_cards.py`), when it has one
    correlation_id: str | None = _text(128, index=True)
    won_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    activated_at: datetime | None = _when(nullable=True)  # the PSA project is linked


class BillingState(StrEnum):
    """Where a billing transaction is between the PSA and the cash."""

    PENDING = "pending"
    POSTED = "posted"  # the ERP holds its invoice
    PAID = "paid"


class BillingTransaction(SQLModel, table=True):
    """What the hub bills: approved time and expenses of a period, or one completed milestone.

    `id` is deterministic (deal, kind, period or milestone), and is the ERP external id, so a
    transaction is posted once whatever the retries.
    """

    __tablename__ = "billing_transaction"
    __table_args__ = (
        Index("ix_billing_transaction_deal_id", "deal_id"),
        # Transactions with a change the CRM has not been told of (the write-backs' repair).
        Index(
            "ix_billing_transaction_crm_due",
            "deal_id",
            postgresql_where=_CRM_DUE,
            sqlite_where=_CRM_DUE,
        ),
    )

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    deal_id: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(32), nullable=False))  # time_and_expenses, milestone
    period: str = Field(sa_column=Column(String(32), nullable=False))  # 2025-03, or milestone id
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    tax_code: str | None = _text(32)
    subsidiary: str | None = _text(32)
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    lines: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    state: str = Field(default=BillingState.PENDING, sa_column=Column(String(16), nullable=False))
    erp_invoice_id: str | None = _text(64)
    erp_invoice_number: str | None = _text(64)
    paid_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    correlation_id: str | None = _text(128, index=True)
    created_at: datetime = _when()
    posted_at: datetime | None = _when(nullable=True)
    paid_at: datetime | None = _when(nullable=True)
    # Bumped by each change the CRM shows (posted, invoice number, paid); `crm_revision` is the
    # one the CRM was last written at (`mdm/sync/p2c_jobs.py`).
    revision: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    crm_revision: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )


class SyncException(SQLModel, table=True):
    """Something a flow cannot decide alone: a person fixes the source and resolves it."""

    __tablename__ = "sync_exception"
    __table_args__ = (Index("ix_sync_exception_status_created_at", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    flow: str = Field(sa_column=Column(String(32), nullable=False))
    subject: str = Field(sa_column=Column(String(128), nullable=False, index=True))
    reason: str = Field(sa_column=Column(String(64), nullable=False))
    detail: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", sa_column=Column(String(16), nullable=False))
    correlation_id: str | None = _text(128)
    created_at: datetime = _when()
    resolved_at: datetime | None = _when(nullable=True)
    resolved_by: str | None = _text(128)  # who resubmitted the deal (a person, or "crm")


class SyncCursor(SQLModel, table=True):
    """How far a poller has read another system's changes."""

    __tablename__ = "sync_cursor"

    name: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(String(255), nullable=False))
    updated_at: datetime = _when()
