"""The evidence a resolve run leaves: auto links inside golden records, candidates between them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import insert, update
from sqlmodel import Session, col, or_, select

from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.golden.lineage_models import GoldenLink, LinkKind
from mdm.resolution.frames import RecordFrame
from mdm.resolution.models import CandidateStatus, MatchCandidate

ENGINE = "engine"
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
    index = {
        (str(s), str(i)): row
        for row, (s, i) in enumerate(
            zip(records.frame["source_system"], records.frame["source_id"], strict=True)
        )
    }
    left = [
        index[(str(s), str(i))]
        for s, i in zip(pairs["source_system_l"], pairs["source_id_l"], strict=True)
    ]
    right = [
        index[(str(s), str(i))]
        for s, i in zip(pairs["source_system_r"], pairs["source_id_r"], strict=True)
    ]
    return left, right


def explanation(pair: dict[str, Any]) -> dict[str, Any]:
    """Why the engine scored a pair as it did: each comparison's level and weight."""
    comparisons = {
        name: {"level": pair[name], "weight": float(pair[f"{name}_weight"])}
        for name in pair
        if name not in _PAIR_COLUMNS and not name.endswith("_weight")
    }
    return {
        "match_weight": float(pair["match_weight"]),
        "rule": pair["rule"],
        "comparisons": comparisons,
    }


def record_links(
    session: Session,
    entity: EntityType,
    records: RecordFrame,
    golden_of_row: Sequence[str],
    pairs: pd.DataFrame,
) -> int:
    """Replace the engine's links among these records with this run's linked pairs."""
    ids = records.record_ids
    now = utcnow()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(
            update(GoldenLink)
            .where(
                col(GoldenLink.active),
                col(GoldenLink.kind) != LinkKind.STEWARD.value,
                or_(col(GoldenLink.record_a_id).in_(chunk), col(GoldenLink.record_b_id).in_(chunk)),
            )
            .values(active=False, ended_at=now)
        )
    linked = pairs[pairs["decision"] == "link"]
    left, right = _rows(records, linked)
    rows = []
    for pair, a, b in zip(linked.to_dict("records"), left, right, strict=True):
        if golden_of_row[a] != golden_of_row[b]:
            continue  # the clustering split this pair apart (a weak bridge)
        low, high = sorted((ids[a], ids[b]))
        kind = LinkKind.AUTO if pair["rule"] in ("none", "") else LinkKind.RULE
        rows.append(
            {
                "entity_type": entity.value,
                "record_a_id": low,
                "record_b_id": high,
                "kind": kind.value,
                "score": float(pair["probability"]),
                "explanation": explanation(pair),
                "actor": ENGINE,
                "active": True,
                "created_at": now,
            }
        )
    if rows:
        session.execute(insert(GoldenLink), rows)
    return len(rows)


def refresh_candidates(
    session: Session,
    entity: EntityType,
    records: RecordFrame,
    golden_of_row: Sequence[str],
    pairs: pd.DataFrame,
) -> int:
    """Open one candidate per pair of golden records with an uncertain pair between them.

    A steward decides about two golden records once, on their strongest pair of records;
    open candidates that a later run no longer finds are retired.
    """
    wanted = _strongest_per_golden_pair(records, golden_of_row, pairs)
    ids = records.record_ids
    existing = _existing(session, ids)
    now = utcnow()
    for key, candidate in existing.items():
        if candidate.status == CandidateStatus.OPEN and key not in wanted:
            candidate.status, candidate.decided_at = CandidateStatus.SUPERSEDED, now
    fresh = [
        {
            "entity_type": entity.value,
            "record_a_id": a,
            "record_b_id": b,
            "probability": float(p["probability"]),
            "explanation": explanation(p),
            "status": CandidateStatus.OPEN.value,
            "priority": _uncertainty(float(p["probability"])),
            "created_at": now,
        }
        for (a, b), p in wanted.items()
        if (a, b) not in existing
    ]
    reopened = [
        k for k in wanted if k in existing and existing[k].status == CandidateStatus.SUPERSEDED
    ]
    for key in reopened:
        existing[key].status, existing[key].probability = (
            CandidateStatus.OPEN,
            float(wanted[key]["probability"]),
        )
    if fresh:
        session.execute(insert(MatchCandidate), fresh)
    session.flush()
    return len(wanted)


def _strongest_per_golden_pair(
    records: RecordFrame, golden_of_row: Sequence[str], pairs: pd.DataFrame
) -> dict[tuple[int, int], dict[str, Any]]:
    uncertain = pairs[pairs["decision"].isin(["review", "link"])]
    left, right = _rows(records, uncertain)
    ids = records.record_ids
    best: dict[tuple[str, str], tuple[int, int, dict[str, Any]]] = {}
    for pair, a, b in zip(uncertain.to_dict("records"), left, right, strict=True):
        ga, gb = golden_of_row[a], golden_of_row[b]
        if ga == gb:
            continue
        key = (min(ga, gb), max(ga, gb))
        if key not in best or pair["probability"] > best[key][2]["probability"]:
            best[key] = (min(ids[a], ids[b]), max(ids[a], ids[b]), pair)
    return {(a, b): pair for a, b, pair in best.values()}


def _uncertainty(probability: float) -> float:
    # 1 at a coin toss, 0 at certainty either way
    return round(1.0 - abs(probability - 0.5) * 2, 4)


def _existing(session: Session, ids: list[int]) -> dict[tuple[int, int], MatchCandidate]:
    found: dict[tuple[int, int], MatchCandidate] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(MatchCandidate).where(col(MatchCandidate.record_a_id).in_(chunk))
        for candidate in session.exec(query):
            found[(candidate.record_a_id, candidate.record_b_id)] = candidate
    return found
