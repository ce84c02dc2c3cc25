"""Reading the committed seed files (shared by the seed tests)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from seeds import SEEDS_DIR

SYSTEMS = ("crm", "psa", "erp")
ENTITIES = ("customers", "contracts", "projects")


@cache
def read(relative: str, root: Path = SEEDS_DIR) -> tuple[dict[str, str], ...]:
    """Rows of one seed CSV as dicts (cached: the files do not change during a run)."""
    with (root / relative).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def header(relative: str, root: Path = SEEDS_DIR) -> list[str]:
    """The header line of one seed CSV."""
    with (root / relative).open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def truth(entity: str) -> dict[tuple[str, str], str]:
    """(system, source id) -> true entity id."""
    return {
        (r["source_system"], r["source_id"]): r["entity_id"] for r in read(f"truth/{entity}.csv")
    }


def records(entity: str) -> list[dict[str, str]]:
    """Every system's records of one entity type."""
    return [row for system in SYSTEMS for row in read(f"data/{system}/{entity}.csv")]


def key(row: dict[str, str]) -> tuple[str, str]:
    """The record's (system, source id)."""
    return row["source_system"], row["source_id"]
