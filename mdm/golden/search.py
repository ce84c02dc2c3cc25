"""Fuzzy search of golden records by name (or code, or number), standardized as `matching` does.

`NameIndex` keeps each active golden record's survived labels, standardized by the matcher's
own name standardizer (legal forms peeled, accents and case folded), in a token index in
memory (`mdm.golden.search_index`: bounded work per query). Before each search it catches up
from the append-only event log, reading only the golden records changed since; event ids an
open transaction still holds are read once they commit. Scores are rapidfuzz's token-set
ratio (0-100); answers are bounded by `MAX_RESULTS` and `MAX_TEXT`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from matching.normalize import fold_text
from matching.normalize.org_names import clean_and_legal_form
from mdm.db import chunks
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.golden.lineage_models import GoldenAttribute, GoldenEvent
from mdm.golden.models import GoldenRecord, GoldenStatus
from mdm.golden.search_index import TokenIndex

MAX_RESULTS = 100
MAX_TEXT = 200
MIN_SCORE = 60.0
GAP_SECONDS = 3600.0  # an event id missing this long was rolled back, not committed late
FIRST_LOOKBACK = 10_000  # event ids checked for late commits when the index is first built
# What a person would type to find a golden record of each type.
LABELS: dict[EntityType, tuple[str, ...]] = {
    EntityType.CUSTOMER: ("name", "legal_name"),
    EntityType.PROJECT: ("name", "code"),
    EntityType.CONTRACT: ("name", "number"),
}


@dataclass(frozen=True)
class SearchHit:
    """A golden record found by a search, its best-matching label and score (0-100)."""

    golden_id: str
    score: float
    label: str


def standardize(entity: EntityType, text: str) -> str:
    """A label as the matcher compares names: customers' legal forms peeled, all text folded."""
    if entity == EntityType.CUSTOMER:
        name = clean_and_legal_form(text)  # normalize_org_name's clean name, without its cache
        if name is not None and name[0]:
            return name[0]
    return fold_text(text)


class NameIndex:
    """The searchable labels of every active golden record of a hub, kept current."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen_event = 0
        self._gaps: dict[int, float] = {}  # event ids below `_seen_event` not seen yet -> since
        self._indexes = {entity: TokenIndex() for entity in EntityType}

    def search(
        self, session: Session, entity: EntityType, text: str, first: int = 10
    ) -> list[SearchHit]:
        """The `first` best golden records of a type for `text`, best first."""
        query = standardize(entity, _check(text, first))
        with self._lock:
            self._catch_up(session)
            found = self._indexes[entity].search(query, first, MIN_SCORE)
        return [SearchHit(f.golden_id, f.score, f.label) for f in found]

    def _catch_up(self, session: Session) -> None:
        latest = session.exec(select(func.max(GoldenEvent.id))).one() or 0
        if latest == self._seen_event and not self._gaps:
            return
        if self._seen_event == 0 or latest < self._seen_event:  # first use, or a new database
            self._indexes = {entity: TokenIndex() for entity in EntityType}
            start = max(0, latest - FIRST_LOOKBACK)
            self._note_gaps(start, latest, set(_events_since(session, start, latest, [])))
            self._load(session, None)
        else:
            events = _events_since(session, self._seen_event, latest, sorted(self._gaps))
            self._note_gaps(self._seen_event, latest, set(events))
            self._load(session, dict(events.values()))
        self._seen_event = latest

    def _note_gaps(self, after: int, upto: int, seen: set[int]) -> None:
        """Remember event ids not visible yet: on PostgreSQL an id is taken at insert, so a
        transaction still open holds ids below ones already committed; they are read once
        they appear. Ids missing for `GAP_SECONDS` were rolled back."""
        now = time.monotonic()
        for event_id in seen:
            self._gaps.pop(event_id, None)
        for event_id in range(after + 1, upto + 1):
            if event_id not in seen:
                self._gaps.setdefault(event_id, now)
        for event_id in [i for i, since in self._gaps.items() if now - since > GAP_SECONDS]:
            del self._gaps[event_id]

    def _load(self, session: Session, changed: dict[str, EntityType] | None) -> None:
        """Re-index the changed golden records (all of them for None) from their attributes."""
        labels = _labels(session, changed)
        for gid, kind in (changed or {}).items():
            self._indexes[kind].put(gid, labels[kind].get(gid, []))
        if changed is None:
            for kind, found in labels.items():
                for gid, own in found.items():
                    self._indexes[kind].put(gid, own)


def _check(text: str, first: int) -> str:
    query = text.strip()
    if not query:
        raise InvalidInput("search text is empty")
    if len(query) > MAX_TEXT:
        raise InvalidInput(f"search text is longer than {MAX_TEXT} characters")
    if not 1 <= first <= MAX_RESULTS:
        raise InvalidInput(f"first must be between 1 and {MAX_RESULTS}")
    return query


def _events_since(
    session: Session, after: int, upto: int, also: list[int]
) -> dict[int, tuple[str, EntityType]]:
    """Events with ids in (after, upto], or among `also`: id -> (golden id, entity type)."""
    found: dict[int, tuple[str, EntityType]] = {}
    ids = col(GoldenEvent.id)
    scopes: list[ColumnElement[bool]] = [(ids > after) & (ids <= upto)]
    scopes += [ids.in_(chunk) for chunk in chunks(also)]
    for scope in scopes:
        query = select(GoldenEvent.id, GoldenEvent.golden_id, GoldenEvent.entity_type).where(scope)
        for event_id, gid, kind in session.exec(query):
            assert event_id is not None
            found[event_id] = (gid, EntityType(kind))
    return found


def _labels(
    session: Session, changed: dict[str, EntityType] | None
) -> dict[EntityType, dict[str, list[tuple[str, str]]]]:
    """Labels of active golden records (all, or the changed ones): (raw, standardized)."""
    out: dict[EntityType, dict[str, list[tuple[str, str]]]] = {e: {} for e in EntityType}
    names = sorted({n for labels in LABELS.values() for n in labels})
    scopes: Iterable[list[str] | None] = chunks(sorted(changed)) if changed is not None else [None]
    for scope in scopes:
        query = (
            select(
                GoldenRecord.id,
                GoldenRecord.entity_type,
                GoldenAttribute.name,
                GoldenAttribute.value,
            )
            .join(GoldenAttribute, col(GoldenAttribute.golden_id) == col(GoldenRecord.id))
            .where(
                col(GoldenRecord.status) == GoldenStatus.ACTIVE.value,
                col(GoldenAttribute.name).in_(names),
            )
        )
        if scope is not None:
            query = query.where(col(GoldenRecord.id).in_(scope))
        for gid, kind, name, value in session.exec(query):
            entity = EntityType(kind)
            if name in LABELS[entity] and (std := standardize(entity, value)):
                out[entity].setdefault(gid, []).append((value, std))
    return out
