"""Writes the generated tables as UTF-8 CSV with a fixed header, byte for byte reproducibly."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Final

from seeds.generator import schema
from seeds.generator.pipeline import DEFAULT_CUSTOMERS, DEFAULT_SEED, Rows, build

ENTITY_COLUMNS: Final = (
    "entity_id", "kind", "former_brand", "cluster", "parent_entity_id", "legal_name", "country",
    "tax_id", "domain", "phone", "street", "city", "systems",
)  # fmt: skip
_OTHER: Final[dict[str, tuple[str, ...]]] = {
    "data/crm/opportunities.csv": schema.OPPORTUNITY,
    "data/psa/time_entries.csv": schema.TIME_ENTRY,
    "data/psa/expenses.csv": schema.EXPENSE,
    "data/psa/milestones.csv": schema.MILESTONE,
    "truth/customer_entities.csv": ENTITY_COLUMNS,
}


def header(path: str) -> tuple[str, ...]:
    """The columns of the file at `path` (relative to the seeds folder)."""
    if path in _OTHER:
        return _OTHER[path]
    if path.startswith("truth/"):
        return schema.TRUTH
    _, system, name = path.split("/")
    return schema.columns(name.removesuffix(".csv"), system)


def write_table(target: Path, columns: tuple[str, ...], rows: Rows) -> None:
    """One CSV file: header, then rows in order; `\\n` line ends on every platform."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)


def write_seeds(
    out_dir: Path, seed: int = DEFAULT_SEED, n_entities: int = DEFAULT_CUSTOMERS
) -> list[Path]:
    """Generate and (re)write every seed file under `out_dir`; returns the paths written."""
    data = build(seed, n_entities)
    written = []
    for relative, rows in data.tables.items():
        target = out_dir / relative
        write_table(target, header(relative), rows)
        written.append(target)
    return written
