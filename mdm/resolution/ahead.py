"""Resolve work a batch does before it takes SQLite's write lock, brought up to date under it.

SQLite runs one writer at a time, so processes ingesting at once take turns for the whole of
each batch. Most of resolving a batch only reads, though: its blocking keys, the blocks they
open, the neighbours' rows and the probe that finds the partners. `look_ahead` does that on a
read snapshot while another process writes; `catch_up`, under the write lock, applies what was
committed since. Every change to a record is a new version, and on SQLite version ids grow in
commit order (one writer at a time, versions never deleted): the records changed since the
snapshot are those with a version newer than the snapshot's newest.

What the snapshot said of the other records still holds: their rows, their blocks' members and
which of them partner an arrival. Changed records are read again, their blocks re-counted, and
they alone are probed against the arrivals. Name tokens are weighed over the records a probe
sees, so the partners found ahead keep the snapshot's weights and those found now weigh over
the arrivals and the changed records: a pair within a hair of the review threshold may fall on
another side of it than in one probe of the whole neighbourhood, as under another batching.
Golden ids are never taken from a snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from matching.config import MatchSettings
from matching.scoring import FittedModel
from mdm.entities import EntityType
from mdm.records.models import SourceRecord, SourceRecordVersion
from mdm.records.validation import ValidRow
from mdm.resolution.frames import (
    RecordFrame,
    cells_by_key,
    frame_of_rows,
    load_frame,
    read_columns,
)
from mdm.resolution.keys import (
    Key,
    block_caps,
    block_id,
    blocks,
    holders,
    neighbours,
    record_keys,
)
from mdm.resolution.modelstore import active_model
from mdm.resolution.partners import MEMO, partners


@dataclass(frozen=True)
class Ahead:
    """A batch's resolve as far as a read snapshot takes it."""

    version: int  # the model version it matched with
    newest_version: int  # id of the newest record version the snapshot held
    newest_record: int  # id of the newest record it held
    arrivals: dict[tuple[str, str], tuple[Any, ...]]  # cells of the records to be written
    arrival_keys: dict[tuple[str, str], list[Key]]  # and their blocking keys
    members: dict[Key, list[int]]  # each block within its cap
    over: dict[Key, int]  # the size of each block beyond it
    others: RecordFrame  # the neighbours' rows
    partners: frozenset[int]


def look_ahead(session: Session, entity: EntityType, rows: Sequence[ValidRow]) -> Ahead | None:
    """Resolve valid rows about to be written as far as `session`'s snapshot allows.

    None where nothing can be done ahead: on PostgreSQL (writers do not take turns there), for
    contracts and projects (their parents resolve as they are written), without a model.
    """
    if session.get_bind().dialect.name != "sqlite" or entity != EntityType.CUSTOMER:
        return None
    settings, model, version = active_model(session, entity)
    if model is None:
        return None
    newest_version, newest_record = session.execute(_NEWEST).one()
    last = {(r.source_system, r.source_id): r for r in rows}  # a key's last row is what stays
    written = [(s, i, r.parsed.values) for (s, i), r in last.items() if not r.deleted]
    columns = read_columns(settings)
    arrivals = frame_of_rows(entity, written, columns)
    keyed = record_keys(arrivals, settings, MEMO)
    keys = list(dict.fromkeys((rule, key) for rule, key, _id in keyed))
    ids = arrivals.record_ids
    key_of = {rid: (system, sid) for rid, (system, sid, _v) in zip(ids, written, strict=True)}
    arrival_keys: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for rule, key, rid in keyed:
        arrival_keys[key_of[rid]].append((rule, key))
    members, over = blocks(session, entity, keys, settings)
    others = load_frame(session, entity, {m for ids in members.values() for m in ids}, columns)
    found = partners(arrivals, others, settings, model) - set(arrivals.record_ids)
    return Ahead(
        version,
        newest_version or 0,
        newest_record or 0,
        cells_by_key(arrivals),
        dict(arrival_keys),
        members,
        over,
        others,
        frozenset(found),
    )


def applies(ahead: Ahead, records: RecordFrame, version: int) -> bool:
    """Whether the look ahead holds for the arrivals as written (`records`): the same model is
    in force, and every arrival was written with the cells it matched."""
    if version != ahead.version:
        return False
    return all(ahead.arrivals.get(key) == cells for key, cells in cells_by_key(records).items())


def keyed_arrivals(ahead: Ahead, records: RecordFrame) -> list[tuple[str, str, int]]:
    """(rule, key, record id) of the arrivals, as `record_keys` gives them (see `applies`)."""
    return [
        (rule, key, rid)
        for rid, at in zip(records.record_ids, cells_by_key(records), strict=True)
        for rule, key in ahead.arrival_keys.get(at, ())
    ]


def catch_up(
    session: Session,
    entity: EntityType,
    ahead: Ahead,
    records: RecordFrame,
    keyed: Sequence[tuple[str, str, int]],
    matcher: tuple[MatchSettings, FittedModel],
) -> tuple[list[RecordFrame], set[int], set[int]]:
    """The neighbourhood of the arrivals as written (`records`, whose blocking keys are
    `keyed`, as `keyed_arrivals` gives them), as of now, where the look ahead `applies`:
    frames holding the neighbours' rows (a record in several is current in the last), the
    neighbours' ids, and the partners."""
    settings, model = matcher
    touched = set(records.record_ids)
    changed = _changed_since(session, ahead.newest_version) | touched
    keys = list(dict.fromkeys((rule, key) for rule, key, _rid in keyed))
    # only the arrivals' blocks are counted again: the changed records' other keys do not matter
    wanted = {block_id(entity, rule, key): (rule, key) for rule, key in keys}
    held = holders(session, sorted(changed - touched), wanted)
    for rule, key, rid in keyed:
        held.setdefault((rule, key), set()).add(rid)
    near = _near(session, entity, ahead, keys, changed, held, settings) - touched
    kept = near & set(ahead.others.record_ids) - changed
    fresh = near - kept
    loaded = load_frame(session, entity, fresh, read_columns(settings))
    found = set(ahead.partners & kept) | partners(records, loaded, settings, model)
    return [ahead.others, loaded], near, found


def _near(
    session: Session,
    entity: EntityType,
    ahead: Ahead,
    keys: Sequence[Key],
    changed: set[int],
    held: dict[Key, set[int]],
    settings: MatchSettings,
) -> set[int]:
    """Members of the arrivals' blocks within their cap now, as `neighbours` would read them
    (`held`: the blocks' changed members, each block's as it stands)."""
    caps = block_caps(settings)
    # the changed records the snapshot held may since have left blocks it counted
    gone = sum(1 for rid in changed if rid <= ahead.newest_record)
    near: set[int] = set()
    again: list[Key] = []
    for key in keys:
        cap = caps[key[0]]
        if key in ahead.over:
            if ahead.over[key] - gone <= cap:  # it may have shrunk within the cap: count it
                again.append(key)
            continue
        members = [m for m in ahead.members.get(key, ()) if m not in changed]
        now = held.get(key, set())
        if len(members) + len(now) <= cap:
            near.update(members)
            near.update(now)
    if again:
        near |= neighbours(session, entity, again, settings)
    return near


def _changed_since(session: Session, newest_version: int) -> set[int]:
    query = select(col(SourceRecordVersion.source_record_id)).where(
        col(SourceRecordVersion.id) > newest_version
    )
    return set(session.execute(query).scalars().all())


_NEWEST = select(
    select(func.max(col(SourceRecordVersion.id))).scalar_subquery(),
    select(func.max(col(SourceRecord.id))).scalar_subquery(),
)
