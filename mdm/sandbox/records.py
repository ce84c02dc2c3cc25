"""A sandbox's own storage: records per object type, vendor-style ids, and honest counts.

The counts are what tests check on the remote side: how many records exist per external id
(a duplicate created by a retried POST shows up here, whatever the hub believes).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

IdMinter = Callable[[str, int], str]


@dataclass
class StoredRecord:
    """One record as the vendor holds it."""

    id: str
    type: str
    fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    deleted: bool = False


@dataclass
class RecordStore:
    """Records per type; `external_ids` names each type's external-id field, for the counts.

    With `index_external_ids`, `find` by a type's external-id field reads an index instead of
    scanning the type; its records' external ids must then change through `update` only.
    """

    mint: IdMinter
    external_ids: dict[str, str] = field(default_factory=dict)
    index_external_ids: bool = False
    _records: dict[str, dict[str, StoredRecord]] = field(default_factory=dict)
    _counters: Counter[str] = field(default_factory=Counter)
    # Ids per type and external-id value, so an `eid:` lookup is not a scan of the type.
    _by_external_id: dict[str, dict[Any, list[str]]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def lock(self) -> threading.RLock:
        """Held by a handler that reads then writes (an upsert), so the pair is atomic."""
        return self._lock

    def create(self, type_: str, fields: dict[str, Any]) -> StoredRecord:
        """Store a new record under a freshly minted id."""
        with self._lock:
            self._counters[type_] += 1
            now = datetime.now(UTC)
            record = StoredRecord(
                self.mint(type_, self._counters[type_]), type_, dict(fields), now, now
            )
            self._records.setdefault(type_, {})[record.id] = record
            self._index(record, None)
            return record

    def update(self, type_: str, record_id: str, fields: dict[str, Any]) -> StoredRecord:
        """Merge `fields` into an existing record."""
        with self._lock:
            record = self._records[type_][record_id]
            before = self._external_id(record)
            record.fields.update(fields)
            self._index(record, before)
            record.updated_at = datetime.now(UTC)
            return record

    def get(self, type_: str, record_id: str) -> StoredRecord | None:
        """The live record with this id, if any."""
        record = self._records.get(type_, {}).get(record_id)
        return record if record is not None and not record.deleted else None

    def find(self, type_: str, field_name: str, value: Any) -> list[StoredRecord]:
        """Live records whose field equals `value` (an external-id lookup), oldest first."""
        with self._lock:
            records = self._records.get(type_, {})
            ids = self._indexed(type_, field_name, value)
            if ids is not None and len(ids) > 1:
                ids = None  # a duplicate: the scan gives them in creation order
            candidates = records.values() if ids is None else (records[i] for i in ids)
            return [
                record
                for record in candidates
                if not record.deleted and record.fields.get(field_name) == value
            ]

    def _indexed(self, type_: str, field_name: str, value: Any) -> list[str] | None:
        """Ids that may hold `value`, or None when only a scan can tell."""
        if not self.index_external_ids or field_name != self.external_ids.get(type_):
            return None
        if not _hashable(value):
            return None
        return self._by_external_id.get(type_, {}).get(value, [])

    def _external_id(self, record: StoredRecord) -> Any:
        name = self.external_ids.get(record.type)
        return record.fields.get(name) if name else None

    def _index(self, record: StoredRecord, before: Any) -> None:
        """Keep the external-id index right after `record` was stored or changed."""
        after = self._external_id(record)
        if not self.index_external_ids or after == before:
            return
        by_value = self._by_external_id.setdefault(record.type, {})
        if before is not None and _hashable(before) and record.id in by_value.get(before, []):
            by_value[before].remove(record.id)
        if after is not None and _hashable(after):
            by_value.setdefault(after, []).append(record.id)

    def all(self, type_: str) -> list[StoredRecord]:
        """Live records of a type, oldest first."""
        with self._lock:
            return [r for r in self._records.get(type_, {}).values() if not r.deleted]

    def delete(self, type_: str, record_id: str) -> bool:
        """Hard or soft, the record is gone from reads; False if it did not exist."""
        with self._lock:
            record = self.get(type_, record_id)
            if record is None:
                return False
            record.deleted = True
            return True

    def reset(self) -> None:
        """Forget every record (ids keep counting, so none is ever reused)."""
        with self._lock:
            self._records.clear()
            self._by_external_id.clear()

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per type: live records, and external ids held by more than one record."""
        with self._lock:
            return {type_: self._type_stats(type_) for type_ in sorted(self._records)}

    def _type_stats(self, type_: str) -> dict[str, Any]:
        live = self.all(type_)
        ext = self.external_ids.get(type_)
        values = Counter(r.fields.get(ext) for r in live if ext and r.fields.get(ext) is not None)
        duplicates = {str(value): n for value, n in values.items() if n > 1}
        return {"records": len(live), "external_id_field": ext, "duplicates": duplicates}


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
