"""Golden-record accuracy of the hub on its seeds: load, resolve, export, score against truth.

Run on demand: `.venv/bin/python -m tests.benchmarks.hub_resolution [--ingest-only]` (a temp
SQLite file). `--ingest-only` scores what resolve on ingest alone made of the seeds: each seed
file through `mdm ingest` in load order, with the shipped default weights, no batch run and no
refit, as a new hub fed file by file has it.
"""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations, pairwise
from pathlib import Path

from mdm.records.seed import seed_files

ROOT = Path(__file__).resolve().parents[2]
MDM = str(Path(sys.executable).with_name("mdm"))
ENTITIES = ("customer", "contract", "project")


def pairs_of(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of members within each group."""
    found: set[tuple[str, str]] = set()
    for members in groups.values():
        found |= {(a, b) if a < b else (b, a) for a, b in combinations(members, 2)}
    return found


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _groups(path: Path, entity: str, key: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    with path.open() as stream:
        for row in csv.DictReader(stream):
            # every record with a golden id counts, pending review or not (truth rows have none)
            if row.get("entity_type", entity) == entity and row.get("golden_id", "-"):
                groups[row[key]].append(f"{row['source_system']}:{row['source_id']}")
    return groups


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run([MDM, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def main(ingest_only: bool = False) -> None:
    """Print precision, recall and F1 of golden clusters per entity type."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "MDM_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "MDM_LOG_LEVEL": "WARNING",
            "PATH": "/usr/bin:/bin",
        }
        started = time.perf_counter()
        if ingest_only:
            for path, kind in seed_files(ROOT / "seeds" / "data"):
                # exit 1 only says some rows were quarantined, as the seeds' corruption wants
                done = subprocess.run(
                    [MDM, "ingest", kind.plural, str(path)], cwd=ROOT, env=env, text=True,
                    capture_output=True, check=False,
                )  # fmt: skip
                assert done.returncode in (0, 1), done.stderr
        else:
            _run(env, "seed")
        loaded = time.perf_counter()
        if not ingest_only:
            _run(env, "resolve", "--all")
        resolved = time.perf_counter()
        xref = Path(tmp) / "xref.csv"
        _run(env, "export", "xref", "--out", str(xref))
        batch = "none (--ingest-only)" if ingest_only else f"{resolved - loaded:.1f}s"
        print(f"seed load {loaded - started:.1f}s, resolve --all {batch}")
        print(f"{'entity':<10} {'P':>6} {'R':>6} {'F1':>6} {'golden':>7} {'true':>6} {'review':>7}")
        for entity in ENTITIES:
            found = _groups(xref, entity, "golden_id")
            truth = _groups(ROOT / "seeds" / "truth" / f"{entity}s.csv", entity, "entity_id")
            p, r, f1 = scores(pairs_of(found), pairs_of(truth))
            review = _review_share(xref, entity)
            print(
                f"{entity:<10} {p:6.3f} {r:6.3f} {f1:6.3f} {len(found):7d} {len(truth):6d} "
                f"{review:7.1%}"
            )
        print("open candidates by probability band: how many, and the share that are true pairs")
        _candidate_bands(Path(tmp) / "bench.db")


def _review_share(xref: Path, entity: str) -> float:
    """Share of the type's records that wait in the review queue (target: at most 5%)."""
    with xref.open() as stream:
        statuses = [r["status"] for r in csv.DictReader(stream) if r["entity_type"] == entity]
    return statuses.count("pending_review") / max(len(statuses), 1)


BANDS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


def _candidate_bands(database: Path) -> None:
    query = (
        "SELECT c.entity_type, c.probability, a.source_system || ':' || a.source_id, "
        "b.source_system || ':' || b.source_id FROM match_candidate c "
        "JOIN source_record a ON a.id = c.record_a_id JOIN source_record b ON b.id = c.record_b_id "
        "WHERE c.status = 'open'"
    )
    with sqlite3.connect(database) as connection:
        rows = connection.execute(query).fetchall()
    for entity in ENTITIES:
        truth = _groups(ROOT / "seeds" / "truth" / f"{entity}s.csv", entity, "entity_id")
        entity_of = {m: e for e, members in truth.items() for m in members}
        cells = []
        for low, high in pairwise(BANDS):
            band = [(a, b) for t, p, a, b in rows if t == entity and low <= p < high]
            true = sum(1 for a, b in band if entity_of.get(a) == entity_of.get(b) is not None)
            cells.append(
                f"[{low:.1f},{min(high, 1.0):.1f}) {len(band):4d} {true / max(len(band), 1):4.0%}"
            )
        print(f"  {entity:<10} " + "  ".join(cells))


if __name__ == "__main__":
    main(ingest_only="--ingest-only" in sys.argv[1:])
