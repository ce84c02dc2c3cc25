"""The sandbox record store: external-id lookups agree with a scan, indexed or not."""

from __future__ import annotations

import pytest

from mdm.sandbox.records import RecordStore


def _store(indexed: bool) -> RecordStore:
    return RecordStore(lambda type_, n: f"{type_}-{n}", {"thing": "ext"}, indexed)


@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "scanned"])
def test_find_by_external_id_follows_creates_updates_deletes_and_resets(indexed: bool) -> None:
    store = _store(indexed)
    first = store.create("thing", {"ext": "A", "name": "one"})
    second = store.create("thing", {"ext": "B"})
    assert [r.id for r in store.find("thing", "ext", "A")] == [first.id]
    store.update("thing", first.id, {"ext": "C"})
    assert (store.find("thing", "ext", "A"), store.find("thing", "ext", "C")) == ([], [first])
    store.update("thing", second.id, {"name": "renamed"})
    assert store.find("thing", "ext", "B") == [second]
    store.delete("thing", second.id)
    assert store.find("thing", "ext", "B") == []
    store.reset()
    assert store.find("thing", "ext", "C") == []


@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "scanned"])
def test_duplicated_external_ids_are_found_oldest_first(indexed: bool) -> None:
    store = _store(indexed)
    older = store.create("thing", {"ext": "B"})
    newer = store.create("thing", {"ext": "A"})
    store.update("thing", older.id, {"ext": "A"})
    assert [r.id for r in store.find("thing", "ext", "A")] == [older.id, newer.id]
    assert store.stats()["thing"]["duplicates"] == {"A": 2}


def test_other_fields_and_unhashable_values_are_still_found_by_scanning() -> None:
    store = _store(True)
    record = store.create("thing", {"ext": "A", "name": "one", "tags": ["x"]})
    assert store.find("thing", "name", "one") == [record]
    assert store.find("thing", "tags", ["x"]) == [record]
    assert store.find("other", "ext", "A") == []
