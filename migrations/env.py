"""Alembic environment: one engine from the caller or from `MDM_DATABASE_URL`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from mdm.db import create_db_engine
from mdm.settings import Settings
from mdm.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over a live connection (the only mode the hub uses)."""
    engine = context.config.attributes.get("engine")
    owned = engine is None
    if owned:
        engine = create_db_engine(Settings())
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `mdm migrate`")
run_migrations_online()
