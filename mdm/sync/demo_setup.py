"""The demo's stage: a settings copy with a compressed clock, fresh sandboxes on free ports,
a hub holding the seeds and no earlier flow state, and the won deals the run is about."""

from __future__ import annotations

import random
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, or_, select

from mdm.connectors.config import Role
from mdm.connectors.registry import ROLES
from mdm.db import session_scope
from mdm.errors import InvalidInput
from mdm.jobs.store import EVENT, JOB
from mdm.records.seed import is_empty, load_seeds
from mdm.resolution.batch import resolve_every_type
from mdm.sandbox.core import Sandbox
from mdm.sandbox.serve import BackgroundSandboxes, start_in_background
from mdm.settings import Settings
from mdm.sync.models import BillingTransaction, SyncCursor, SyncDeal, SyncException

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "data"
OPEN_STAGE = "Negotiation/Review"
# Job idempotency keys of the flows (`q2p:<step>:...`, `p2c:<step>:...`, `sync:repoint:...`).
FLOW_KEY_PREFIXES = ("q2p:", "p2c:", "sync:")
Say = Callable[[str], None]


@dataclass(frozen=True)
class Tuning:
    """The compressed clock: short timeouts and hangs, fast polls, scaled-down backoff."""

    timeout_seconds: float = 0.3
    # A retry storm (a throttled ERP) must outlast ten attempts: ~10 s of backoff in all.
    backoff_scale: float = 0.02
    lease_seconds: float = 5.0
    poll_seconds: float = 0.05
    # Each poll round reads every linked project: more often would only repeat the reads.
    sync_poll_seconds: float = 2.0
    # A CRM write-back waits this long for more postings of its account.
    writeback_window_seconds: float = 1.0
    rate_per_second: float = 1000.0

    @property
    def hang_seconds(self) -> float:
        """A commit-then-timeout answer comes just after the client gave up."""
        return self.timeout_seconds + 0.05

    @property
    def slow_seconds(self) -> float:
        """A slow answer still arrives within the client's patience."""
        return self.timeout_seconds / 4


def demo_settings(base: Settings, base_port: int, tuning: Tuning) -> Settings:
    """The run's settings: sandboxes on `base_port`, the flows on, time compressed."""
    update: dict[str, Any] = {
        "sandbox_base_port": base_port,
        "jobs_backoff_scale": tuning.backoff_scale,
        "jobs_lease_seconds": tuning.lease_seconds,
        "jobs_poll_seconds": tuning.poll_seconds,
        "jobs_crash_at": None,
        "sync_enabled": True,
        "sync_poll_seconds": tuning.sync_poll_seconds,
        "sync_writeback_window_seconds": tuning.writeback_window_seconds,
    }
    for role in ROLES:
        connection = getattr(base, role).model_copy(
            update={
                "base_url": None,
                "timeout_seconds": tuning.timeout_seconds,
                "rate_per_second": tuning.rate_per_second,
            }
        )
        update[role] = connection
    known = {k: v for k, v in update.items() if k in Settings.model_fields}
    return base.model_copy(update=known)


def refuse_real_systems(settings: Settings) -> None:
    """The demo resets the flows' state: never on a hub wired to real systems."""
    real = [role for role in ROLES if getattr(settings, role).base_url]
    if real:
        raise InvalidInput(
            f"the demo resets the flows' state, and {', '.join(real)} point at real systems "
            "(MDM_*__BASE_URL): run it on a hub of its own"
        )


def free_base_port(host: str = "127.0.0.1", attempts: int = 50) -> int:
    """A port p with p, p+1 and p+2 free (one per role)."""
    for _ in range(attempts):
        with socket.socket() as probe:
            probe.bind((host, 0))
            base = int(probe.getsockname()[1])
        if base + 2 < 65536 and all(_free(host, base + offset) for offset in (0, 1, 2)):
            return base
    raise RuntimeError("no three consecutive free ports for the sandboxes")


def _free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class Systems:
    """The three sandboxes of the run, served in this process, and their state."""

    running: BackgroundSandboxes
    urls: dict[Role, str]

    def sandbox(self, role: Role) -> Sandbox:
        """The role's sandbox state (its store, feed and faults)."""
        for served, server in self.running.servers:
            if served == role:
                app: Any = server.config.app
                sandbox: Sandbox = app.state.sandbox
                return sandbox
        raise KeyError(role)

    def stop(self) -> None:
        """Stop serving."""
        self.running.stop()


def start_systems(settings: Settings) -> Systems:
    """Fresh seeded sandboxes for the three roles, on the settings' ports."""
    running = start_in_background(settings, ROLES)
    host = settings.sandbox_host
    urls: dict[Role, str] = {
        role: f"http://{host}:{server.config.port}" for role, server in running.servers
    }
    return Systems(running, urls)


def ensure_seeded(engine: Engine, say: Say) -> None:
    """Load and resolve the seeds when the hub holds no record yet (as `mdm seed --if-empty`)."""
    if not is_empty(engine):
        return
    say("loading the seeds into the hub")
    load_seeds(engine, SEEDS)
    for report in resolve_every_type(engine):
        say(report.summary())


def reset_flow_state(engine: Engine) -> None:
    """Forget earlier runs: their deals, transactions, exceptions, cursors and flow jobs.

    They name records of sandboxes that no longer exist, and a job's idempotency key would
    keep this run's job of the same deal from being enqueued at all.
    """
    flow_jobs = or_(*(JOB.c.idempotency_key.startswith(p) for p in FLOW_KEY_PREFIXES))
    with session_scope(engine, write=True) as session:
        ids = select(JOB.c.id).where(flow_jobs)
        session.execute(delete(EVENT).where(EVENT.c.job_id.in_(ids)))
        session.execute(delete(JOB).where(flow_jobs))
        for model in (BillingTransaction, SyncException, SyncDeal, SyncCursor):
            session.execute(delete(model))


def select_won(systems: Systems, count: int, seed: int) -> list[str]:
    """Choose `count` won opportunities (seeded); every other one goes back to an open stage,
    so the CRM shows the flows exactly the chosen deals."""
    store = systems.sandbox("crm").store
    with store.lock:
        won = sorted(r.id for r in store.all("Opportunity") if r.fields.get("IsWon"))
        chosen = sorted(random.Random(seed).sample(won, min(count, len(won))))
        keep = set(chosen)
        reopened = {"StageName": OPEN_STAGE, "IsClosed": False, "IsWon": False}
        for record_id in won:
            if record_id not in keep:
                store.update("Opportunity", record_id, reopened)
    return chosen
