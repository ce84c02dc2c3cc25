"""`mdm sync trace | reconcile | exceptions`: JSON on stdout with `--json`, tables on stderr.

The console is the operator's own: amounts are shown unmasked, as `mdm jobs` shows job args.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.table import Table

from mdm.cli_support import database, err, load_settings
from mdm.clock import aware, utcnow
from mdm.db import session_scope
from mdm.sync.config import load_sync_config
from mdm.sync.reconcile import open_exception_rows, reconcile
from mdm.sync.reconcile_schemas import ReconciliationOut
from mdm.sync.schemas import ExceptionOut, TraceOut
from mdm.sync.trace import trace

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout")]
DEFAULT_DAYS = 30


def _print_json(value: BaseModel | list[BaseModel]) -> None:
    if isinstance(value, list):
        typer.echo(json.dumps([v.model_dump(mode="json") for v in value], indent=2))
    else:
        typer.echo(value.model_dump_json(indent=2))


def trace_command(
    correlation_id: Annotated[
        str, typer.Argument(help="Correlation id, opportunity id or billing transaction id")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Follow a deal from opportunity to payment, with the jobs that carried it."""
    with database() as engine, session_scope(engine) as session:
        shown = TraceOut.of(trace(session, correlation_id), None)
    if as_json:
        _print_json(shown)
        return
    err.print(f"correlation id {shown.correlation_id}", highlight=False)
    chain = Table("step", "id", "detail")
    if shown.opportunity:
        o = shown.opportunity
        chain.add_row("opportunity", o.id, f"{o.name} ({o.state}) {o.amount} {o.currency}")
    if shown.customer:
        moved = f" (was {shown.customer.redirected_from})" if shown.customer.redirected_from else ""
        chain.add_row("golden customer", shown.customer.golden_id, f"{shown.customer.name}{moved}")
    if shown.project:
        chain.add_row("PSA project", shown.project.psa_project_id or "", "")
    for b in shown.billing_transactions:
        invoice = b.invoice.number or b.invoice.id if b.invoice else ""
        paid = f" paid {b.payment.paid_amount}" if b.payment else ""
        chain.add_row(
            "billing", b.id, f"{b.period} {b.amount} {b.currency} {b.state} {invoice}{paid}"
        )
    err.print(chain)
    jobs = Table("job", "task", "status", "attempts", "last error")
    for j in shown.jobs:
        jobs.add_row(str(j.id), j.task, j.status, str(j.attempts), (j.last_error or "")[:80])
    err.print(jobs)
    for e in shown.exceptions:
        err.print(f"open exception {e.id}: {e.reason}: {e.detail}", highlight=False)


def reconcile_command(
    days: Annotated[
        float, typer.Option(min=0.001, max=3650, help="Window: deals and months of the last N days")
    ] = DEFAULT_DAYS,
    since: Annotated[
        datetime | None, typer.Option(help="Window start instead of --days (UTC if no offset)")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Business and technical health of the flows."""
    settings = load_settings()
    config = load_sync_config(settings.sync_config_file)
    now = utcnow()
    start = aware(since) if since is not None else now - timedelta(days=days)
    with database() as engine, session_scope(engine) as session:
        shown = ReconciliationOut.of(reconcile(session, config, now, start), None)
    if as_json:
        _print_json(shown)
        return
    _print_reconciliation(shown)


def _print_reconciliation(shown: ReconciliationOut) -> None:
    b, t = shown.business, shown.technical
    a, p = b.activation, b.posting
    err.print(f"window {shown.since:%Y-%m-%d %H:%M} to {shown.now:%Y-%m-%d %H:%M} UTC")
    err.print(
        f"activation: {a.activated}/{a.won} won deals active, p50 {a.hours.p50} h, "
        f"p95 {a.hours.p95} h, {a.over_sla} over the {a.sla_hours} h SLA",
        highlight=False,
    )
    share = "n/a" if p.on_time_share is None else f"{p.on_time_share:.1%}"
    err.print(
        f"posting: {p.on_time}/{p.counted} months on time ({share}); invoice lag p50 "
        f"{p.invoice_lag_days.p50} d, p95 {p.invoice_lag_days.p95} d",
        highlight=False,
    )
    money = Table("currency", "pending", "unpaid", "exceptions", "total")
    for currency, u in b.unreconciled.items():
        money.add_row(currency, u.pending or "", u.unpaid or "", u.exceptions or "", u.total or "")
    err.print(money if b.unreconciled else "unreconciled value: none")
    err.print(f"open exceptions: {b.open_exceptions or 'none'}", highlight=False)
    err.print(
        f"queue: {t.queue_depth}; {t.retries} retries, {t.attempts} attempts", highlight=False
    )
    err.print(f"dead letters: {t.dead_letters or 'none'}", highlight=False)
    for role, c in t.connector_errors.items():
        err.print(f"{role} ({c.system}): {c.failed_attempts} failed, {c.rate:.2%}", highlight=False)


def exceptions_command(
    limit: Annotated[int, typer.Option(min=1, max=10000, help="At most this many")] = 1000,
    as_json: JsonFlag = False,
) -> None:
    """Open exceptions, oldest first: what a person must fix in a source system."""
    with database() as engine, session_scope(engine) as session:
        rows = [ExceptionOut.of(row) for row in open_exception_rows(session, limit)]
    if as_json:
        _print_json(list(rows))
        return
    table = Table("id", "flow", "subject", "reason", "detail", "since")
    for e in rows:
        table.add_row(
            str(e.id), e.flow, e.subject, e.reason, e.detail[:80], f"{e.created_at:%Y-%m-%d %H:%M}"
        )
    err.print(table)
    err.print(f"{len(rows)} open exception(s)", highlight=False)
