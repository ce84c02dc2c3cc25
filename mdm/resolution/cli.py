"""`mdm resolve --all`: batch resolution of every record into golden records."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from mdm.cli_support import database, err, fail
from mdm.entities import EntityType
from mdm.resolution.batch import ORDER, resolve_every_type


def resolve_command(
    all_: Annotated[bool, typer.Option("--all", help="Re-resolve every record")] = False,
    entity: Annotated[
        str | None, typer.Option(help="Only customers, projects or contracts")
    ] = None,
    refit: Annotated[bool, typer.Option(help="Fit a new model version first")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Run the batch matcher and apply its clusters as golden records (steward decisions kept)."""
    if not all_:
        fail("say --all: resolve re-examines every record of the chosen types")
    with database() as engine:
        kinds = [EntityType.parse(entity)] if entity else list(ORDER)
        reports = resolve_every_type(engine, kinds, refit=refit)
    if as_json:
        typer.echo(
            json.dumps([{**asdict(r), "entity": r.entity.plural} for r in reports], indent=2)
        )
        return
    for report in reports:
        err.print(report.summary(), highlight=False)
