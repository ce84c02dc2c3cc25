"""`mdm resolve --all`: batch resolution of every record into golden records."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from mdm.cli_support import database, err, fail
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.resolution.batch import ORDER, resolve_every_type
from mdm.resolution.review import MIN_LABELS, train


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


def train_command(
    entity: Annotated[
        str | None, typer.Option(help="Only customers, projects or contracts")
    ] = None,
) -> None:
    """Refit the matching model from steward decisions (needs both matches and non-matches)."""
    with database() as engine:
        kinds = [EntityType.parse(entity)] if entity else list(ORDER)
        for kind in kinds:
            with session_scope(engine, write=True) as session:
                report = train(session, kind)
            outcome = (
                f"model v{report.model_version}"
                if report.model_version
                else f"not enough decisions (need {MIN_LABELS}, both kinds)"
            )
            err.print(
                f"{kind.plural}: {report.matches} matches, {report.non_matches} non-matches "
                f"-> {outcome}",
                highlight=False,
            )
