"""The audit of steward actions: written in the action's own transaction, read with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import aware
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.stewardship.models import StewardAction

MAX_PAGE = 200


def record(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    *,
    entity: EntityType | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Write one audit row beside the change it describes (same unit of work)."""
    session.add(
        StewardAction(
            actor=actor,
            action=action,
            entity_type=entity.value if entity else None,
            subject=subject[:64],
            before=_plain(before or {}),
            after=_plain(after or {}),
            correlation_id=correlation.get(),
        )
    )
    session.flush()


def _plain(value: Any) -> Any:
    # JSON columns take only plain values; dates, decimals and enums become text.
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass(frozen=True)
class AuditFilter:
    """Which actions to list: by person, entity (type or golden/candidate id) and day range."""

    actor: str | None = None
    entity: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class AuditEntry:
    """One audited action as the audit page shows it."""

    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str | None
    subject: str
    before: dict[str, Any]
    after: dict[str, Any]
    correlation_id: str | None


def entries(session: Session, where: AuditFilter) -> tuple[list[AuditEntry], int]:
    """A page of actions, newest first, and how many match in all."""
    if not 1 <= where.limit <= MAX_PAGE or where.offset < 0:
        raise InvalidInput(f"limit must be 1 to {MAX_PAGE} and offset not negative")
    filters = _filters(where)
    total = session.exec(select(func.count()).select_from(StewardAction).where(*filters)).one()
    query = (
        select(StewardAction)
        .where(*filters)
        .order_by(col(StewardAction.id).desc())
        .limit(where.limit)
        .offset(where.offset)
    )
    rows = [_entry(row) for row in session.exec(query)]
    return rows, total


def actors(session: Session) -> list[str]:
    """Everyone who has acted, for the audit page's filter."""
    query = select(StewardAction.actor).distinct().order_by(col(StewardAction.actor))
    return list(session.exec(query))


def _filters(where: AuditFilter) -> list[Any]:
    filters: list[Any] = []
    if where.actor:
        filters.append(col(StewardAction.actor) == where.actor)
    if where.entity:
        wanted = where.entity.strip()
        types = {e.value for e in EntityType} | {e.plural for e in EntityType}
        if wanted.lower() in types:
            filters.append(col(StewardAction.entity_type) == EntityType.parse(wanted).value)
        else:
            filters.append(col(StewardAction.subject) == wanted)
    if where.since:
        filters.append(col(StewardAction.at) >= _start_of(where.since))
    if where.until:
        filters.append(col(StewardAction.at) < _start_of(where.until + timedelta(days=1)))
    return filters


def _start_of(day: date) -> datetime:
    return aware(datetime.combine(day, time.min))


def _entry(row: StewardAction) -> AuditEntry:
    assert row.id is not None
    return AuditEntry(
        id=row.id,
        at=aware(row.at),
        actor=row.actor,
        action=row.action,
        entity_type=row.entity_type,
        subject=row.subject,
        before=dict(row.before),
        after=dict(row.after),
        correlation_id=row.correlation_id,
    )
