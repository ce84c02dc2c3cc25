"""Load the demo seeds: each system's customers, then contracts, then projects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.records.csv_io import read_csv
from mdm.records.models import SourceRecord
from mdm.records.service import IngestReport, ingest

# Parents first, so a contract or project finds its customer already there.
LOAD_ORDER = (EntityType.CUSTOMER, EntityType.CONTRACT, EntityType.PROJECT)


@dataclass(frozen=True)
class SeedFile:
    """One loaded file and what became of its rows."""

    path: Path
    entity: EntityType
    report: IngestReport


def seed_files(directory: Path) -> list[tuple[Path, EntityType]]:
    """The canonical CSV files under `directory/<system>/`, in load order."""
    found = []
    for entity in LOAD_ORDER:
        for path in sorted(directory.glob(f"*/{entity.plural}.csv")):
            found.append((path, entity))
    return found


def is_empty(engine: Engine) -> bool:
    """True when the hub holds no source record yet."""
    with session_scope(engine) as session:
        return session.exec(select(SourceRecord.id).limit(1)).first() is None


def load_seeds(engine: Engine, directory: Path, *, resolve: bool = False) -> list[SeedFile]:
    """Ingest every seed file, each in its own unit of work; matching waits for the batch run
    that follows a bulk load, unless `resolve`."""
    loaded = []
    for path, entity in seed_files(directory):
        rows = read_csv(path, entity)
        with session_scope(engine, write=True) as session:
            loaded.append(SeedFile(path, entity, ingest(session, entity, rows, resolve=resolve)))
    return loaded
