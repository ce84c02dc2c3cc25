"""Throwaway test databases: a temp SQLite file, or a fresh database on a PostgreSQL server."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from mdm.tables import metadata

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server answered, even after trying to start the local one."""


def _admin_conninfo(url: str) -> str:
    """A libpq URL for the server's maintenance database, from any SQLAlchemy-style URL."""
    parsed = make_url(url).set(drivername="postgresql", database="postgres")
    return parsed.render_as_string(hide_password=False)


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(_admin_conninfo(url), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _start_local_cluster() -> None:
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").is_dir() else []
    for version in versions:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            check=False,
            capture_output=True,
            timeout=60,
        )


def postgres_server() -> str:
    """The server to create test databases on; start the local one if nothing answers."""
    url = os.environ.get("MDM_TEST_DATABASE_URL") or DEFAULT_SERVER
    if _answers(url):
        return url
    if "MDM_TEST_DATABASE_URL" not in os.environ:
        _start_local_cluster()
        if _answers(url):
            return url
    raise PostgresUnavailable(f"no PostgreSQL answers at {make_url(url).render_as_string()}")


@contextmanager
def throwaway_postgres(server: str) -> Iterator[str]:
    """Create an empty database on `server`, yield its URL, drop it afterwards."""
    name = f"mdm_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_conninfo(server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            make_url(server)
            .set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_sqlite(directory: Path) -> Iterator[str]:
    """A fresh SQLite file under `directory`."""
    yield f"sqlite:///{directory / f'mdm_{uuid.uuid4().hex[:12]}.db'}"


@contextmanager
def throwaway_database(backend: str, directory: Path) -> Iterator[str]:
    """An empty database of the given backend."""
    if backend == "sqlite":
        with throwaway_sqlite(directory) as url:
            yield url
        return
    with throwaway_postgres(postgres_server()) as url:
        yield url


def empty_tables(engine: Engine) -> None:
    """Delete every row of the hub's tables (children first), keeping the schema."""
    tables = list(reversed(metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
