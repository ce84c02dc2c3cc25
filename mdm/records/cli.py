"""`mdm ingest` and `mdm quarantine`: load canonical CSV files, fix and resubmit what failed."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlmodel import Session

from mdm.cli_support import database, err, fail
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.records import quarantine
from mdm.records.csv_io import read_csv
from mdm.records.models import QuarantineItem, QuarantineStatus
from mdm.records.outcomes import RecordResult
from mdm.records.seed import is_empty, load_seeds
from mdm.records.service import IngestReport, RecordInput, ingest
from mdm.resolution.batch import resolve_every_type

CHUNK = 1000
SEEDS = Path("seeds/data")
quarantine_app = typer.Typer(help="List, inspect and resubmit quarantined records.")


def ingest_command(
    entity: Annotated[str, typer.Argument(help="customers, projects or contracts")],
    file: Annotated[Path, typer.Argument(help="Canonical CSV file (UTF-8, header row)")],
    snapshot: Annotated[
        bool, typer.Option(help="The file is complete: delete its systems' unlisted records")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Report what would happen; write nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Ingest a canonical CSV file; exits 1 when any row was quarantined."""
    with database() as engine:
        kind = EntityType.parse(entity)
        rows = read_csv(file, kind)
        with session_scope(engine, write=True, dry_run=dry_run) as session:
            report = _ingest_with_progress(session, kind, rows, snapshot)
    _print_report(report, file, dry_run, as_json)
    if report.count("quarantined"):
        raise typer.Exit(code=1)


def _ingest_with_progress(
    session: Session, kind: EntityType, rows: list[RecordInput], snapshot: bool
) -> IngestReport:
    if snapshot:
        # A snapshot needs the whole file at once to know what is missing.
        return ingest(session, kind, rows, snapshot=True)
    report = IngestReport([])
    with _progress() as progress:
        task = progress.add_task(f"ingesting {kind.plural}", total=len(rows))
        for start in range(0, len(rows), CHUNK):
            part = ingest(session, kind, rows[start : start + CHUNK])
            report.results += [replace(r, index=r.index + start) for r in part.results]
            progress.advance(task, len(part.results))
    return report


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _print_report(report: IngestReport, file: Path, dry_run: bool, as_json: bool) -> None:
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "file": str(file),
                    "dry_run": dry_run,
                    "totals": report.totals,
                    "quarantined": [asdict(r) for r in _quarantined(report)],
                },
                indent=2,
            )
        )
        return
    totals = ", ".join(f"{n} {k}" for k, n in report.totals.items())
    prefix = "dry run, nothing written: " if dry_run else ""
    err.print(f"{prefix}{file.name}: {totals}", highlight=False, markup=False)
    for result in _quarantined(report):
        err.print(f"  quarantined {result.origin}: {'; '.join(result.reasons)}", highlight=False)


def _quarantined(report: IngestReport) -> list[RecordResult]:
    return [r for r in report.results if r.result == "quarantined"]


@quarantine_app.command("list")
def list_command(
    entity: Annotated[str | None, typer.Option(help="customers, projects or contracts")] = None,
    status: Annotated[
        QuarantineStatus, typer.Option(help="open or resolved")
    ] = QuarantineStatus.OPEN,
    system: Annotated[str | None, typer.Option(help="Only this source system")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Quarantined records with their reasons."""
    with database() as engine, session_scope(engine) as session:
        kind = EntityType.parse(entity) if entity else None
        where = quarantine.QuarantineFilter(kind, status, system, limit)
        items, total = quarantine.list_items(session, where)
        if as_json:
            typer.echo(json.dumps([_item_dict(i) for i in items], indent=2, default=str))
            return
        table = Table("id", "entity", "system", "source id", "origin", "reasons")
        for i in items:
            table.add_row(
                str(i.id),
                i.entity_type,
                i.source_system or "",
                i.source_id or "",
                i.origin or "",
                "\n".join(i.reasons),
            )
        err.print(table)
        err.print(f"{len(items)} of {total} {status.value} item(s)")


@quarantine_app.command("show")
def show_command(item_id: Annotated[int, typer.Argument()]) -> None:
    """One quarantined record as JSON (stdout): payload, reasons, origin."""
    with database() as engine, session_scope(engine) as session:
        typer.echo(
            json.dumps(_item_dict(quarantine.get_item(session, item_id)), indent=2, default=str)
        )


@quarantine_app.command("resubmit")
def resubmit_command(
    item_id: Annotated[int, typer.Argument()],
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="column=value correction (repeatable)")
    ] = None,
) -> None:
    """Fix cells with --set column=value and resubmit; exits 1 if still invalid."""
    fields = dict(_parse_assignment(a) for a in set_ or [])
    with database() as engine:
        try:
            with session_scope(engine, write=True) as session:
                result = quarantine.resubmit(session, item_id, fields)
        except InvalidInput as exc:
            fail(exc.detail, code=1)
    err.print(
        f"accepted: {result.source_system}:{result.source_id} -> {result.golden_id} "
        f"({result.result}, version {result.version})",
        highlight=False,
    )


def _parse_assignment(text: str) -> tuple[str, str]:
    column, sep, value = text.partition("=")
    if not sep or not column.strip():
        fail(f"--set takes column=value, got {text!r}")
    return column.strip(), value


def _item_dict(item: QuarantineItem) -> dict[str, object]:
    return item.model_dump()


def seed_command(
    directory: Annotated[Path, typer.Option("--dir", help="<system>/<entity>.csv folder")] = SEEDS,
    if_empty: Annotated[bool, typer.Option(help="Only when the hub holds no record yet")] = False,
    resolve: Annotated[bool, typer.Option(help="Resolve golden records afterwards")] = True,
) -> None:
    """Load the demo CRM, PSA and ERP exports (customers, contracts, projects) and resolve them."""
    if not directory.is_dir():
        fail(f"{directory}: no such folder")
    with database() as engine:
        if if_empty and not is_empty(engine):
            err.print("hub already holds records; seeds not loaded")
            return
        for loaded in load_seeds(engine, directory):
            totals = ", ".join(f"{n} {k}" for k, n in loaded.report.totals.items() if n)
            err.print(f"{loaded.path}: {totals}", highlight=False)
        if resolve:
            for report in resolve_every_type(engine):
                err.print(report.summary(), highlight=False)
