"""Steward queue speed: with 10,000 open candidates, a queue page renders in under 200 ms.

Run on demand: `.venv/bin/python -m tests.benchmarks.steward_queue [N] [--database-url URL]`.
It loads 2N customers (each its own golden record) with N/2 contracts and N/4 projects for
business impact, opens N candidates between customer pairs, starts the real `mdm serve`,
logs a steward in through the login form, and times full GETs of the first queue page, a
filtered page and a deep page over HTTP (the server's own time plus loopback).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlmodel import Session, col, select

from mdm import migrate
from mdm.auth.keys import create_key
from mdm.auth.principal import Scope
from mdm.clock import utcnow
from mdm.db import create_db_engine, insert_rows, session_scope
from mdm.entities import EntityType
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest
from mdm.resolution.models import MatchCandidate
from mdm.settings import Settings
from tests.support.server import running_hub
from tests.support.steward_client import csrf_of
from tests.support.steward_world import explanation

TARGET_MS = 200.0
ROUNDS = 30


def load(database_url: str, n: int) -> str:
    """Fill the hub; returns a steward key."""
    engine = create_db_engine(Settings(database_url=database_url, _env_file=None))
    migrate.upgrade(engine)
    customers = [
        {
            "source_system": system,
            "source_id": f"c{i}",
            "name": f"Company {i} GmbH",
            "city": "Berlin",
        }
        for i in range(n)
        for system in ("crm", "erp")
    ]
    contracts = [
        {"source_system": "crm", "source_id": f"k{i}", "number": f"MSA-{i}",
         "customer_source_id": f"c{i * 2}", "value": str(1000 + i * 37)}
        for i in range(n // 2)
    ]  # fmt: skip
    projects = [
        {"source_system": "erp", "source_id": f"p{i}", "name": f"Project {i}",
         "customer_source_id": f"c{i * 4}", "budget": str(500 + i * 11)}
        for i in range(n // 4)
    ]  # fmt: skip
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(r) for r in customers], resolve=False)
        ingest(session, EntityType.CONTRACT, [RecordInput(r) for r in contracts], resolve=False)
        ingest(session, EntityType.PROJECT, [RecordInput(r) for r in projects], resolve=False)
    with session_scope(engine, write=True) as session:
        now, rows = utcnow(), []
        ids = _customer_ids(session)
        for i in range(n):
            a, b = sorted((ids["crm", f"c{i}"], ids["erp", f"c{i}"]))
            p = 0.5 + (i % 45) / 100
            rows.append(
                {"entity_type": "customer", "record_a_id": a, "record_b_id": b, "probability": p,
                 "explanation": explanation(2.0), "status": "open", "created_at": now,
                 "priority": round(1.0 - abs(p - 0.5) * 2, 4)}
            )  # fmt: skip
        insert_rows(session, MatchCandidate, rows)
        key = create_key(session, "bench-steward", frozenset({Scope.STEWARD}), "bench").secret
    engine.dispose()
    return key


def _customer_ids(session: Session) -> dict[tuple[str, str], int]:
    query = select(SourceRecord.source_system, SourceRecord.source_id, SourceRecord.id).where(
        col(SourceRecord.entity_type) == EntityType.CUSTOMER.value
    )
    return {(system, sid): rid for system, sid, rid in session.exec(query) if rid is not None}


def timed(client: httpx.Client, path: str) -> list[float]:
    """Milliseconds per full GET of `path`, after one warm-up."""
    assert client.get(path).status_code == 200
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:200]
    return times


def main() -> None:
    """Print p50/p95 per page and whether the target holds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="open candidates")
    parser.add_argument("--database-url", help="an empty database (default: a temp SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/steward-bench.db"
        started = time.perf_counter()
        key = load(url, args.n)
        print(f"loaded {args.n} candidates in {time.perf_counter() - started:.1f} s")
        with running_hub(url, Path(tmp)) as base, httpx.Client(base_url=base) as client:
            form = client.get("/steward/login")
            client.post("/steward/login", data={"key": key, "csrf_token": csrf_of(form.text)})
            pages = {
                "queue, page 1": "/steward/queue",
                "queue, band 70-90": "/steward/queue?entity=customer&band=70-90",
                "queue, page 200": "/steward/queue?page=200",
            }
            print(f"{'page':<22}{'p50 ms':>10}{'p95 ms':>10}  target < {TARGET_MS:.0f} ms")
            for label, path in pages.items():
                times = sorted(timed(client, path))
                p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
                verdict = "ok" if p95 < TARGET_MS else "SLOW"
                print(f"{label:<22}{p50:>10.1f}{p95:>10.1f}  {verdict}")


if __name__ == "__main__":
    main()
