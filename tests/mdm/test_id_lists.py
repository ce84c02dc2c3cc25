"""`in_list` selects what `column.in_(list)` selects, on either backend, and on SQLite it
binds the list as one parameter and still seeks the index per value."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, event, or_, select

from mdm.id_lists import in_list


@pytest.fixture
def table(fresh_engine: Engine) -> Iterator[tuple[Engine, Table]]:
    metadata = MetaData()
    rows = Table(
        "listed",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(32), nullable=False, index=True),
        Column("other", Integer, nullable=False),
    )
    metadata.create_all(fresh_engine)
    with fresh_engine.begin() as connection:
        connection.execute(
            rows.insert(), [{"id": i, "name": f"n{i}", "other": i % 7} for i in range(1, 301)]
        )
    yield fresh_engine, rows
    metadata.drop_all(fresh_engine)


@pytest.mark.parametrize(
    "wanted",
    [[3, 5, 299], [], [400], list(range(1, 301, 3)), [5, 5, 5]],
    ids=["some", "none", "absent", "many", "repeated"],
)
def test_it_selects_what_an_in_list_selects(table: tuple[Engine, Table], wanted: list[int]) -> None:
    engine, rows = table
    with engine.connect() as connection:
        found = connection.execute(select(rows.c.id).where(in_list(rows.c.id)), {"ids": wanted})
        expected = connection.execute(select(rows.c.id).where(rows.c.id.in_(wanted)))
        assert sorted(found.scalars()) == sorted(expected.scalars())


def test_texts_other_names_and_one_list_bound_twice(table: tuple[Engine, Table]) -> None:
    engine, rows = table
    names = select(rows.c.id).where(in_list(rows.c.name, "names"))
    either = select(rows.c.id).where(or_(in_list(rows.c.id), in_list(rows.c.other)))
    with engine.connect() as connection:
        assert sorted(connection.execute(names, {"names": ["n2", "n9", "x"]}).scalars()) == [2, 9]
        found = set(connection.execute(either, {"ids": [1, 200]}).scalars())
    assert found == {1, 200} | {i for i in range(1, 301) if i % 7 == 1}


def test_sqlite_binds_one_parameter_and_seeks_each_value(table: tuple[Engine, Table]) -> None:
    engine, rows = table
    if engine.dialect.name != "sqlite":
        pytest.skip("other databases keep SQLAlchemy's expanding IN")
    sent: list[tuple[str, tuple[object, ...]]] = []
    query = select(rows.c.name).where(in_list(rows.c.id))
    with engine.connect() as connection:
        listener = lambda *args: sent.append((args[2], args[3]))  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        assert connection.execute(query, {"ids": list(range(1, 501))}).scalars().all()
        event.remove(connection, "before_cursor_execute", listener)
        ((statement, parameters),) = [(sql, bound) for sql, bound in sent if "listed" in sql]
        assert len(parameters) == 1
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    steps = " | ".join(str(row[-1]) for row in plan)
    # a seek per value, not a scan with a membership test ("... = 1" would make it one)
    assert "SEARCH listed USING INTEGER PRIMARY KEY (rowid=?)" in steps, steps
