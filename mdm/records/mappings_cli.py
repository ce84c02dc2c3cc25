"""`mdm mappings check FILE`: validate a source-system mapping file before shipping it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mdm.records.mapping import mapping_problems

app = typer.Typer(help="Source-system mapping files (mdm/mappings/<system>.yaml).")


@app.callback()
def mappings() -> None:
    """Source-system mapping files."""


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The mapping YAML file to validate.")],
) -> None:
    """Print every problem in a mapping file; exit 1 if there is any, else print `ok`."""
    problems = mapping_problems(file)
    for problem in problems:
        typer.echo(problem)
    if problems:
        raise typer.Exit(code=1)
    typer.echo("ok")
