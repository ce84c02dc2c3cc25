"""Clusters to golden ids: ids stay stable, absorbed ones redirect, new parts get new ids."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, update
from sqlmodel import Session

from mdm.clock import utcnow
from mdm.db import execute_many, expire_loaded, flushed_connection, insert_rows
from mdm.entities import EntityType
from mdm.golden.ids import new_golden_id
from mdm.golden.membership import Change, publish
from mdm.golden.models import GoldenRecord, GoldenStatus
from mdm.records.models import SourceRecord
from mdm.resolution.frames import RecordFrame


@dataclass
class Reconciled:
    """What reconciling clusters with the current golden ids changed."""

    golden_of_row: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    absorbed: dict[str, str] = field(default_factory=dict)  # merged-away id -> survivor
    moved_records: int = 0


def reconcile(
    session: Session, entity: EntityType, records: RecordFrame, labels: Sequence[str], actor: str
) -> Reconciled:
    """Apply cluster labels (one per row of `records`) as golden record membership."""
    clusters: dict[str, list[int]] = defaultdict(list)
    for row, label in enumerate(labels):
        clusters[label].append(row)
    out = Reconciled(golden_of_row=[""] * len(labels))
    claimed: set[str] = set()
    current = records.golden_ids
    sizes = Counter(g for g in current if g)
    # Biggest clusters choose first, so the largest part of a split keeps the old id. A
    # cluster's rows are in ascending order: its first is its least.
    for rows in sorted(clusters.values(), key=lambda rs: (-len(rs), rs[0])):
        chosen = _vote(rows, current, claimed, sizes)
        if chosen is None:
            chosen = new_golden_id(entity)
            out.created.append(chosen)
        claimed.add(chosen)
        for r in rows:
            out.golden_of_row[r] = chosen
    _write(session, entity, records, out)
    _redirect_losers(session, records, out, claimed)
    publish(session, entity, _changes(records, out), actor, fresh=frozenset(out.created))
    return out


def _vote(
    rows: list[int], current: Sequence[str | None], claimed: set[str], sizes: Counter[str]
) -> str | None:
    """The current golden id most of the rows are in (then the larger, then the least id) that
    no larger cluster claimed; None if none is left."""
    if len(rows) == 1:  # most clusters: a vote of one, nothing to count
        golden = current[rows[0]]
        return golden if golden and golden not in claimed else None
    votes = Counter(g for g in (current[r] for r in rows) if g and g not in claimed)
    return min(votes, key=lambda g: (-votes[g], -sizes[g], g)) if votes else None


def _write(session: Session, entity: EntityType, records: RecordFrame, out: Reconciled) -> None:
    connection = flushed_connection(session)  # pending changes go first
    now = utcnow()
    if out.created:
        rows = [
            {
                "id": g,
                "entity_type": entity.value,
                "status": GoldenStatus.ACTIVE.value,
                "created_at": now,
                "updated_at": now,
            }
            for g in out.created
        ]
        insert_rows(session, GoldenRecord, rows)
    moves = {
        rid: new
        for rid, old, new in zip(
            records.record_ids, records.golden_ids, out.golden_of_row, strict=True
        )
        if old != new
    }
    out.moved_records = len(moves)
    if moves:
        # Core executemany: the ORM's bulk update by key costs more per row than SQLite does.
        moved = [{"rid": rid, "g": golden} for rid, golden in moves.items()]
        execute_many(connection, _MOVE, moved)
        expire_loaded(session, SourceRecord, set(moves), ["golden_id"])


_SOURCE = SourceRecord.__table__  # type: ignore[attr-defined]
# built once: `execute_many` keeps its compiled form by statement
_MOVE = update(_SOURCE).where(_SOURCE.c.id == bindparam("rid")).values(golden_id=bindparam("g"))


def _redirect_losers(
    session: Session, records: RecordFrame, out: Reconciled, claimed: set[str]
) -> None:
    # A golden id no cluster kept redirects to where most of its records went.
    went: dict[str, Counter[str]] = defaultdict(Counter)
    for old, new in zip(records.golden_ids, out.golden_of_row, strict=True):
        if old and old not in claimed:
            went[old][new] += 1
    for old, targets in went.items():
        out.absorbed[old] = min(targets, key=lambda g: (-targets[g], g))
    if not out.absorbed:
        return
    now, merged = utcnow(), GoldenStatus.MERGED.value
    golden = GoldenRecord.__table__  # type: ignore[attr-defined]
    statement = (
        update(golden)
        .where(golden.c.id == bindparam("gid"))
        .values(status=merged, merged_into_id=bindparam("into"), updated_at=now)
    )
    rows = [{"gid": old, "into": into} for old, into in out.absorbed.items()]
    session.connection().execute(statement, rows)
    names = ["status", "merged_into_id", "updated_at"]
    expire_loaded(session, GoldenRecord, set(out.absorbed), names)


def _changes(records: RecordFrame, out: Reconciled) -> list[Change]:
    gained: dict[str, list[str]] = defaultdict(list)
    lost: dict[str, list[str]] = defaultdict(list)
    frame = records.frame
    rows = zip(
        records.golden_ids,
        out.golden_of_row,
        frame["source_system"].tolist(),
        frame["source_id"].tolist(),
        strict=True,
    )
    for old, new, system, source_id in rows:
        if old == new:
            continue
        key = f"{system}:{source_id}"
        gained[new].append(key)
        if old:
            lost[old].append(key)
    absorbed_by: dict[str, list[str]] = defaultdict(list)
    for old, survivor in out.absorbed.items():
        absorbed_by[survivor].append(old)
    changes = [Change(g, "created", {"records": sorted(gained[g])}) for g in out.created]
    created = set(out.created)  # a set: half the golden ids a batch touches are new
    for golden in sorted(set(gained) | set(lost)):
        if golden in created:
            continue
        if golden in out.absorbed:
            changes.append(
                Change(
                    golden,
                    "merged",
                    {"into": out.absorbed[golden], "records": sorted(lost[golden])},
                )
            )
        elif golden in absorbed_by:
            changes.append(
                Change(
                    golden,
                    "merged",
                    {"absorbed": sorted(absorbed_by[golden]), "records": sorted(gained[golden])},
                )
            )
        elif lost[golden]:
            changes.append(Change(golden, "unmerged", {"records": sorted(lost[golden])}))
        else:
            changes.append(Change(golden, "record_linked", {"records": sorted(gained[golden])}))
    return changes
