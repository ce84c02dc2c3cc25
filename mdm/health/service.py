"""Readiness: the database answers and its schema is at the code's migration head."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from mdm import migrate


@dataclass(frozen=True)
class Readiness:
    """What the readiness probe found."""

    database: str
    schema_revision: str | None
    expected_revision: str | None


def check_readiness(engine: Engine) -> Readiness:
    """Raise `DatabaseNotReady` unless the hub can serve; return what was checked."""
    migrate.check_at_head(engine)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    head = migrate.head_revision()
    return Readiness(engine.dialect.name, head, head)
