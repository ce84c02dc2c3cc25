"""The evidence a resolve run leaves: auto links inside golden records, candidates between them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import bindparam, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, or_

from mdm.clock import utcnow
from mdm.db import chunks, execute_many, flushed_connection, insert_rows
from mdm.entities import EntityType
from mdm.golden.lineage_models import GoldenLink, LinkKind
from mdm.id_lists import in_list
from mdm.jsontext import dumps, json_bind
from mdm.resolution.frames import RecordFrame
from mdm.resolution.models import CandidateStatus, MatchCandidate

ENGINE = "engine"
OPEN, SUPERSEDED = CandidateStatus.OPEN.value, CandidateStatus.SUPERSEDED.value
_AUTO, _RULE = LinkKind.AUTO.value, LinkKind.RULE.value
_PAIR_COLUMNS = {
    "source_system_l",
    "source_id_l",
    "source_system_r",
    "source_id_r",
    "match_weight",
    "probability",
    "decision",
    "rule",
}


def _rows(records: RecordFrame, pairs: pd.DataFrame) -> tuple[list[int], list[int]]:
    """The rows of `records` each pair's left and right record is at."""
    frame = records.frame
    index = dict(
        zip(_keys(frame["source_system"], frame["source_id"]), range(len(frame)), strict=True)
    )
    at = index.__getitem__  # a repeated key finds its last row
    left = list(map(at, _keys(pairs["source_system_l"], pairs["source_id_l"])))
    right = list(map(at, _keys(pairs["source_system_r"], pairs["source_id_r"])))
    return left, right


def _keys(systems: pd.Series, ids: pd.Series) -> Iterator[tuple[str, str]]:
    # C-level maps over column lists: thousands of pairs per batch
    return zip(map(str, systems.tolist()), map(str, ids.tolist()), strict=True)


def explanation(pair: dict[str, Any]) -> dict[str, Any]:
    """Why the engine scored a pair as it did: each comparison's level and weight."""
    return explanations(pd.DataFrame([pair]))[0]


def explanations(pairs: pd.DataFrame) -> list[dict[str, Any]]:
    """`explanation` of every row, read column by column (thousands of pairs per batch)."""
    names = [c for c in pairs.columns if c not in _PAIR_COLUMNS and not c.endswith("_weight")]
    # each pair's levels and weights as a row of its own, read in step with the names
    totals = pairs["match_weight"].astype(float).tolist()
    rules = pairs["rule"].tolist()
    levels: Iterable[tuple[Any, ...]] = [()] * len(totals)  # no comparisons: empty rows
    weights = levels
    if names:
        levels = zip(*(pairs[n].tolist() for n in names), strict=True)
        weights = zip(*(pairs[f"{n}_weight"].astype(float).tolist() for n in names), strict=True)
    return [
        {
            "match_weight": total,
            "rule": rule,
            "comparisons": {
                n: {"level": level, "weight": weight}
                for n, level, weight in zip(names, level_row, weight_row, strict=True)
            },
        }
        for total, rule, level_row, weight_row in zip(totals, rules, levels, weights, strict=True)
    ]


def record_links(
    session: Session,
    entity: EntityType,
    records: RecordFrame,
    golden_of_row: Sequence[str],
    pairs: pd.DataFrame,
) -> int:
    """Make the engine's active links among these records this run's linked pairs.

    A link found again with the same kind and score is kept (its `created_at` says when it was
    first found); one no longer found, or found with another score, ends; a new one starts.
    Re-resolving a neighbourhood thus writes what changed, not every link again."""
    linked = pairs[pairs["decision"] == "link"]
    left, right = _rows(records, linked)
    ids = records.record_ids
    # the clustering may split a linked pair apart (a weak bridge): no link then
    kept = [
        i
        for i, (a, b) in enumerate(zip(left, right, strict=True))
        if golden_of_row[a] == golden_of_row[b]
    ]
    probability = linked["probability"].astype(float).tolist()
    rules = linked["rule"].tolist()
    found: dict[tuple[int, int], tuple[int, str, float]] = {}
    for i in kept:
        kind = _AUTO if rules[i] in ("none", "") else _RULE
        a, b = ids[left[i]], ids[right[i]]
        found[(a, b) if a < b else (b, a)] = (i, kind, probability[i])
    now = utcnow()
    current = _active_engine_links(session, ids)
    same = {
        key
        for key, (_lid, kind, score) in current.items()
        if key in found and (found[key][1], found[key][2]) == (kind, score)
    }
    ended = [lid for key, (lid, _kind, _score) in current.items() if key not in same]
    for chunk in chunks(ended):
        session.execute(
            update(GoldenLink)
            .where(col(GoldenLink.id).in_(chunk))
            .values(active=False, ended_at=now)
        )
    new = [(key, found[key]) for key in sorted(found) if key not in same]
    why = explanations(linked.iloc[[i for _key, (i, _kind, _p) in new]])
    rows = [
        {
            "entity_type": entity.value,
            "record_a_id": low,
            "record_b_id": high,
            "kind": kind,
            "score": p,
            "explanation_json": dumps(explained),
            "actor": ENGINE,
            "active": True,
            "created_at": now,
        }
        for ((low, high), (_i, kind, p)), explained in zip(new, why, strict=True)
    ]
    if rows:  # nothing new: no flush, no statement
        execute_many(flushed_connection(session), _NEW_LINKS, rows)
    return len(found)


_LINK = GoldenLink.__table__.c  # type: ignore[attr-defined]
# The explanation as the text the column's serializer would write, serialized by `dumps`
# (a thousand links a batch); built once: `execute_many` keeps its compiled form by statement.
_NEW_LINKS = GoldenLink.__table__.insert().values(  # type: ignore[attr-defined]
    explanation=json_bind("explanation_json")
)
# Built once, the ids bound at execution: building an IN of 500 literal values costs more
# than running it.
_ENGINE_LINKS = sql_select(
    _LINK.id, _LINK.record_a_id, _LINK.record_b_id, _LINK.kind, _LINK.score
).where(
    _LINK.active,
    _LINK.kind != LinkKind.STEWARD.value,
    or_(
        in_list(_LINK.record_a_id),
        in_list(_LINK.record_b_id),
    ),
)


def _active_engine_links(
    session: Session, ids: list[int]
) -> dict[tuple[int, int], tuple[int, str, float]]:
    """(id, kind, score) of the active engine links touching these records, by record pair."""
    session.flush()  # read through the connection: what the session holds goes first
    found: dict[tuple[int, int], tuple[int, str, float]] = {}
    for chunk in chunks(ids):
        rows = session.connection().execute(_ENGINE_LINKS, {"ids": chunk}).all()
        for lid, a, b, kind, score in rows:
            found[(a, b)] = (lid, kind, score if score is not None else -1.0)
    return found


def refresh_candidates(
    session: Session,
    entity: EntityType,
    records: RecordFrame,
    golden_of_row: Sequence[str],
    pairs: pd.DataFrame,
    floor: float,
) -> int:
    """Open one candidate per pair of golden records with an uncertain pair between them.

    A steward decides about two golden records once, on their strongest pair of records, when
    the records of both together support the merge to at least `floor` (the review threshold);
    open candidates that a later run no longer finds are retired.
    """
    wanted = _strongest_per_golden_pair(records, golden_of_row, pairs, floor)
    ids = records.record_ids
    existing = _existing(session, ids)
    now = utcnow()
    retired = [
        cid for key, (cid, status) in existing.items() if status == OPEN and key not in wanted
    ]
    for chunk in chunks(retired):
        session.execute(
            update(MatchCandidate)
            .where(col(MatchCandidate.id).in_(chunk))
            .values(status=CandidateStatus.SUPERSEDED.value, decided_at=now)
        )
    fresh = [
        {
            "entity_type": entity.value,
            "record_a_id": a,
            "record_b_id": b,
            "probability": p["probability"],
            "explanation": p["explanation"],
            "status": CandidateStatus.OPEN.value,
            "priority": _uncertainty(p["probability"]),
            "created_at": now,
        }
        for (a, b), p in wanted.items()
        if (a, b) not in existing
    ]
    reopened = [
        {"cid": existing[key][0], "p": wanted[key]["probability"]}
        for key in wanted
        if key in existing and existing[key][1] == SUPERSEDED
    ]
    if reopened:
        table = MatchCandidate.__table__  # type: ignore[attr-defined]
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("cid"))
            .values(status=OPEN, probability=bindparam("p")),
            reopened,
        )
        _expire(session, {row["cid"] for row in reopened})
    if fresh:
        insert_rows(session, MatchCandidate, fresh)
    return len(wanted)


def _strongest_per_golden_pair(
    records: RecordFrame,
    golden_of_row: Sequence[str],
    pairs: pd.DataFrame,
    floor: float = 0.0,
) -> dict[tuple[int, int], dict[str, Any]]:
    """The strongest uncertain pair of each two golden records worth a steward's look.

    Worth a look means the mean probability over all their cross pairs (an unshown pair counts
    0, as in the clustering's average linkage) reaches `floor`: one strong bridge between two
    well-separated groups of records (sister companies sharing an office) is not a doubt.
    """
    left, right = _rows(records, pairs)
    probability = pairs["probability"].astype(float).tolist()
    uncertain = pairs["decision"].isin(["review", "link"]).tolist()
    sizes = Counter(golden_of_row)
    ids = records.record_ids
    best: dict[tuple[str, str], int] = {}
    mass: dict[tuple[str, str], float] = defaultdict(float)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        ga, gb = golden_of_row[a], golden_of_row[b]
        if ga == gb:
            continue
        key = (ga, gb) if ga < gb else (gb, ga)
        mass[key] += probability[i]
        if uncertain[i] and (key not in best or probability[i] > probability[best[key]]):
            best[key] = i
    rows = [i for key, i in best.items() if mass[key] / (sizes[key[0]] * sizes[key[1]]) >= floor]
    chosen = pairs.iloc[rows]
    return {
        (min(ids[left[i]], ids[right[i]]), max(ids[left[i]], ids[right[i]])): {
            "probability": probability[i],
            "explanation": why,
        }
        for i, why in zip(rows, explanations(chosen), strict=True)
    }


def _uncertainty(probability: float) -> float:
    # 1 at a coin toss, 0 at certainty either way
    return round(1.0 - abs(probability - 0.5) * 2, 4)


def _expire(session: Session, candidate_ids: set[int]) -> None:
    """Forget loaded copies of candidates changed behind the ORM's back (a Core update)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, MatchCandidate) and obj.id in candidate_ids:
            session.expire(obj)


def _existing(session: Session, ids: list[int]) -> dict[tuple[int, int], tuple[int, str]]:
    """(id, status) of the candidates between these records, by record pair.

    Only pairs with both records in scope: a candidate reaching outside was not looked at.
    Columns, not rows: a busy hub keeps many retired candidates per record, and loading each
    one's explanation (JSON) cost more than the rest of the refresh."""
    connection = flushed_connection(session)  # what the session holds goes first
    inside = set(ids)
    found: dict[tuple[int, int], tuple[int, str]] = {}
    for chunk in chunks(ids):
        for cid, a, b, status in connection.execute(_CANDIDATES, {"ids": chunk}).all():
            if b in inside and cid is not None:
                found[(a, b)] = (cid, status)
    return found


_CANDIDATE = MatchCandidate.__table__.c  # type: ignore[attr-defined]
_CANDIDATES = sql_select(
    _CANDIDATE.id, _CANDIDATE.record_a_id, _CANDIDATE.record_b_id, _CANDIDATE.status
).where(in_list(_CANDIDATE.record_a_id))
