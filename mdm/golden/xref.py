"""The cross-reference lookup: "I hold id X in system A; what is its golden record and its ids
in every other system?" Asked thousands of times a minute, so it is one indexed statement on a
bare connection (no ORM objects): the record, its golden record's redirect, its review flag and
the golden record's active members. A record still naming a merged-away golden record costs a
statement per redirect hop and one for the survivor's members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ClauseElement, Engine, and_, bindparam, select
from sqlalchemy.sql.compiler import SQLCompiler

from mdm.entities import EntityType
from mdm.errors import InvalidInput, NotFound
from mdm.golden.models import GoldenRecord
from mdm.golden.queries import MAX_REDIRECTS, in_review
from mdm.records.models import RecordStatus, SourceRecord
from mdm.resolution.models import MatchCandidate

_record = SourceRecord.__table__.alias("r")  # type: ignore[attr-defined]
_golden = GoldenRecord.__table__.alias("g")  # type: ignore[attr-defined]
_candidate = MatchCandidate.__table__.alias("c")  # type: ignore[attr-defined]
_member = SourceRecord.__table__.alias("m")  # type: ignore[attr-defined]


# Built once: SQLAlchemy caches the compiled form, so a lookup only binds three values.
# One row per active member of the record's golden record (one row with no member if it has
# none): the record, its golden record's redirect, its review flag and the members together.
LOOKUP = (
    select(
        _record.c.golden_id,
        _record.c.status,
        _golden.c.merged_into_id,
        in_review(_record.c.id).label("pending"),
        _member.c.source_system,
        _member.c.source_id,
    )
    .select_from(
        _record.outerjoin(_golden, _golden.c.id == _record.c.golden_id).outerjoin(
            _member,
            and_(
                _member.c.golden_id == _record.c.golden_id,
                _member.c.status == RecordStatus.ACTIVE.value,
            ),
        )
    )
    .where(
        _record.c.entity_type == bindparam("entity"),
        _record.c.source_system == bindparam("system"),
        _record.c.source_id == bindparam("source_id"),
    )
    .order_by(_member.c.source_system, _member.c.source_id)
)
# A record whose golden record was merged away (rare: merges move their records along).
MEMBERS_QUERY = (
    select(_member.c.source_system, _member.c.source_id)
    .where(
        _member.c.golden_id == bindparam("golden_id"),
        _member.c.status == RecordStatus.ACTIVE.value,
    )
    .order_by(_member.c.source_system, _member.c.source_id)
)
REDIRECT_QUERY = select(_golden.c.merged_into_id).where(_golden.c.id == bindparam("golden_id"))


class Prepared:
    """A Core statement compiled once per dialect and run on a pooled DBAPI connection.

    The hot path pays neither SQLAlchemy's execution machinery nor a transaction of its own:
    one statement reads a consistent snapshot by itself.
    """

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, SQLCompiler] = {}

    def compiled(self, engine: Engine) -> SQLCompiler:
        """The statement in the engine's dialect (compiled on first use)."""
        name = engine.dialect.name
        if name not in self._compiled:
            compiled = self.statement.compile(dialect=engine.dialect)
            assert isinstance(compiled, SQLCompiler)
            self._compiled[name] = compiled
        return self._compiled[name]

    def arguments(self, engine: Engine, params: dict[str, Any]) -> Any:
        """The DBAPI arguments: a list for positional paramstyles (SQLite's), else a dict."""
        compiled = self.compiled(engine)
        values = compiled.construct_params(params) or {}
        order = compiled.positiontup
        return [values[k] for k in order] if order is not None else values

    def rows(self, engine: Engine, **params: Any) -> list[tuple[Any, ...]]:
        """Every row for these parameters."""
        # The engine's own NUL check (mdm.db) sees only statements SQLAlchemy runs.
        if any(isinstance(v, str) and "\x00" in v for v in params.values()):
            raise InvalidInput("text cannot contain NUL (\\x00) characters")
        sql, args = str(self.compiled(engine)), self.arguments(engine, params)
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, args)
                return [tuple(row) for row in cursor.fetchall()]
            finally:
                cursor.close()
        finally:
            connection.close()


@dataclass(frozen=True)
class Xref:
    """Where a source record stands: its golden record and every system's ids for it."""

    entity_type: EntityType
    source_system: str
    source_id: str
    golden_id: str | None
    status: str  # "linked", "pending_review" or "deleted", as in the xref export
    redirected_from: str | None  # the record's stored golden id, when it has been merged away
    ids: dict[str, list[str]]


def xref(engine: Engine, entity: EntityType, system: str, source_id: str) -> Xref:
    """The cross-reference of one source record; `NotFound` when the hub has no such record."""
    key = {"entity": entity.value, "system": system.strip().lower(), "source_id": source_id}
    rows = _LOOKUP.rows(engine, **key)
    if not rows:
        raise NotFound(f"no {entity.value} record {key['system']}:{source_id}")
    stored, record_status, merged_into, pending = rows[0][:4]
    members = [(r[4], r[5]) for r in rows if r[4] is not None]
    golden = stored
    if merged_into:
        golden = _follow(engine, merged_into)
        members = [(r[0], r[1]) for r in _MEMBERS.rows(engine, golden_id=golden)]
    ids: dict[str, list[str]] = defaultdict(list)
    for member_system, member_id in members:
        ids[member_system].append(member_id)
    if record_status == RecordStatus.DELETED.value:
        status = "deleted"
    else:
        status = "pending_review" if pending else "linked"
    return Xref(
        entity_type=entity,
        source_system=key["system"],
        source_id=source_id,
        golden_id=golden,
        status=status,
        redirected_from=stored if golden != stored else None,
        ids=dict(ids),
    )


def _follow(engine: Engine, golden_id: str) -> str:
    seen = {golden_id}
    for _ in range(MAX_REDIRECTS):
        found = _REDIRECT.rows(engine, golden_id=golden_id)
        nxt = found[0][0] if found else None
        if nxt is None or nxt in seen:
            break
        seen.add(nxt)
        golden_id = nxt
    return golden_id


_LOOKUP, _MEMBERS, _REDIRECT = Prepared(LOOKUP), Prepared(MEMBERS_QUERY), Prepared(REDIRECT_QUERY)
