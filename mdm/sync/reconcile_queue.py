"""Technical health of the flows, from the job table and its event log.

- queue depth: jobs per status now;
- retries: `retry_scheduled` events since `since`, per task;
- dead letters: jobs dead now, per task;
- connector error rates: a failed attempt (a `retry_scheduled` or `dead` event since `since`)
  belongs to the connected system its error names. The connectors' `RemoteError` reads
  `<system>: <message>` and the worker records `<ErrorClass>: <message>`, so the system is the
  second field (`TransientRemoteError: netsuite: HTTP 503`); an error naming no known system is
  the hub's own. A system's rate is its failed attempts over every job attempt (`claimed`
  event) since `since`: the share of the window's work that this system made fail.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from mdm.jobs.models import JobEventKind, JobStatus
from mdm.jobs.queries import status_counts
from mdm.jobs.store import EVENT, JOB

# The product each role's connector names in its errors.
SYSTEM_ROLES = {"salesforce": "crm", "kantata": "psa", "netsuite": "erp"}
HUB = "hub"
_NAMED = re.compile(r"^\w+: (\w+): ")
_FAILED = (JobEventKind.RETRY_SCHEDULED.value, JobEventKind.DEAD.value)


@dataclass(frozen=True)
class ConnectorErrors:
    """Failed attempts one system caused since the window opened."""

    system: str
    failed_attempts: int
    rate: float  # over every job attempt of the window


@dataclass(frozen=True)
class QueueHealth:
    """The job queue as the flows see it."""

    depth: dict[str, int]
    attempts: int
    retries: int
    retries_by_task: dict[str, int]
    dead_letters: dict[str, int]
    connectors: dict[str, ConnectorErrors]  # by role: crm, psa, erp, and hub


def queue_health(session: Session, since: datetime) -> QueueHealth:
    """Depth, retries, dead letters and connector error rates."""
    connection = session.connection()
    claims = select(func.count()).where(
        EVENT.c.kind == JobEventKind.CLAIMED.value, EVENT.c.at >= since
    )
    attempts = int(connection.execute(claims).scalar_one())
    failed = (
        select(JOB.c.task, EVENT.c.kind, EVENT.c.detail)
        .join(JOB, JOB.c.id == EVENT.c.job_id)
        .where(EVENT.c.kind.in_(_FAILED), EVENT.c.at >= since)
    )
    retries: Counter[str] = Counter()
    by_role: Counter[str] = Counter()
    for task, kind, detail in connection.execute(failed):
        if kind == JobEventKind.RETRY_SCHEDULED.value:
            retries[task] += 1
        by_role[role_of_error(detail)] += 1
    dead = (
        select(JOB.c.task, func.count())
        .where(JOB.c.status == JobStatus.DEAD.value)
        .group_by(JOB.c.task)
    )
    return QueueHealth(
        depth=status_counts(session),
        attempts=attempts,
        retries=sum(retries.values()),
        retries_by_task=dict(sorted(retries.items())),
        dead_letters={task: int(n) for task, n in sorted(connection.execute(dead).all())},
        connectors=_connectors(by_role, attempts),
    )


def role_of_error(detail: Any) -> str:
    """The role (`crm`, `psa`, `erp`) whose system an event's error names, else `hub`."""
    error = detail.get("error") if isinstance(detail, dict) else None
    found = _NAMED.match(error) if isinstance(error, str) else None
    return SYSTEM_ROLES.get(found.group(1), HUB) if found else HUB


def _connectors(by_role: Counter[str], attempts: int) -> dict[str, ConnectorErrors]:
    systems = {role: system for system, role in SYSTEM_ROLES.items()} | {HUB: HUB}
    return {
        role: ConnectorErrors(
            system=system,
            failed_attempts=by_role[role],
            rate=by_role[role] / attempts if attempts else 0.0,
        )
        for role, system in systems.items()
    }
