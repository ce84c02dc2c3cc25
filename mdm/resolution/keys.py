"""Blocking keys in the database, so any process finds a record's candidates with an index.

Each record stores the keys the matching settings' blocking rules give it; a new record's
candidates are the records sharing one of its keys, unless that key is shared so widely that
it identifies nothing (the rule's `max_block_size`).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache

from sqlalchemy import Connection, bindparam, delete, func, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from matching.batch.standardize import Memo, prepare_distinct
from matching.blocking import soundex
from matching.config import BlockingRule, MatchSettings
from mdm.db import chunks, flushed_connection, insert_rows
from mdm.entities import EntityType
from mdm.id_lists import in_list
from mdm.resolution.frames import RecordFrame
from mdm.resolution.models import BlockingKey


def rule_name(rule: BlockingRule) -> str:
    """A stable name for a rule: with the entity type and the key, it names a block."""
    return f"{rule.method}:{rule.field}"


# the cap of a rule the settings do not name (keys stored under another model version)
DEFAULT_CAP = 100


def block_caps(settings: MatchSettings) -> defaultdict[str, int]:
    """Each rule's `max_block_size` by rule name: a block with more records identifies
    nothing and is not looked into. A rule the settings do not name gets `DEFAULT_CAP`."""
    caps: defaultdict[str, int] = defaultdict(lambda: DEFAULT_CAP)
    caps.update((rule_name(r), r.max_block_size) for r in settings.blocking)
    return caps


@lru_cache(maxsize=1 << 16)  # a batch's keys are worked out ahead, then stored under the lock
def block_id(entity: EntityType, rule: str, key: str) -> int:
    """The 64-bit id of a block (a rule's key for an entity type), as the database stores it.

    Two blocks share an id with odds of about one in 2^64 per pair: they would then count as
    one block against the cap, and their records be compared as neighbours and scored as any
    pair is. Fixed for good: stored ids depend on it (migration 0019 computes the same).
    """
    named = f"{entity.value}\x1f{rule}\x1f{key}".encode()
    return int.from_bytes(hashlib.blake2b(named, digest_size=8).digest(), "big", signed=True)


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


def record_keys(
    records: RecordFrame, settings: MatchSettings, memo: Memo | None = None
) -> list[tuple[str, str, int]]:
    """(rule, key, record id) for every record of the frame, in no particular order.

    With a `memo` the standardized values are kept for the matching that follows (resolve on
    ingest probes and dedupes the same arrivals next).
    """
    if records.frame.empty:
        return []
    # in-process: a server's few thousand records do not pay for forking it
    prepared = prepare_distinct(records.frame, settings, workers=1, memo=memo)
    parents = prepared[settings.parent_field].to_list() if settings.parent_field else None
    scopes = [f"{p or ''}\x1f" for p in parents] if parents is not None else None
    ids = records.record_ids
    out: list[tuple[str, str, int]] = []
    for rule in settings.blocking:
        name, column = rule_name(rule), prepared[rule.field]
        # once per distinct value: records repeat their phones, domains and names
        keys = [_values(str(value), rule) if value else [] for value in column.values]
        codes = column.codes.tolist()  # -1: no value
        # one flat comprehension per rule: a loop per record costs more than its few keys
        if scopes is None:
            out += [
                (name, k, i) for i, c in zip(ids, codes, strict=True) if c >= 0 for k in keys[c]
            ]
        else:
            out += [
                (name, scope + k, i)
                for i, c, scope in zip(ids, codes, scopes, strict=True)
                if c >= 0
                for k in keys[c]
            ]
    return out


def store_keys(
    session: Session,
    entity: EntityType,
    records: RecordFrame,
    settings: MatchSettings,
    memo: Memo | None = None,
    known: list[tuple[str, str, int]] | None = None,
) -> list[tuple[str, str]]:
    """Replace the stored keys of these records; return the distinct (rule, key) pairs.

    `memo` as in `record_keys`; `known`: what `record_keys` gives these records, worked out
    already.
    """
    drop_keys(session, records.record_ids)
    found = record_keys(records, settings, memo) if known is None else known
    rows = sorted(set(found))
    # in the order of the (block, record) primary key: its pages then fill one after the other
    # instead of at random (the new records' ids come last in the record key anyway)
    stored = sorted({(block_id(entity, rule, key), rid) for rule, key, rid in rows})
    insert_rows(
        session, BlockingKey, [{"block": block, "source_record_id": rid} for block, rid in stored]
    )
    return list(dict.fromkeys((rule, key) for rule, key, _rid in rows))  # sorted already


def drop_keys(session: Session, record_ids: Sequence[int]) -> None:
    """Forget the keys of records that no longer take part (deleted)."""
    ids = list(record_ids)
    if not ids:
        return
    connection = flushed_connection(session)
    for chunk in chunks(ids):
        connection.execute(_DELETE, {"ids": chunk})


_DELETE = delete(BlockingKey).where(in_list(col(BlockingKey.source_record_id)))


def neighbours(
    session: Session, entity: EntityType, keys: Sequence[tuple[str, str]], settings: MatchSettings
) -> set[int]:
    """Records sharing one of `keys`, ignoring keys too common to identify anything."""
    caps = block_caps(settings)
    by_rule = _by_rule(keys)
    # plain rows through the connection: the ORM's row handling costs more than the reading
    connection = flushed_connection(session)
    members = _in_lateral if connection.dialect.name == "postgresql" else _in_one_step
    found: set[int] = set()
    for rule, values in sorted(by_rule.items()):
        cap = caps[rule]
        for chunk in chunks([block_id(entity, rule, key) for key in values]):
            found.update(members(connection, chunk, cap))
    return found


def _by_rule(keys: Sequence[tuple[str, str]]) -> dict[str, dict[str, None]]:
    """The keys of each rule, each once: a block is sized by its members, not by asking."""
    by_rule: dict[str, dict[str, None]] = defaultdict(dict)
    for rule, key in keys:
        by_rule[rule][key] = None
    return by_rule


def _in_one_step(connection: Connection, blocks: list[int], cap: int) -> list[int]:
    """SQLite: the members of the blocks holding at most `cap` records, in one statement."""
    bound = {"blocks": blocks, "cap": cap}
    return list(connection.execute(_USABLE_MEMBERS, bound).scalars().all())


def _in_lateral(connection: Connection, blocks: list[int], cap: int) -> list[int]:
    """PostgreSQL: at most `cap` + 1 members of each block, then those of the blocks within cap.

    Each block is a range of the primary key of its own (a LATERAL subquery per block, which
    the LIMIT keeps from being flattened into a join), whatever the statistics say. Before a
    table's first statistics (a new hub's first batches, or autovacuum off), PostgreSQL
    planned a key list as a filter over all the keys, or a join of keys to their block sizes
    as a nested loop over them: seconds to minutes per batch.
    """
    rows = connection.execute(_LATERAL_MEMBERS, {"blocks": blocks, "over": cap + 1}).all()
    sizes = Counter(block for block, _record in rows)
    return [record for block, record in rows if sizes[block] <= cap]


# One rule (one cap) per statement: SQLite seeks the (block, record) primary key per block.
# Built once: building a statement costs more than running it from the statement cache.
_BLOCK = col(BlockingKey.block)
_IN_BLOCKS = in_list(_BLOCK, "blocks")
_USABLE_MEMBERS = sa_select(col(BlockingKey.source_record_id)).where(
    _BLOCK.in_(
        sa_select(_BLOCK)
        .where(_IN_BLOCKS)
        .group_by(_BLOCK)
        .having(func.count() <= bindparam("cap"))
    ),
)
_LATERAL_MEMBERS = text(
    "SELECT k.block, m.source_record_id FROM unnest(CAST(:blocks AS bigint[])) AS k(block) "
    "CROSS JOIN LATERAL (SELECT b.source_record_id FROM blocking_key AS b "
    "WHERE b.block = k.block LIMIT :over) AS m"
)


Key = tuple[str, str]  # (rule, key)


def blocks(
    session: Session, entity: EntityType, keys: Sequence[Key], settings: MatchSettings
) -> tuple[dict[Key, list[int]], dict[Key, int]]:
    """The members of each key's block within its rule's cap, and the size of each beyond it.

    What `neighbours` reads, kept per key: a later change to a block is then applied to the
    block alone (see `mdm.resolution.ahead`). A key with no record is in neither."""
    caps = block_caps(settings)
    by_rule = _by_rule(keys)
    connection = flushed_connection(session)
    members: dict[Key, list[int]] = {}
    over: dict[Key, int] = {}
    for rule, values in sorted(by_rule.items()):
        cap = caps[rule]
        for chunk in chunks(list(values)):
            key_of = {block_id(entity, rule, key): (rule, key) for key in chunk}
            sizes = dict(connection.execute(_SIZES, {"blocks": list(key_of)}).all())
            within = [b for b, size in sizes.items() if size <= cap]
            over.update((key_of[b], size) for b, size in sizes.items() if size > cap)
            if within:
                rows = connection.execute(_MEMBERS, {"blocks": within}).all()
                for block, record in rows:
                    members.setdefault(key_of[block], []).append(record)
    return members, over


def holders(
    session: Session, record_ids: Sequence[int], wanted: Mapping[int, Key]
) -> dict[Key, set[int]]:
    """The records among these in each of the `wanted` blocks (by id), by (rule, key)."""
    connection = flushed_connection(session)
    found: dict[Key, set[int]] = defaultdict(set)
    for chunk in chunks(sorted(record_ids)):
        for block, record in connection.execute(_HELD, {"ids": chunk}).all():
            if block in wanted:
                found[wanted[block]].add(record)
    return found


_SIZES = sa_select(_BLOCK, func.count()).where(_IN_BLOCKS).group_by(_BLOCK)
_MEMBERS = sa_select(_BLOCK, col(BlockingKey.source_record_id)).where(_IN_BLOCKS)
_HELD = sa_select(_BLOCK, col(BlockingKey.source_record_id)).where(
    in_list(col(BlockingKey.source_record_id))
)
