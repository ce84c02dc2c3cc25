"""Blocking keys in the database, so any process finds a record's candidates with an index.

Each record stores the keys the matching settings' blocking rules give it; a new record's
candidates are the records sharing one of its keys, unless that key is shared so widely that
it identifies nothing (the rule's `max_block_size`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from matching.blocking import soundex
from matching.config import BlockingRule, MatchSettings
from matching.prepare import prepare
from mdm.entities import EntityType
from mdm.resolution.frames import RecordFrame
from mdm.resolution.models import BlockingKey


def rule_name(rule: BlockingRule) -> str:
    """A stable name for a rule, stored with its keys."""
    return f"{rule.method}:{rule.field}"


def _values(value: str, rule: BlockingRule) -> list[str]:
    if rule.method == "tokens":
        return sorted(set(value.split()))
    if rule.method == "prefix":
        return [value[: rule.param or 4]]
    if rule.method == "phonetic":
        return [" ".join(soundex(t) for t in value.split())]
    if rule.method == "sorted_neighbourhood":
        # a window over sorted names has no per-record key; its nearest stand-in is the start
        return [value[:6]]
    return [value]


def record_keys(records: RecordFrame, settings: MatchSettings) -> list[tuple[int, str, str]]:
    """(record id, rule, key) for every record of the frame."""
    if records.frame.empty:
        return []
    prepared = prepare(records.frame, settings)
    parents = prepared[settings.parent_field].tolist() if settings.parent_field else None
    out: list[tuple[int, str, str]] = []
    for rule in settings.blocking:
        for row, value in enumerate(prepared[rule.field].tolist()):
            if not value:
                continue
            scope = f"{parents[row] or ''}\x1f" if parents is not None else ""
            out += [
                (records.record_ids[row], rule_name(rule), scope + k)
                for k in _values(str(value), rule)
            ]
    return out


def store_keys(
    session: Session, entity: EntityType, records: RecordFrame, settings: MatchSettings
) -> list[tuple[str, str]]:
    """Replace the stored keys of these records; return the distinct (rule, key) pairs."""
    ids = records.record_ids
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(BlockingKey).where(col(BlockingKey.source_record_id).in_(chunk)))
    rows = {(rid, rule, key) for rid, rule, key in record_keys(records, settings)}
    if rows:
        session.execute(
            insert(BlockingKey),
            [
                {"entity_type": entity.value, "source_record_id": rid, "rule": rule, "key": key}
                for rid, rule, key in sorted(rows)
            ],
        )
    return sorted({(rule, key) for _rid, rule, key in rows})


def drop_keys(session: Session, record_ids: Sequence[int]) -> None:
    """Forget the keys of records that no longer take part (deleted)."""
    ids = list(record_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(BlockingKey).where(col(BlockingKey.source_record_id).in_(chunk)))


def neighbours(
    session: Session, entity: EntityType, keys: Sequence[tuple[str, str]], settings: MatchSettings
) -> set[int]:
    """Records sharing one of `keys`, ignoring keys too common to identify anything."""
    caps = {rule_name(r): r.max_block_size for r in settings.blocking}
    by_rule: dict[str, list[str]] = defaultdict(list)
    for rule, key in keys:
        by_rule[rule].append(key)
    found: set[int] = set()
    for rule, values in sorted(by_rule.items()):
        for start in range(0, len(values), 500):
            found |= _block_members(
                session, entity, rule, values[start : start + 500], caps.get(rule, 100)
            )
    return found


def _block_members(
    session: Session, entity: EntityType, rule: str, values: list[str], cap: int
) -> set[int]:
    # One rule per query, `key IN (...)`: both databases then seek the (entity, rule, key)
    # index per key. A (rule, key) row-value IN makes SQLite scan every key of the entity.
    scope = (
        col(BlockingKey.entity_type) == entity.value,
        col(BlockingKey.rule) == rule,
    )
    counts = session.exec(
        select(BlockingKey.key, func.count())
        .where(*scope, col(BlockingKey.key).in_(values))
        .group_by(col(BlockingKey.key))
    ).all()
    usable = [key for key, n in counts if n <= cap]
    if not usable:
        return set()
    members = select(BlockingKey.source_record_id).where(*scope, col(BlockingKey.key).in_(usable))
    return set(session.exec(members).all())
