"""Resolve on ingest: re-cluster just the neighbourhood of the records a batch touched.

Children follow their customer: when customer records change golden record, their
contracts and projects are re-keyed under the new parent and re-resolved there.

The neighbourhood is every record sharing a usable blocking key with a touched record, plus
all members of their golden records, so whole golden records are re-clustered with the
same model, constraints and clustering as `resolve --all`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import exists, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from matching.config import MatchSettings
from matching.scoring import FittedModel
from mdm.db import chunks, flushed_connection
from mdm.entities import EntityType
from mdm.golden.lineage_models import MatchConstraint
from mdm.id_lists import in_list
from mdm.planner import index_lookups
from mdm.records.lookups import ids_by_system
from mdm.records.models import ContractRecord, ProjectRecord, RecordStatus, SourceRecord
from mdm.resolution.ahead import Ahead, applies, catch_up, keyed_arrivals
from mdm.resolution.batch import match_and_apply
from mdm.resolution.frames import RecordFrame, load_frame, pick, read_columns
from mdm.resolution.keys import block_id, drop_keys, neighbours, store_keys
from mdm.resolution.modelstore import active_model
from mdm.resolution.partners import MEMO, partners


def has_model(session: Session, entity: EntityType) -> bool:
    """True when records are resolved as they arrive (a stored model or the preset's default)."""
    return active_model(session, entity)[1] is not None


def resolve_records(
    session: Session,
    entity: EntityType,
    touched: Iterable[int],
    deleted: Iterable[int] = (),
    *,
    match: bool = True,
    ahead: Ahead | None = None,
) -> dict[int, str]:
    """Resolve touched records against their neighbourhood; the golden id of every record seen.

    Customer records that change golden record take their contracts and projects along. With
    `match=False` only the blocking keys are kept up to date (matching is left to a batch run).
    Every statement looks rows up by key (see `index_lookups`), whoever calls: an ingest or a
    steward's decision that children follow. `ahead`: what `look_ahead` found of these
    records on a read snapshot, brought up to date here instead of read again.
    """
    with index_lookups(session):
        return _resolve_records(session, entity, touched, deleted, match=match, ahead=ahead)


def _resolve_records(
    session: Session,
    entity: EntityType,
    touched: Iterable[int],
    deleted: Iterable[int],
    *,
    match: bool,
    ahead: Ahead | None,
) -> dict[int, str]:
    settings, model, version = active_model(session, entity)
    drop_keys(session, list(deleted))
    # only what matching reads: nothing else of these records is looked at here
    columns = read_columns(settings)
    records = load_frame(session, entity, touched, columns)
    if ahead is not None and not applies(ahead, records, version):
        ahead = None  # another model, or arrivals written otherwise: read it all afresh
    known = keyed_arrivals(ahead, records) if ahead is not None else None
    keys = store_keys(session, entity, records, settings, MEMO, known=known)
    if not match or model is None or not records.record_ids:
        return {}
    _lock(session, entity, keys)
    touched_ids = set(records.record_ids)
    if ahead is not None and known is not None:
        others, near, found = catch_up(session, entity, ahead, records, known, (settings, model))
    else:
        others, near, found = _neighbourhood(session, entity, records, keys, settings, model)
    scope_ids = touched_ids | found | _constrained_partners(session, touched_ids)
    golden_of = _goldens_of(session, scope_ids)
    scope_ids |= _mates(session, set(golden_of.values()))
    # the arrivals and their neighbours are loaded already: only the rest is read again (the
    # arrivals last: a neighbour read ahead may be an older version of one of them)
    missing = scope_ids - touched_ids - near
    scope = pick([*others, load_frame(session, entity, missing, columns), records], scope_ids)
    # golden ids as they stand now (neighbours read ahead were read on an older snapshot)
    scope = replace(
        scope,
        golden_ids=[
            golden_of.get(r, g) for r, g in zip(scope.record_ids, scope.golden_ids, strict=True)
        ],
    )
    done = match_and_apply(session, entity, scope, settings, model, "engine", MEMO).reconciled
    if entity == EntityType.CUSTOMER:
        moved = [
            rid
            for rid, old, new in zip(
                scope.record_ids, scope.golden_ids, done.golden_of_row, strict=True
            )
            if old != new  # a newcomer too: its children may have arrived before it
        ]
        follow_parents(session, moved)
    return dict(zip(scope.record_ids, done.golden_of_row, strict=True))


def _constrained_partners(session: Session, record_ids: set[int]) -> set[int]:
    """Records a steward tied to (or kept apart from) these: their decisions must be re-applied."""
    connection = flushed_connection(session)
    found: set[int] = set()
    if not connection.execute(_ANY_CONSTRAINT).scalar():
        return found  # most hubs, most of the time: no steward decision to look up per record
    for chunk in chunks(sorted(record_ids)):
        for a, b in connection.execute(_CONSTRAINED, {"ids": chunk}).all():
            found.update((a, b))
    return found


def _neighbourhood(
    session: Session,
    entity: EntityType,
    records: RecordFrame,
    keys: Sequence[tuple[str, str]],
    settings: MatchSettings,
    model: FittedModel,
) -> tuple[list[RecordFrame], set[int], set[int]]:
    """The rows and ids of the records sharing a usable key with the arrivals, and their
    partners (as `catch_up` gives them)."""
    near = neighbours(session, entity, keys, settings) - set(records.record_ids)
    others = load_frame(session, entity, near, read_columns(settings))
    return [others], near, partners(records, others, settings, model)


def _goldens_of(session: Session, record_ids: set[int]) -> dict[int, str | None]:
    """Each record's golden id as it stands."""
    connection = flushed_connection(session)
    found: dict[int, str | None] = {}
    for chunk in chunks(sorted(record_ids)):
        rows = connection.execute(_GOLDENS, {"ids": chunk}).all()
        found.update((rid, golden) for rid, golden in rows if rid is not None)
    return found


def _mates(session: Session, goldens: set[str | None]) -> set[int]:
    """The active members of these golden records."""
    connection = flushed_connection(session)
    mates: set[int] = set()
    for chunk in chunks(sorted(g for g in goldens if g)):
        rows = connection.execute(_MATES, {"ids": chunk}).scalars().all()
        mates.update(rid for rid in rows if rid is not None)
    return mates


# Built once, the ids bound per chunk: building a statement costs more than running it.
_RECORD = col(SourceRecord.id)
_GOLDENS = sa_select(_RECORD, col(SourceRecord.golden_id)).where(in_list(_RECORD))
_ANY_CONSTRAINT = sa_select(exists().select_from(MatchConstraint))
_CONSTRAINED = sa_select(col(MatchConstraint.record_a_id), col(MatchConstraint.record_b_id)).where(
    or_(
        in_list(col(MatchConstraint.record_a_id)),
        in_list(col(MatchConstraint.record_b_id)),
    )
)
_MATES = sa_select(_RECORD).where(
    in_list(col(SourceRecord.golden_id)),
    col(SourceRecord.status) == RecordStatus.ACTIVE.value,
)


def _lock(session: Session, entity: EntityType, keys: Sequence[tuple[str, str]]) -> None:
    """One transaction-scoped advisory lock per blocking key (PostgreSQL), taken in order.

    Two arrivals of one customer share keys, so the second waits for the first to commit and
    then finds it. SQLite needs nothing: its writers already run one at a time.
    """
    if session.get_bind().dialect.name != "postgresql" or not keys:
        return
    ids = sorted({block_id(entity, rule, key) for rule, key in keys})
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(CAST(:ids AS bigint[])) AS k "
            "ORDER BY k) AS ordered"
        ),
        {"ids": ids},
    )


CHILDREN: tuple[tuple[EntityType, type[ContractRecord] | type[ProjectRecord]], ...] = (
    (EntityType.CONTRACT, ContractRecord),
    (EntityType.PROJECT, ProjectRecord),
)


def follow_parents(session: Session, customer_record_ids: Iterable[int]) -> dict[EntityType, int]:
    """Re-resolve the children of these customer records; how many of each type were looked at."""
    ids = sorted(set(customer_record_ids))
    if not ids:
        return {}
    held = _held_children(session)
    if not any(held):  # a hub of customers only: no child can follow (no query per id)
        return {entity: 0 for entity, _table in CHILDREN}
    parents = session.exec(
        select(SourceRecord.source_system, SourceRecord.source_id).where(
            col(SourceRecord.id).in_(ids)
        )
    ).all()
    seen: dict[EntityType, int] = {}
    for (entity, table), any_held in zip(CHILDREN, held, strict=True):
        children = _children_of(session, table, parents) if any_held else set()
        if children:
            resolve_records(session, entity, children)
        seen[entity] = len(children)
    return seen


def _held_children(session: Session) -> tuple[bool, ...]:
    """Whether each child table holds any record at all (one statement, an index probe each)."""
    return tuple(bool(held) for held in session.execute(_HELD).one())


# one statement built once, so every call is a statement-cache hit
_HELD = sa_select(*(exists().select_from(table) for _entity, table in CHILDREN))


def _children_of(
    session: Session,
    table: type[ContractRecord] | type[ProjectRecord],
    parents: Sequence[tuple[str, str]],
) -> set[int]:
    found: set[int] = set()
    for system, customers in ids_by_system(parents).items():
        for chunk in chunks(customers):
            query = (
                select(SourceRecord.id)
                .join(table, col(table.source_record_id) == col(SourceRecord.id))
                .where(
                    col(table.customer_source_id).in_(chunk),
                    col(SourceRecord.source_system) == system,
                    col(SourceRecord.status) == RecordStatus.ACTIVE.value,
                )
            )
            found.update(i for i in session.exec(query) if i is not None)
    return found
