"""What every `mdm` command shares: settings, logging, a usable database, stderr output."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy import Engine

from mdm import logs, migrate
from mdm.db import create_db_engine
from mdm.errors import DatabaseNotReady, MDMError
from mdm.settings import Settings

# Progress and messages go to stderr; stdout is kept for machine output.
err = Console(stderr=True)


def load_settings() -> Settings:
    """Settings from the environment, with logging configured from them."""
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
        fail(exc.detail)
    return engine


@contextmanager
def database() -> Iterator[Engine]:
    """An engine for one command, disposed afterwards; hub errors become a clean exit 2."""
    engine = open_database(load_settings())
    try:
        yield engine
    except MDMError as exc:
        fail(exc.detail)
    finally:
        engine.dispose()


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error to stderr and exit with `code`."""
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code=code)


def os_user() -> str:
    """Who runs the command, for audit trails (`cli:<user>`)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"
