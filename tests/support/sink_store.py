"""The idempotent sink: a separate SQLite file playing the remote system jobs deliver to.

Every arrival is logged in `deliveries` (at-least-once execution shows there as repeats); the
record itself is upserted in `effects` under the job's idempotency key, as an external-id
upsert does: a repeat updates the record, never adds one. Each arrival is one short
transaction with a busy timeout, so many worker processes deliver at once. The tasks that
deliver here are in `tests.support.job_sink`; test processes import only this module, so the
poison task never enters their task registry.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mdm.clock import utcnow

EFFECT_TASK = "sink.effect"
EFFECT_LOCK = "sink:{key}"
POISON_TASK = "sink.poison"
# Generous: a campaign may kill the same job a few times before it gets through.
EFFECT_ATTEMPTS = 10
POISON_ATTEMPTS = 3
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL,
    item TEXT NOT NULL,
    job_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS effects (
    idempotency_key TEXT PRIMARY KEY,
    item TEXT NOT NULL,
    job_id INTEGER NOT NULL,
    first_attempt INTEGER NOT NULL,
    writes INTEGER NOT NULL,
    at TEXT NOT NULL
);
"""


def _connect(path: Path) -> sqlite3.Connection:
    # Autocommit mode: every transaction below is an explicit, short BEGIN IMMEDIATE.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    # A commit in WAL mode survives a killed process without an fsync; only a power cut, which
    # these tests do not simulate, could take it back.
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def create_sink(path: Path) -> Path:
    """Create the sink's tables in a new SQLite file (WAL, so readers never block it)."""
    connection = _connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(_SCHEMA)
    finally:
        connection.close()
    return path


@cache
def _delivery_connection(path: Path) -> sqlite3.Connection:
    # Kept open for the life of the worker: closing the last connection to a WAL database
    # checkpoints it, an fsync per delivery.
    return _connect(path)


def deliver(path: Path, idempotency_key: str, item: str, job_id: int, attempt: int) -> None:
    """One arrival at the sink: log it, and upsert the record under its idempotency key."""
    at = utcnow().isoformat()
    connection = _delivery_connection(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO deliveries (idempotency_key, item, job_id, attempt, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (idempotency_key, item, job_id, attempt, at),
        )
        connection.execute(
            "INSERT INTO effects (idempotency_key, item, job_id, first_attempt, writes, at)"
            " VALUES (?, ?, ?, ?, 1, ?)"
            " ON CONFLICT (idempotency_key) DO UPDATE SET writes = writes + 1",
            (idempotency_key, item, job_id, attempt, at),
        )
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class SinkState:
    """What arrived at the sink: deliveries per key, and the records it holds."""

    deliveries: Counter[str]
    # Idempotency key -> (item, writes): one record per key by construction of the table.
    effects: dict[str, tuple[str, int]]
    # Per item key ("k3"), the job ids in order of arrival.
    arrivals_by_key: dict[str, list[int]]

    def duplicate_effects(self) -> int:
        """Records beyond the first for one item: a second remote record for the same thing."""
        items = Counter(item for item, _writes in self.effects.values())
        return sum(count - 1 for count in items.values())

    def redelivered(self) -> set[str]:
        """Idempotency keys that arrived more than once (at-least-once, seen at the sink)."""
        return {key for key, count in self.deliveries.items() if count > 1}

    def order_violations(self) -> int:
        """Arrivals of a key's job after a later job of that key had arrived."""
        violations = 0
        for job_ids in self.arrivals_by_key.values():
            highest = 0
            for job_id in job_ids:
                violations += job_id < highest
                highest = max(highest, job_id)
        return violations


def read_sink(path: Path) -> SinkState:
    """The sink's whole state."""
    connection = _connect(path)
    try:
        rows = connection.execute(
            "SELECT idempotency_key, item, job_id FROM deliveries ORDER BY seq"
        )
        deliveries: Counter[str] = Counter()
        arrivals: defaultdict[str, list[int]] = defaultdict(list)
        for idempotency_key, item, job_id in rows:
            deliveries[idempotency_key] += 1
            arrivals[item.rpartition("/")[0]].append(job_id)
        effects = {
            key: (item, writes)
            for key, item, writes in connection.execute(
                "SELECT idempotency_key, item, writes FROM effects"
            )
        }
    finally:
        connection.close()
    return SinkState(deliveries, effects, dict(arrivals))
