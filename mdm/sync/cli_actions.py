"""`mdm sync resubmit`: send a deal stopped in the exception queue through validation again."""

from __future__ import annotations

from typing import Annotated

import typer

from mdm.cli_support import database, err, os_user
from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.sync.resubmit import resubmit
from mdm.sync.resubmit_schemas import ResubmittedOut


def resubmit_command(
    opportunity_id: Annotated[str, typer.Argument(help="The CRM opportunity id of the deal")],
    actor: Annotated[str | None, typer.Option(help="Who fixed it (default: cli:<OS user>)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout")] = False,
) -> None:
    """Once the source is fixed: resolve the deal's open exceptions and validate it again.

    A worker runs the validation; `mdm sync trace <opportunity id>` shows how it went. Exits 2
    (changing nothing) for an unknown deal or one that is not in exception."""
    who = actor or f"cli:{os_user()}"
    with database() as engine, session_scope(engine, write=True) as session:
        done = ResubmittedOut.of(resubmit(session, opportunity_id, who, utcnow()))
    if as_json:
        typer.echo(done.model_dump_json(indent=2))
        return
    resolved = ", ".join(map(str, done.resolved_exceptions)) or "none open"
    err.print(f"{opportunity_id}: exceptions resolved: {resolved}; queued {done.job_key}")
