"""Fixtures for the whole suite: the backend under test, its database, the app and a client.

`pytest --backend sqlite` (default) runs everything on a temp SQLite file;
`pytest --backend postgresql -m db` runs the database tests again on a throwaway PostgreSQL
database. A test is a database test when it uses one of the database fixtures.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm import migrate
from mdm.app import create_app
from mdm.auth.keys import create_key
from mdm.auth.principal import Scope
from mdm.db import create_db_engine, session_scope
from mdm.settings import Settings
from tests.support.databases import (
    PostgresUnavailable,
    empty_tables,
    postgres_server,
    throwaway_database,
)

# Property tests: a modest example count everywhere, fewer under CI so the budget holds.
hypothesis.settings.register_profile("default", max_examples=100, deadline=None)
hypothesis.settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True)
hypothesis.settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "default")

DB_FIXTURES = {
    "backend_url",
    "engine",
    "settings",
    "client",
    "anonymous_client",
    "make_key",
    "fresh_url",
    "fresh_engine",
}
KeyFactory = Callable[..., str]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="database backend for the database tests",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
    if config.getoption("--backend") == "postgresql":
        _require_postgres(config, items)


def _require_postgres(config: pytest.Config, items: list[pytest.Item]) -> None:
    try:
        postgres_server()
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            raise pytest.UsageError(f"{exc}: PostgreSQL is required under CI=true") from exc
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        banner = "!" * 78
        if reporter is not None:
            reporter.write_line(f"{banner}\n{exc}: SKIPPING every PostgreSQL test\n{banner}")
        for item in items:
            item.add_marker(pytest.mark.skip(reason=str(exc)))


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """`sqlite` or `postgresql`."""
    value: str = request.config.getoption("--backend")
    return value


@pytest.fixture(scope="session")
def backend_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's database, migrated once to head."""
    with throwaway_database(backend, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def settings(backend_url: str) -> Settings:
    """Settings pointing at the session's database (no embedded worker: tests run jobs; a CRM
    write-back runs as soon as it is asked for, so a burst of work ends with it)."""
    return Settings(
        database_url=backend_url,
        log_format="text",
        worker_embedded=False,
        sync_writeback_window_seconds=0,
        _env_file=None,
    )


@pytest.fixture(scope="session")
def _migrated_engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_migrated_engine: Engine) -> Iterator[Engine]:
    """The session engine; every table is emptied after the test."""
    yield _migrated_engine
    empty_tables(_migrated_engine)


def _test_client(settings: Settings) -> TestClient:
    # From loopback, as a local caller is; Starlette's default client host is not an address.
    return TestClient(create_app(settings), client=("127.0.0.1", 50000))


@pytest.fixture
def make_key(engine: Engine) -> KeyFactory:
    """`make_key(Scope.READ, ..., name="etl")`: a real API key made through the keys service."""
    counter = iter(range(1, 1_000_000))

    def make(*scopes: Scope, name: str | None = None) -> str:
        with session_scope(engine, write=True) as session:
            label = name or f"test-key-{next(counter)}"
            return create_key(session, label, frozenset(scopes), "tests").secret

    return make


@pytest.fixture
def client(settings: Settings, make_key: KeyFactory) -> Iterator[TestClient]:
    """A client on a fresh app over the session's database, lifespan included, as an admin."""
    with _test_client(settings) as test_client:
        test_client.headers["Authorization"] = f"Bearer {make_key(Scope.ADMIN, name='admin')}"
        yield test_client


@pytest.fixture
def anonymous_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """Like `client`, without credentials (set `headers` to act as someone)."""
    with _test_client(settings) as test_client:
        yield test_client


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty, never-migrated database of the backend under test."""
    with throwaway_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def fresh_engine(fresh_url: str) -> Iterator[Engine]:
    """An engine on `fresh_url`."""
    engine = create_db_engine(Settings(database_url=fresh_url, _env_file=None))
    yield engine
    engine.dispose()
