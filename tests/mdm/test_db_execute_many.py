"""`execute_many` and `insert_returning` store (and return) exactly what SQLAlchemy's own
executemany does, on either backend.

On SQLite it hands the driver tuples itself; on PostgreSQL it is SQLAlchemy's path. Each test
writes the same rows both ways into twin tables and compares what the database holds, value by
value (and, on SQLite, the storage class of each value).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    event,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import StatementError

from mdm import db
from mdm.db import execute_many, insert_returning

COLUMNS = ("label", "note", "flag", "at", "naive_at", "day", "ratio", "amount", "big", "doc")


def _table(metadata: MetaData, name: str, *extra: Column[Any] | UniqueConstraint) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("label", String(64), nullable=False),
        Column("note", Text, nullable=True),
        Column("flag", Boolean, nullable=True),
        Column("at", DateTime(timezone=True), nullable=True),
        Column("naive_at", DateTime, nullable=True),
        Column("day", Date, nullable=True),
        Column("ratio", Float, nullable=True),
        Column("amount", Numeric(12, 2), nullable=True),
        Column("big", BigInteger, nullable=True),
        Column("doc", JSON, nullable=True),
        *extra,
    )


@pytest.fixture
def twins(fresh_engine: Engine) -> Iterator[tuple[Engine, Table, Table]]:
    metadata = MetaData()
    fast, slow = _table(metadata, "fast_rows"), _table(metadata, "slow_rows")
    metadata.create_all(fresh_engine)
    yield fresh_engine, fast, slow
    metadata.drop_all(fresh_engine)


def _rows() -> list[dict[str, Any]]:
    base = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for i in range(40):
        odd = i % 2 == 1
        rows.append(
            {
                "label": f"row {i} ünïcødé" if odd else f"row {i}",
                "note": None if i % 3 == 0 else "x" * i,
                "flag": None if i % 5 == 0 else odd,
                "at": None if i % 7 == 0 else base + timedelta(days=i, microseconds=i),
                "naive_at": None if i % 4 == 0 else datetime(2025, 1, 1 + i % 28, 23, 59, 59),
                "day": None if i % 6 == 0 else date(2024, 2, 1 + i % 29),
                "ratio": None if i % 8 == 0 else i / 7,
                "amount": None if i % 9 == 0 else Decimal(f"{i}.{i % 100:02d}"),
                "big": None if i % 10 == 0 else 2**40 + i,
                # None goes in as JSON null (SQLAlchemy's default), the others as documents
                "doc": [None, {"a": [1, 2.5, "é"], "b": None}, ["x", i], "text", 7, True][i % 6],
            }
        )
    return rows


def _stored(connection: Connection, table: Table, columns: tuple[str, ...]) -> list[Any]:
    """Every row as the database holds it: no result type processing, storage classes too."""
    if connection.dialect.name == "sqlite":
        selected = ", ".join(f'"{c}", typeof("{c}")' for c in ("id", *columns))
    else:
        selected = ", ".join(f'"{c}"' for c in ("id", *columns))
    return list(connection.exec_driver_sql(f"SELECT {selected} FROM {table.name} ORDER BY id"))


def _compiled(engine: Engine, table: Table) -> list[bool]:
    """Collects, for each statement on `table` sent to the driver, whether SQLAlchemy compiled
    it (its own path) or not (rows handed to the driver straight)."""
    sent: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _sent(_c: Any, _cur: Any, statement: str, _p: Any, context: Any, _many: bool) -> None:
        if f"INTO {table.name} " in statement:
            sent.append(context.compiled is not None)

    return sent


def test_inserted_rows_are_stored_as_sqlalchemy_stores_them(
    twins: tuple[Engine, Table, Table], backend: str
) -> None:
    engine, fast, slow = twins
    sent = _compiled(engine, fast)
    with engine.begin() as connection:
        execute_many(connection, fast.insert(), _rows())
        connection.execute(slow.insert(), _rows())
    with engine.connect() as connection:
        fast_rows = _stored(connection, fast, COLUMNS)
        assert fast_rows == _stored(connection, slow, COLUMNS)
    assert len(fast_rows) == 40
    # SQLite's rows went to the driver straight; PostgreSQL's through SQLAlchemy
    assert sent == [backend != "sqlite"]


def test_updated_rows_are_stored_as_sqlalchemy_stores_them(
    twins: tuple[Engine, Table, Table],
) -> None:
    engine, fast, slow = twins
    changes = [
        {"row_id": i + 1, "flag": i % 3 == 0, "at": datetime(2027, 1, 1, i % 24, tzinfo=UTC)}
        for i in range(0, 40, 3)
    ]
    with engine.begin() as connection:
        for table in (fast, slow):
            connection.execute(table.insert(), _rows())
        by_id = update(fast).where(fast.c.id == bindparam("row_id"))
        execute_many(connection, by_id, changes)
        connection.execute(update(slow).where(slow.c.id == bindparam("row_id")), changes)
    with engine.connect() as connection:
        assert _stored(connection, fast, COLUMNS) == _stored(connection, slow, COLUMNS)


def test_one_row_is_stored_as_sqlalchemy_stores_it(twins: tuple[Engine, Table, Table]) -> None:
    engine, fast, slow = twins
    only = [{"label": "alone", "at": datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=2)))}]
    with engine.begin() as connection:
        execute_many(connection, fast.insert(), only)
        connection.execute(slow.insert(), only)
    with engine.connect() as connection:
        assert _stored(connection, fast, ("label", "at")) == _stored(
            connection, slow, ("label", "at")
        )


def test_a_row_missing_a_key_of_the_first_fails_as_sqlalchemy_fails(
    twins: tuple[Engine, Table, Table],
) -> None:
    engine, fast, _slow = twins
    rows = [{"label": "a", "note": "n"}, {"label": "b"}]
    required = "A value is required for bind parameter 'note'"
    with pytest.raises(StatementError, match=required), engine.begin() as connection:
        execute_many(connection, fast.insert(), rows)
    with engine.connect() as connection:
        assert _stored(connection, fast, ("label",)) == []


def test_statement_cache_keeps_key_sets_apart(twins: tuple[Engine, Table, Table]) -> None:
    engine, fast, slow = twins
    with engine.begin() as connection:
        for table in (fast, slow):
            run = execute_many if table is fast else Connection.execute
            run(connection, table.insert(), [{"label": "a", "flag": True}] * 2)
            run(connection, table.insert(), [{"label": "b", "doc": {"k": 1}}] * 2)
            run(connection, table.insert(), [{"label": "c", "flag": False}] * 2)
    with engine.connect() as connection:
        assert _stored(connection, fast, COLUMNS) == _stored(connection, slow, COLUMNS)


def test_a_default_computed_per_row_is_left_to_sqlalchemy(fresh_engine: Engine) -> None:
    metadata = MetaData()
    stamped = Column("stamped", String(16), default="by-default")
    table = _table(metadata, "stamped_rows", stamped)
    metadata.create_all(fresh_engine)
    sent = _compiled(fresh_engine, table)
    with fresh_engine.begin() as connection:
        execute_many(connection, table.insert(), [{"label": "a"}, {"label": "b"}])
    with fresh_engine.connect() as connection:
        stored = connection.execute(table.select().order_by(table.c.id)).all()
    assert [row.stamped for row in stored] == ["by-default", "by-default"]
    assert sent == [True]  # compiled by SQLAlchemy, which fills the default in


def _on_conflict_insert(engine: Engine, table: Table, *returned: Column[Any]) -> Any:
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["label"])
        .returning(*(returned or (table.c.id, table.c.label)))
    )


@pytest.fixture
def labelled_twins(fresh_engine: Engine) -> Iterator[tuple[Engine, Table, Table]]:
    """Twin tables whose labels are unique, for INSERT .. ON CONFLICT DO NOTHING RETURNING."""
    metadata = MetaData()
    fast, slow = (
        _table(metadata, name, UniqueConstraint("label")) for name in ("fast_rows", "slow_rows")
    )
    metadata.create_all(fresh_engine)
    yield fresh_engine, fast, slow
    metadata.drop_all(fresh_engine)


@pytest.mark.parametrize("max_parameters", [None, 25])
def test_insert_returning_stores_and_returns_what_sqlalchemy_does(
    labelled_twins: tuple[Engine, Table, Table],
    backend: str,
    max_parameters: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, fast, slow = labelled_twins
    if max_parameters is not None:
        # 25 parameters: two rows to a statement, so the rows take many statements
        monkeypatch.setattr(engine.dialect, "insertmanyvalues_max_parameters", max_parameters)
    sent = _compiled(engine, fast)
    first, again = _rows()[:30], _rows()[20:]  # the second insert meets ten labels it holds
    returned = []
    with engine.begin() as connection:
        for table, run in ((fast, insert_returning), (slow, _sqlalchemy_returning)):
            statement = _on_conflict_insert(engine, table)
            returned.append(
                [
                    sorted(tuple(row) for row in run(connection, statement, rows))
                    for rows in (first, again)
                ]
            )
    assert returned[0] == returned[1]
    assert [len(rows) for rows in returned[0]] == [30, 10]
    with engine.connect() as connection:
        assert _stored(connection, fast, COLUMNS) == _stored(connection, slow, COLUMNS)
    assert set(sent) == {backend != "sqlite"}


def _sqlalchemy_returning(connection: Connection, statement: Any, rows: list[Any]) -> list[Any]:
    return list(connection.execute(statement, rows))


def test_insert_returning_leaves_values_to_convert_to_sqlalchemy(
    labelled_twins: tuple[Engine, Table, Table],
) -> None:
    engine, fast, _slow = labelled_twins
    sent = _compiled(engine, fast)
    statement = _on_conflict_insert(engine, fast, fast.c.label, fast.c.at, fast.c.doc)
    with engine.begin() as connection:
        returned = insert_returning(connection, statement, _rows()[1:3])
    at = datetime(2026, 3, 4, 5, 6, 7, 891011) + timedelta(days=1, microseconds=1)
    assert sorted(tuple(row) for row in returned)[0][1:] in [
        (at, {"a": [1, 2.5, "é"], "b": None}),  # SQLite: naive, as SQLAlchemy reads it
        (at.replace(tzinfo=UTC), {"a": [1, 2.5, "é"], "b": None}),
    ]
    assert sent == [True]


def test_sqlalchemy_internals_gone_missing_fall_back_to_its_own_path(
    twins: tuple[Engine, Table, Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a SQLAlchemy release renaming an internal the fast path reads costs speed, not a failure
    def renamed(*_args: Any) -> None:
        raise AttributeError("_bind_processors")

    monkeypatch.setattr(db, "_compile_plan", renamed)
    engine, fast, slow = twins
    sent = _compiled(engine, fast)
    statement = fast.insert()
    with engine.begin() as connection:
        execute_many(connection, statement, _rows())
        connection.execute(slow.insert(), _rows())
    with engine.connect() as connection:
        assert _stored(connection, fast, COLUMNS) == _stored(connection, slow, COLUMNS)
    assert sent == [True]


def test_compiled_forms_kept_are_bounded(
    twins: tuple[Engine, Table, Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a caller building its statement per call would otherwise grow the cache for ever
    monkeypatch.setattr(db, "_MAX_PLANS", 3)
    engine, fast, _slow = twins
    with engine.begin() as connection:
        for _ in range(10):
            execute_many(connection, fast.insert(), _rows()[:2])
        plans = db._PLANS.get(connection.dialect, {})
        stored = connection.exec_driver_sql(f"SELECT count(*) FROM {fast.name}").scalar()
    assert len(plans) <= 3
    assert stored == 20
