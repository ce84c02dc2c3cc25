"""A hub holding the demo seeds, resolved, for tests that run what downstream teams would run.

Seeding takes seconds, so test modules share one seeded database per backend (module scope)
in a throwaway database of their own; tests that change it restore what they changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from mdm import migrate
from mdm.app import create_app
from mdm.auth.keys import create_key
from mdm.auth.principal import Scope
from mdm.db import create_db_engine, session_scope
from mdm.records.seed import load_seeds
from mdm.resolution.batch import resolve_every_type
from mdm.settings import Settings
from seeds import DATA_DIR
from tests.support.databases import throwaway_database


@dataclass(frozen=True)
class SeededHub:
    """A client on the seeded hub (no credentials by default) and a key per role."""

    client: TestClient
    reader: dict[str, str]
    steward: dict[str, str]
    finance: dict[str, str]


def seeded_hub(backend: str, directory: Path) -> Iterator[SeededHub]:
    """Seed a fresh database, resolve it, and serve it (generator for a fixture)."""
    with throwaway_database(backend, directory) as url:
        settings = Settings(
            database_url=url, log_format="text", worker_embedded=False, _env_file=None
        )
        engine = create_db_engine(settings)
        migrate.upgrade(engine)
        load_seeds(engine, DATA_DIR)
        resolve_every_type(engine)
        keys = {}
        with session_scope(engine, write=True) as session:
            for name, scopes in (
                ("reader", {Scope.READ}),
                ("steward", {Scope.STEWARD}),
                ("finance", {Scope.READ, Scope.FINANCE}),
            ):
                keys[name] = create_key(session, name, frozenset(scopes), "tests").secret
        engine.dispose()
        with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
            yield SeededHub(
                client=client,
                reader={"X-API-Key": keys["reader"]},
                steward={"X-API-Key": keys["steward"]},
                finance={"X-API-Key": keys["finance"]},
            )
