"""The `mdm` command line: one typer app; progress and logs on stderr, machine output on stdout."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from mdm import logs, migrate
from mdm.db import create_db_engine
from mdm.errors import DatabaseNotReady
from mdm.settings import Settings

app = typer.Typer(
    name="mdm",
    help="Master data management hub for CRM, PSA and ERP records.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


def _settings() -> Settings:
    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)
    return settings


def open_database(settings: Settings) -> Engine:
    """An engine on a usable schema: the embedded database is migrated, a server one must be."""
    engine = create_db_engine(settings)
    try:
        migrate.prepare(engine, embedded=settings.is_sqlite)
    except DatabaseNotReady as exc:
        engine.dispose()
        err.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(code=2) from exc
    return engine


@app.command("migrate")
def migrate_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    check: Annotated[bool, typer.Option(help="Only report; exit 1 if not at head.")] = False,
) -> None:
    """Migrate the database schema (PostgreSQL needs this before any other command)."""
    settings = _settings()
    engine = create_db_engine(settings)
    try:
        if check:
            _report_revision(engine)
            return
        migrate.upgrade(engine, revision)
        err.print(f"database at revision {migrate.current_revision(engine)}")
    finally:
        engine.dispose()


def _report_revision(engine: Engine) -> None:
    current, head = migrate.current_revision(engine), migrate.head_revision()
    typer.echo(f"current={current} head={head}")
    if current != head:
        raise typer.Exit(code=1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (MDM_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (MDM_PORT).")] = None,
) -> None:
    """Serve the REST API (and the pages and GraphQL as they land) with uvicorn."""
    import uvicorn

    from mdm.app import create_app

    settings = _settings()
    open_database(settings).dispose()
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        proxy_headers=False,
    )


def main() -> None:
    """Console-script entry point."""
    app()
