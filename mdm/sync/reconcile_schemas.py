"""API shape of the reconciliation: the same figures for REST, the CLI and the steward page."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mdm.api.openapi import UtcDateTime
from mdm.auth.principal import Principal
from mdm.sync.reconcile import Reconciliation, Spread
from mdm.sync.reconcile_queue import ConnectorErrors
from mdm.sync.schemas import Shown

_WHEN = "2026-11-26T08:00:00Z"


class SpreadOut(BaseModel):
    """How many values, and their nearest-rank median and 95th percentile."""

    count: int
    p50: float | None
    p95: float | None

    @classmethod
    def of(cls, spread: Spread) -> SpreadOut:
        """From the service's spread (rounded for reading)."""
        return cls(
            count=spread.count,
            p50=None if spread.p50 is None else round(spread.p50, 3),
            p95=None if spread.p95 is None else round(spread.p95, 3),
        )


class ActivationOut(BaseModel):
    """Won deals of the window: hours until their PSA project was linked."""

    sla_hours: float
    won: int
    activated: int
    hours: SpreadOut
    over_sla: int = Field(description="Activated late, or still waiting past the SLA")


class PostingOut(BaseModel):
    """T&M billing months of the window: posted within the SLA after month end, and the lag."""

    sla_days: float
    counted: int = Field(description="Months posted, or overdue")
    on_time: int
    on_time_share: float | None
    invoice_lag_days: SpreadOut


class UnreconciledOut(BaseModel):
    """What is not cash yet, in one currency (decimal text with its decimals, `"123400"` in
    JPY; null when masked)."""

    pending: str | None = Field(description="Transactions not yet posted")
    unpaid: str | None = Field(description="Posted, not paid")
    exceptions: str | None = Field(description="Amounts of deals stopped in an open exception")
    total: str | None


class BusinessOut(BaseModel):
    """Is the business flowing."""

    activation: ActivationOut
    posting: PostingOut
    unreconciled: dict[str, UnreconciledOut] = Field(description="Per currency")
    open_exceptions: dict[str, int] = Field(description="Per reason")


class ConnectorOut(BaseModel):
    """Failed attempts one connected system caused in the window."""

    system: str
    failed_attempts: int
    rate: float = Field(description="Its failed attempts over every job attempt of the window")

    @classmethod
    def of(cls, errors: ConnectorErrors) -> ConnectorOut:
        """From the service's figures."""
        return cls(
            system=errors.system,
            failed_attempts=errors.failed_attempts,
            rate=round(errors.rate, 4),
        )


class TechnicalOut(BaseModel):
    """Is the machinery healthy."""

    queue_depth: dict[str, int] = Field(description="Jobs per status now")
    attempts: int = Field(description="Job attempts in the window")
    retries: int = Field(description="Retries scheduled in the window")
    retries_by_task: dict[str, int]
    dead_letters: dict[str, int] = Field(description="Dead jobs per task now")
    connector_errors: dict[str, ConnectorOut] = Field(description="Per role, and `hub`")


_EXAMPLE: dict[str, Any] = {
    "now": _WHEN,
    "since": "2026-10-27T08:00:00Z",
    "business": {
        "activation": {
            "sla_hours": 24.0,
            "won": 500,
            "activated": 480,
            "hours": {"count": 480, "p50": 0.002, "p95": 0.01},
            "over_sla": 0,
        },
        "posting": {
            "sla_days": 5.0,
            "counted": 1200,
            "on_time": 1188,
            "on_time_share": 0.99,
            "invoice_lag_days": {"count": 1200, "p50": 1.0, "p95": 4.5},
        },
        "unreconciled": {
            "EUR": {
                "pending": "0.00",
                "unpaid": "18450.00",
                "exceptions": "120000.00",
                "total": "138450.00",
            }
        },
        "open_exceptions": {"missing_billing_method": 12, "unresolved_account": 8},
    },
    "technical": {
        "queue_depth": {"todo": 0, "doing": 0, "succeeded": 5400, "dead": 3},
        "attempts": 7800,
        "retries": 2300,
        "retries_by_task": {"p2c.post": 900},
        "dead_letters": {"p2c.post": 3},
        "connector_errors": {
            "erp": {"system": "netsuite", "failed_attempts": 900, "rate": 0.1154},
        },
    },
    "masked": [],
}


class ReconciliationOut(BaseModel):
    """Business and technical health of the flows over the window since `since`."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    now: UtcDateTime
    since: UtcDateTime
    business: BusinessOut
    technical: TechnicalOut
    masked: list[str] = Field(description="Fields hidden from this caller (amounts need finance)")

    @classmethod
    def of(cls, found: Reconciliation, principal: Principal | None) -> ReconciliationOut:
        """From the service's figures, masked for `principal` (None: the console sees all)."""
        shown = Shown(principal)
        activation, posting, queue = found.activation, found.posting, found.queue
        business = BusinessOut(
            activation=ActivationOut(
                **{k: v for k, v in vars(activation).items() if k != "hours"},
                hours=SpreadOut.of(activation.hours),
            ),
            posting=PostingOut(
                sla_days=posting.sla_days,
                counted=posting.counted,
                on_time=posting.on_time,
                on_time_share=posting.on_time_share,
                invoice_lag_days=SpreadOut.of(posting.lag_days),
            ),
            unreconciled={
                currency: UnreconciledOut(
                    pending=shown.amount("amount", part.pending_cents, currency),
                    unpaid=shown.amount("amount", part.unpaid_cents, currency),
                    exceptions=shown.amount("amount", part.exception_cents, currency),
                    total=shown.amount("amount", part.total_cents, currency),
                )
                for currency, part in found.unreconciled.items()
            },
            open_exceptions=found.exceptions,
        )
        technical = TechnicalOut(
            queue_depth=queue.depth,
            attempts=queue.attempts,
            retries=queue.retries,
            retries_by_task=queue.retries_by_task,
            dead_letters=queue.dead_letters,
            connector_errors={r: ConnectorOut.of(c) for r, c in queue.connectors.items()},
        )
        masked = sorted(shown.masked)
        return cls(
            now=found.now, since=found.since, business=business, technical=technical, masked=masked
        )
