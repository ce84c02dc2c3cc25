"""The `mdm` command line: one typer app; progress and logs on stderr, machine output on stdout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import Engine

from mdm import migrate
from mdm.auth.cli import keys_app
from mdm.auth.dev import banner, issue_dev_key, wants_dev_key
from mdm.cli_support import err, load_settings, open_database
from mdm.db import create_db_engine
from mdm.exports.cli import export_app
from mdm.jobs.cli import jobs_app, worker_command
from mdm.records.cli import ingest_command, quarantine_app, seed_command
from mdm.records.mappings_cli import app as mappings_app
from mdm.resolution.cli import resolve_command, train_command
from mdm.sandbox.cli import sandbox_app
from mdm.sync.cli import sync_app
from mdm.webhooks.cli import webhooks_app

if TYPE_CHECKING:
    from mdm.sandbox.serve import BackgroundSandboxes
    from mdm.settings import Settings

app = typer.Typer(
    name="mdm",
    help="Master data management hub for CRM, PSA and ERP records.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command("migrate")
def migrate_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    check: Annotated[bool, typer.Option(help="Only report; exit 1 if not at head.")] = False,
) -> None:
    """Migrate the database schema (PostgreSQL needs this before any other command)."""
    settings = load_settings()
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
    with_sandboxes: Annotated[
        bool,
        typer.Option(help="Also serve the sandbox CRM, PSA and ERP for roles with no real system."),
    ] = False,
) -> None:
    """Serve the REST API, GraphQL and the steward workbench with uvicorn."""
    import uvicorn

    from mdm.app import create_app

    settings = load_settings()
    if with_sandboxes and "sync_enabled" not in settings.model_fields_set:
        # Sandboxes are there to be synced: the flows' pollers run unless told otherwise.
        settings = settings.model_copy(update={"sync_enabled": True})
    host, port = host or settings.host, port or settings.port
    engine = open_database(settings)
    try:
        if wants_dev_key(settings):
            key = issue_dev_key(engine)
            err.print(banner(key, f"http://{host}:{port}"), highlight=False, soft_wrap=True)
    finally:
        engine.dispose()
    sandboxes = _start_sandboxes(settings) if with_sandboxes else None
    try:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_config=None,
            proxy_headers=False,
        )
    finally:
        if sandboxes is not None:
            sandboxes.stop()


def _start_sandboxes(settings: Settings) -> BackgroundSandboxes | None:
    from mdm.connectors.registry import sandboxed_roles
    from mdm.sandbox.serve import start_in_background

    roles = sandboxed_roles(settings)
    if not roles:
        return None
    running = start_in_background(settings, roles)
    names = ", ".join(f"{role.upper()} :{server.config.port}" for role, server in running.servers)
    err.print(f"sandbox systems: {names}")
    return running


app.command("ingest")(ingest_command)
app.command("seed")(seed_command)
app.command("resolve")(resolve_command)
app.command("train")(train_command)
app.command("worker")(worker_command)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(export_app, name="export")
app.add_typer(keys_app, name="keys")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(jobs_app, name="jobs")
app.add_typer(mappings_app, name="mappings", help="Check source-system mapping files.")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(sync_app, name="sync")


def main() -> None:
    """Console-script entry point."""
    app()
