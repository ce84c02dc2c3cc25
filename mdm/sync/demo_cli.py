"""`mdm sync demo`: the command around `mdm.sync.demo.run_demo`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from mdm.cli_support import database, err, load_settings
from mdm.sync.demo import DemoOptions, run_demo


def demo_command(
    opportunities: Annotated[
        int, typer.Option(min=1, help="Won deals to run through (chosen with --seed).")
    ] = 500,
    fault_rate: Annotated[
        float, typer.Option(min=0.0, max=0.95, help="Probability that a remote call fails.")
    ] = 0.3,
    seed: Annotated[int, typer.Option(help="Seeds the choice of deals, faults and work.")] = 0,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker threads.")] = 6,
    processes: Annotated[
        bool,
        typer.Option(
            "--processes/--threads",
            help="Workers as `mdm worker` processes (each its own interpreter), or threads.",
        ),
    ] = True,
    time_limit: Annotated[
        float, typer.Option(min=10.0, help="Seconds the whole run may take.")
    ] = 110.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Run quote-to-project and project-to-cash end to end against fresh sandboxes, under faults.

    Exits 1 when a project or a posting was duplicated, or an amount differs without a dead
    letter or an exception to explain it.
    """
    options = DemoOptions(opportunities, fault_rate, seed, workers, processes, time_limit)
    settings = load_settings()
    with database() as engine:
        report = run_demo(engine, settings, options, lambda line: err.print(line, highlight=False))
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            typer.echo(f"{key}: {json.dumps(value)}")
    if not report["ok"]:
        raise typer.Exit(code=1)
