"""Find a source record, its id and its golden id by system and source id, in tests."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.records.models import SourceRecord


def record_of(session: Session, system: str, source_id: str) -> SourceRecord:
    """The one source record under (system, source id), whatever its type."""
    query = select(SourceRecord).where(
        col(SourceRecord.source_system) == system, col(SourceRecord.source_id) == source_id
    )
    return session.exec(query).one()


def record_id(session: Session, system: str, source_id: str) -> int:
    """Its database id."""
    value = record_of(session, system, source_id).id
    assert value is not None
    return value


def golden_of(engine: Engine, system: str, source_id: str) -> str:
    """Its current golden id (it must have one)."""
    with Session(engine) as session:
        golden = record_of(session, system, source_id).golden_id
    assert golden is not None
    return golden
