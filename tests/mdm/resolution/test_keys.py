"""Blocking keys and record frames as resolve on ingest reads them."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlmodel import Session, col, select

from matching.batch.standardize import Memo
from matching.config import MatchSettings
from matching.prepare import prepare
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest
from mdm.resolution.frames import RecordFrame, load_frame, read_columns
from mdm.resolution.keys import (
    _values,
    block_id,
    neighbours,
    record_keys,
    rule_name,
    store_keys,
)
from mdm.resolution.modelstore import active_model
from tests.mdm.resolution.test_batch import ROWS
from tests.mdm.resolution.test_children import PROJECTS

C = EntityType.CUSTOMER
P = EntityType.PROJECT


def _load(engine: Engine, rows: list[dict[str, str]]) -> None:
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(r) for r in rows], resolve=False)


def _settings(session: Session) -> MatchSettings:
    return active_model(session, C)[0]


def _reference_keys(records: RecordFrame, settings: MatchSettings) -> set[tuple[str, str, int]]:
    """Keys as read row by row from `prepare()` (the reference standardizer); a child's keys
    are scoped by its parent."""
    prepared = prepare(records.frame, settings)
    parents = prepared[settings.parent_field].tolist() if settings.parent_field else None
    out = set()
    for rule in settings.blocking:
        for row, value in enumerate(prepared[rule.field].tolist()):
            if value:
                rid = records.record_ids[row]
                scope = f"{parents[row] or ''}\x1f" if parents is not None else ""
                out |= {(rule_name(rule), scope + k, rid) for k in _values(str(value), rule)}
    return out


def test_record_keys_are_the_reference_standardizers_keys_with_or_without_a_memo(
    engine: Engine,
) -> None:
    _load(engine, ROWS)
    with Session(engine) as session:
        settings = _settings(session)
        records = load_frame(session, C)
        expected = _reference_keys(records, settings)
        memo = Memo()
        assert set(record_keys(records, settings)) == expected
        assert set(record_keys(records, settings, memo)) == expected
        assert set(record_keys(records, settings, memo)) == expected  # answered by the memo


def test_a_childs_keys_are_scoped_by_its_parent(engine: Engine) -> None:
    _load(engine, ROWS)
    with session_scope(engine, write=True) as session:
        ingest(session, P, [RecordInput(r) for r in PROJECTS], resolve=False)
    with Session(engine) as session:
        settings = active_model(session, P)[0]
        records = load_frame(session, P)
        expected = _reference_keys(records, settings)
        assert settings.parent_field
        assert all("\x1f" in key for _rule, key, _rid in expected)
        assert set(record_keys(records, settings)) == expected
        assert set(record_keys(records, settings, Memo())) == expected


def test_neighbours_share_a_key_unless_its_block_is_too_large(engine: Engine) -> None:
    _load(engine, ROWS)
    with session_scope(engine, write=True) as session:
        settings = _settings(session)
        records = load_frame(session, C)
        keys = store_keys(session, C, records, settings)
        assert keys == sorted(set(keys))
        # "handel" and "gmbh" are shared by the forty noise companies: a cap of 10 drops them
        capped = _capped(settings, 10)
        everyone = set(records.record_ids)
        token = rule_name(settings.blocking[0])
        handel = [(rule, key) for rule, key in keys if rule == token and key.endswith("handel")]
        assert handel
        shared = everyone - _ids(session, "1", "2", "3")
        assert neighbours(session, C, handel, settings) == shared
        assert neighbours(session, C, handel, capped) == set()
        # a block of exactly the cap is used; a key asked for again is still one block
        assert neighbours(session, C, handel * 3, _capped(settings, len(shared))) == shared
        assert neighbours(session, C, handel, _capped(settings, len(shared) - 1)) == set()
        nordwind = [(rule, key) for rule, key in keys if key.endswith("nordwind")]
        assert neighbours(session, C, nordwind, capped) == _ids(session, "1")


def test_a_frame_by_ids_is_the_whole_frame_cut_to_them(engine: Engine) -> None:
    rows = [{**row, "source_id": f"{row['source_id']}-{n}"} for n in range(13) for row in ROWS]
    _load(engine, rows)  # more records than one statement's chunk of ids
    with Session(engine) as session:
        whole = load_frame(session, C)
        wanted = set(whole.record_ids[::3]) | {10**9}
        part = load_frame(session, C, wanted)
        rows_wanted = [i for i, rid in enumerate(whole.record_ids) if rid in wanted]
        assert part.record_ids == [whole.record_ids[i] for i in rows_wanted]
        assert part.golden_ids == [whole.golden_ids[i] for i in rows_wanted]
        expected = whole.frame.iloc[rows_wanted].reset_index(drop=True)
        assert part.frame.equals(expected)
        assert load_frame(session, C, []).frame.columns.equals(whole.frame.columns)


def test_a_frame_for_matching_keeps_the_keys_and_the_columns_matching_reads(
    engine: Engine,
) -> None:
    _load(engine, ROWS)
    with Session(engine) as session:
        settings = _settings(session)
        columns = read_columns(settings)
        whole = load_frame(session, C)
        matched = load_frame(session, C, whole.record_ids, columns)
        kept = [
            c for c in whole.frame.columns if c in columns or c in ("source_system", "source_id")
        ]
        assert list(matched.frame.columns) == kept
        assert matched.frame.equals(whole.frame[kept])
        assert set(record_keys(matched, settings)) == set(record_keys(whole, settings))


def _capped(settings: MatchSettings, cap: int) -> MatchSettings:
    return replace(
        settings, blocking=tuple(replace(rule, max_block_size=cap) for rule in settings.blocking)
    )


def _ids(session: Session, *source_ids: str) -> set[int]:
    query = select(SourceRecord.id).where(col(SourceRecord.source_id).in_(source_ids))
    return {i for i in session.exec(query) if i is not None}


def test_block_lookups_seek_the_key_whatever_the_statistics(engine: Engine) -> None:
    """A new hub's first batches find blocks through the primary key, per key.

    PostgreSQL, before a table's first statistics, planned a key list as a filter over every
    key of the rule, and a join of keys to their block sizes as a nested loop over them
    (minutes per batch on a few thousand records); SQLite plans its statement by the key.
    """
    with Session(engine) as session:
        connection = session.connection()
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            _never_analyzed_keys(connection)
        settings = _settings(session)
        ran: list[tuple[str, Any]] = []
        listener = lambda *args: ran.append((args[2], args[3]))  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        keys = [("tokens:name", "k7"), ("tokens:name", "acme"), ("exact:phone", "+4930")]
        neighbours(session, C, keys, settings)
        event.remove(connection, "before_cursor_execute", listener)
        assert len(ran) == 2  # a statement per rule
        for statement, parameters in ran:
            plan = _plan(connection, statement, parameters, postgres)
            if postgres:
                assert "Join Filter" not in plan, plan
                assert "Seq Scan" not in plan, plan
                assert "block = k.block" in plan.split("Index Cond")[1], plan
            else:
                seek = "SEARCH blocking_key USING PRIMARY KEY (block=?)"
                assert plan.count(seek) == 2, plan
        session.rollback()


def _plan(connection: Connection, statement: str, parameters: Any, postgres: bool) -> str:
    if postgres:
        explained = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        return json.dumps(explained.scalar_one())
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return "\n".join(str(row[-1]) for row in rows)


def _never_analyzed_keys(connection: Connection) -> None:
    """Thousands of keys and no statistics: the shape of a hub after its first batch."""
    connection.execute(
        text(
            "INSERT INTO source_record (id, entity_type, source_system, source_id, status, "
            "version, content_hash, created_at, updated_at) SELECT i, 'customer', 'crm', "
            "i::text, 'active', 1, '', now(), now() FROM generate_series(1000001, 1004000) AS i"
        )
    )
    blocks = [block_id(C, "tokens:name", f"k{k}") for k in range(1500)]
    connection.execute(
        text(
            "INSERT INTO blocking_key (block, source_record_id) "
            "SELECT (CAST(:blocks AS bigint[]))[i % 1500 + 1], i "
            "FROM generate_series(1000001, 1004000) AS i"
        ),
        {"blocks": blocks},
    )
