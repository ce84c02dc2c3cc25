"""Schema migrations with Alembic, for the CLI, the app's readiness check and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from mdm.errors import DatabaseNotReady


def script_location() -> Path:
    """Migrations ship inside the installed package; in a checkout they sit at the top level."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "migrations"
    return installed if installed.is_dir() else package_dir.parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config bound to `engine` (env.py uses it instead of building its own)."""
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    """The revision the code expects the database to be at."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database forward to `revision`."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database back to `revision` (`base` empties it)."""
    command.downgrade(alembic_config(engine), revision)


def check_at_head(engine: Engine) -> None:
    """Raise `DatabaseNotReady` unless the database answers and is at the code's head."""
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        raise DatabaseNotReady(f"database unreachable: {exc.__class__.__name__}") from exc
    head = head_revision()
    if current != head:
        raise DatabaseNotReady(
            f"database schema is at {current or 'nothing'}, the hub needs {head}; "
            "run `mdm migrate`",
            extra={"current": current, "head": head},
        )


def prepare(engine: Engine, *, embedded: bool) -> None:
    """Make the database usable: migrate the embedded one, demand a migrated server one."""
    if embedded:
        upgrade(engine)
        return
    check_at_head(engine)
