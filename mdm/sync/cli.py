"""`mdm sync`: the flows' commands, one typer group (each feature module registers its own)."""

from __future__ import annotations

import typer

from mdm.sync.cli_actions import resubmit_command
from mdm.sync.cli_reports import exceptions_command, reconcile_command, trace_command
from mdm.sync.demo_cli import demo_command

sync_app = typer.Typer(
    help="Quote-to-project and project-to-cash: trace, reconciliation, exceptions, demo.",
    no_args_is_help=True,
)
sync_app.command("trace")(trace_command)
sync_app.command("reconcile")(reconcile_command)
sync_app.command("exceptions")(exceptions_command)
sync_app.command("resubmit")(resubmit_command)
sync_app.command("demo")(demo_command)
