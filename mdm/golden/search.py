"""Fuzzy search of golden records by name (or code, or number), standardized as `matching` does.

`NameIndex` keeps each active golden record's survived labels, standardized by the matcher's
own name standardizer (legal forms peeled, accents and case folded), in memory; it catches up
from the append-only event log before each search, reading only the golden records changed
since (and everything again every `REBUILD_SECONDS`). Scoring is rapidfuzz's WRatio over the
standardized labels; the answer is bounded by `MAX_RESULTS` and `MAX_TEXT`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import func
from sqlmodel import Session, col, select

from matching.normalize import fold_text, normalize_org_name
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.golden.lineage_models import GoldenAttribute, GoldenEvent
from mdm.golden.models import GoldenRecord, GoldenStatus
from mdm.golden.queries import chunks

MAX_RESULTS = 100
MAX_TEXT = 200
MIN_SCORE = 60.0
# On PostgreSQL a change can commit after a later-numbered one was read: everything is read
# again this often, which bounds how long such a change stays unsearchable.
REBUILD_SECONDS = 600.0
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
        name = normalize_org_name(text)
        if name is not None and name.clean:
            return name.clean
    return fold_text(text)


@dataclass
class _Labels:
    """Standardized labels of one entity type, with flat lists for rapidfuzz built on demand."""

    by_golden: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    flat: tuple[list[str], list[tuple[str, str]]] | None = None

    def choices(self) -> tuple[list[str], list[tuple[str, str]]]:
        if self.flat is None:
            owners = [(gid, raw) for gid, labels in self.by_golden.items() for raw, _ in labels]
            texts = [std for labels in self.by_golden.values() for _, std in labels]
            self.flat = (texts, owners)
        return self.flat


class NameIndex:
    """The searchable labels of every active golden record of a hub, kept current."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen_event = 0
        self._loaded_at = 0.0
        self._labels = {entity: _Labels() for entity in EntityType}

    def search(
        self, session: Session, entity: EntityType, text: str, first: int = 10
    ) -> list[SearchHit]:
        """The `first` best golden records of a type for `text`, best first."""
        query = _check(text, first)
        with self._lock:
            self._catch_up(session)
            texts, owners = self._labels[entity].choices()
            found = process.extract(
                standardize(entity, query),
                texts,
                scorer=fuzz.WRatio,
                processor=None,
                score_cutoff=MIN_SCORE,
                # a golden record has at most this many labels: enough rows for `first` records
                limit=first * max(len(labels) for labels in LABELS.values()),
            )
        return _best_per_golden(found, owners, first)

    def _catch_up(self, session: Session) -> None:
        latest = session.exec(select(func.max(GoldenEvent.id))).one() or 0
        stale = time.monotonic() - self._loaded_at > REBUILD_SECONDS
        if latest == self._seen_event and not stale:
            return
        changed: dict[str, EntityType] | None = None
        if self._seen_event == 0 or latest < self._seen_event or stale:
            # First use, a database that started over, or time for the full re-read that
            # catches changes committed out of id order (PostgreSQL hands ids out at insert).
            self._labels = {entity: _Labels() for entity in EntityType}
            self._loaded_at = time.monotonic()
        else:
            changed = _changed_since(session, self._seen_event, latest)
            for gid, entity in changed.items():
                self._labels[entity].by_golden.pop(gid, None)
                self._labels[entity].flat = None
        for entity, labels in _load(session, changed).items():
            if labels:
                self._labels[entity].by_golden.update(labels)
                self._labels[entity].flat = None
        self._seen_event = latest


def _check(text: str, first: int) -> str:
    query = text.strip()
    if not query:
        raise InvalidInput("search text is empty")
    if len(query) > MAX_TEXT:
        raise InvalidInput(f"search text is longer than {MAX_TEXT} characters")
    if not 1 <= first <= MAX_RESULTS:
        raise InvalidInput(f"first must be between 1 and {MAX_RESULTS}")
    return query


def _changed_since(session: Session, after: int, upto: int) -> dict[str, EntityType]:
    query = (
        select(GoldenEvent.golden_id, GoldenEvent.entity_type)
        .where(col(GoldenEvent.id) > after, col(GoldenEvent.id) <= upto)
        .distinct()
    )
    return {gid: EntityType(kind) for gid, kind in session.exec(query)}


def _load(
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


def _best_per_golden(
    found: list[tuple[str, float, int]], owners: list[tuple[str, str]], first: int
) -> list[SearchHit]:
    hits: dict[str, SearchHit] = {}
    # Best score first, then golden id, so equal scores always come back in the same order.
    for _text, score, position in sorted(found, key=lambda f: (-f[1], owners[f[2]][0])):
        gid, raw = owners[position]
        if gid not in hits:
            hits[gid] = SearchHit(gid, round(float(score), 2), raw)
            if len(hits) == first:
                break
    return list(hits.values())
