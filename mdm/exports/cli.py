"""`mdm export xref|golden`: CSV to a file, or to stdout with `--out -`."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from mdm.cli_support import database, err
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.exports.service import XREF_COLUMNS, golden_columns, golden_rows, xref_rows

export_app = typer.Typer(help="Export the cross-reference or the golden records as CSV.")
OutOption = Annotated[str, typer.Option("--out", help="Output file, or - for stdout")]


@export_app.command("xref")
def xref_command(
    out: OutOption,
    entity: Annotated[str | None, typer.Option(help="customers, projects or contracts")] = None,
) -> None:
    """entity_type,source_system,source_id,golden_id,status for every source record."""
    with database() as engine, session_scope(engine) as session:
        kind = EntityType.parse(entity) if entity else None
        count = _write(out, XREF_COLUMNS, xref_rows(session, kind))
    err.print(f"{count} cross-reference row(s) written to {out}", highlight=False)


@export_app.command("golden")
def golden_command(
    out: OutOption,
    entity: Annotated[str, typer.Option(help="customers, projects or contracts")],
) -> None:
    """One row per golden record with its attributes."""
    with database() as engine, session_scope(engine) as session:
        kind = EntityType.parse(entity)
        count = _write(out, golden_columns(kind), golden_rows(session, kind))
    err.print(f"{count} golden {kind.plural} written to {out}", highlight=False)


def _write(out: str, header: Iterable[str], rows: Iterable[dict[str, Any]]) -> int:
    with _open(out) as stream:
        writer = csv.DictWriter(stream, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        count = 0
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            count += 1
    return count


@contextmanager
def _open(out: str) -> Iterator[IO[str]]:
    if out == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(out)
    # Write beside the target and rename, so a failed export never leaves half a file.
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as stream:
        yield stream
    partial.replace(path)
