"""Adding, removing and updating records: the index then answers like `dedupe` on the new set."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from matching.index import MatchIndex
from tests.matching.index.reference import (
    Case,
    assert_index_equals_batch,
    keys_of,
    mixed,
    tight,
)

Record = dict[str, object]
Key = tuple[str, str]


class Mirror:
    """The index's records in its row order: removed ones gone, updated ones in place, added
    ones last; the frame the batch path must be given to agree with the index."""

    def __init__(self, records: pd.DataFrame) -> None:
        self.rows: dict[Key, Record] = {_key(r): r for r in records.to_dict("records")}

    def add(self, record: Record) -> None:
        self.rows[_key(record)] = record

    def remove(self, key: Key) -> None:
        del self.rows[key]

    def update(self, record: Record) -> None:
        assert _key(record) in self.rows
        self.rows[_key(record)] = record

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows.values()))


def _key(record: Mapping[str, object]) -> Key:
    return str(record["source_system"]), str(record["source_id"])


def _borrow(record: Record, donor: Record, fields: tuple[str, ...]) -> Record:
    # takes another record's name, phone, ...: keys, blocks and token counts all move
    return {**record, **{f: donor[f] for f in fields if f in donor}}


def _churn(
    index: MatchIndex, mirror: Mirror, records: list[Record], fields: tuple[str, ...]
) -> None:
    for record in records[-12:]:  # held back at build, now added one by one
        index.add(record)
        mirror.add(record)
    for record in records[:300:60]:
        index.remove(_key(record))
        mirror.remove(_key(record))
    for k, record in enumerate(records[301:700:40]):
        changed = _borrow(record, records[k * 7 + 1], fields)
        index.update(changed)
        mirror.update(changed)
    again = records[-3]  # out and in again: it comes back last
    index.remove(_key(again))
    mirror.remove(_key(again))
    index.add(again)
    mirror.add(again)


CHANGED_FIELDS = {
    "customers_case": ("name", "phone", "website", "tax_id"),
    "projects_case": ("name", "code", "customer_golden_id"),
}


@pytest.mark.parametrize("caps", ["preset", "tight", "mixed"])
@pytest.mark.parametrize("name", sorted(CHANGED_FIELDS))
def test_after_adds_removes_and_updates_the_index_equals_dedupe(
    request: pytest.FixtureRequest, name: str, caps: str
) -> None:
    case: Case = request.getfixturevalue(name)
    settings = {"tight": tight, "mixed": mixed}.get(caps, lambda s: s)(case.settings)
    case = Case(case.records, settings, case.model)
    records = case.records.to_dict("records")
    index = MatchIndex.build(case.records.iloc[:-12], case.settings, case.model)
    mirror = Mirror(case.records.iloc[:-12])
    _churn(index, mirror, records, CHANGED_FIELDS[name])
    changed = mirror.frame()
    assert len(index) == len(changed)
    # under the variants every third record (and every record the churn touched)
    stride = 1 if caps == "preset" else 3
    touched = {_key(r) for r in records[-12:] + records[301:700:40]}
    rows = [i for i, key in enumerate(keys_of(changed)) if i % stride == 0 or key in touched]
    assert_index_equals_batch(index, changed, case, rows)


def test_removed_records_are_never_candidates(customers_case: Case) -> None:
    case = customers_case
    index = MatchIndex.build(case.records, case.settings, case.model)
    records = case.records.to_dict("records")
    partners = [d.key for d in index.query(records[0])]
    assert partners
    for key in partners:
        index.remove(key)
    assert all(d.key not in partners for d in index.query(records[0]))
    assert all(key not in index for key in partners)


def test_adding_a_key_already_indexed_is_refused(customers_case: Case) -> None:
    index = MatchIndex.build(customers_case.records, customers_case.settings, customers_case.model)
    with pytest.raises(ValueError, match="already in the index"):
        index.add(customers_case.records.iloc[0].to_dict())


def test_removing_or_updating_an_unknown_key_is_refused(customers_case: Case) -> None:
    index = MatchIndex.build(customers_case.records, customers_case.settings, customers_case.model)
    with pytest.raises(KeyError, match="not in the index"):
        index.remove(("crm", "no-such-id"))
    stranger = {**customers_case.records.iloc[0].to_dict(), "source_id": "no-such-id"}
    with pytest.raises(KeyError, match="not in the index"):
        index.update(stranger)
    index.remove(("crm", str(customers_case.records.iloc[0]["source_id"])))
    with pytest.raises(KeyError, match="not in the index"):
        index.remove(("crm", str(customers_case.records.iloc[0]["source_id"])))


def test_a_record_without_its_key_is_refused(customers_case: Case) -> None:
    index = MatchIndex.build(customers_case.records, customers_case.settings, customers_case.model)
    record = customers_case.records.iloc[0].to_dict()
    del record["source_id"]
    for act in (index.add, index.update, index.query, index.candidates):
        with pytest.raises(ValueError, match="source_id"):
            act(record)


def test_build_refuses_repeated_keys(customers_case: Case) -> None:
    twice = pd.concat([customers_case.records.iloc[:3]] * 2, ignore_index=True)
    with pytest.raises(ValueError, match="repeat"):
        MatchIndex.build(twice, customers_case.settings, customers_case.model)
