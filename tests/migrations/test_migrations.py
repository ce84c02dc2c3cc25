"""Migrations equal the models on both backends, and walk down to base and up again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from mdm import migrate
from mdm.entities import EntityType
from mdm.errors import DatabaseNotReady
from mdm.resolution.keys import block_id
from mdm.tables import metadata


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, metadata))


def test_upgrade_head_equals_the_models(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    assert _schema_diff(fresh_engine) == []


def test_downgrade_base_then_upgrade_head_round_trips(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    tables_at_head = set(inspect(fresh_engine).get_table_names())
    migrate.downgrade(fresh_engine, "base")
    assert migrate.current_revision(fresh_engine) is None
    assert set(inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(fresh_engine)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()
    assert set(inspect(fresh_engine).get_table_names()) == tables_at_head
    assert _schema_diff(fresh_engine) == []


def test_every_revision_steps_down_and_up_one_at_a_time(fresh_engine: Engine) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    for revision in revisions:
        migrate.upgrade(fresh_engine, revision)
        migrate.downgrade(fresh_engine, "-1")
        migrate.upgrade(fresh_engine, revision)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()


def test_history_is_linear_with_one_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1


def test_unmigrated_database_is_reported_not_ready(fresh_engine: Engine) -> None:
    assert migrate.current_revision(fresh_engine) is None
    with pytest.raises(DatabaseNotReady, match="run `mdm migrate`"):
        migrate.check_at_head(fresh_engine)


def test_primary_keys_are_the_models_in_their_order(fresh_engine: Engine) -> None:
    # Alembic's comparison leaves primary keys out; their column order is what seeks use.
    migrate.upgrade(fresh_engine)
    inspector = inspect(fresh_engine)
    for table in metadata.sorted_tables:
        stored = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert stored == [c.name for c in table.primary_key.columns], table.name


def test_sqlite_tables_keep_a_rowid_as_the_models_say(fresh_engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("rowid tables are SQLite's")
    migrate.upgrade(fresh_engine)
    tables = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
    with fresh_engine.connect() as connection:
        ddl: dict[str, str] = {row[0]: row[1] for row in connection.exec_driver_sql(tables)}
    for table in metadata.sorted_tables:
        with_rowid = table.dialect_options["sqlite"]["with_rowid"]
        assert ("WITHOUT ROWID" not in ddl[table.name]) == with_rowid, table.name
    assert "WITHOUT ROWID" in ddl["blocking_key"]
    assert "WITHOUT ROWID" in ddl["golden_attribute"]


def _keys_and_attributes(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            name: sorted(connection.exec_driver_sql(f"SELECT * FROM {name}").all())
            for name in ("blocking_key", "golden_attribute")
        }


def _rows_at_0017(engine: Engine) -> None:
    """Records, golden records, their attributes and blocking keys, written as 0017 stores them."""
    with engine.begin() as connection:
        for i in (1, 2, 3):
            connection.exec_driver_sql(
                "INSERT INTO golden_record (id, entity_type, status, created_at, updated_at) "
                f"VALUES ('cus_{i}', 'customer', 'active', '2026-01-01', '2026-01-01')"
            )
            connection.exec_driver_sql(
                "INSERT INTO source_record (id, entity_type, source_system, source_id, golden_id,"
                " status, version, content_hash, created_at, updated_at) VALUES "
                f"({i}, 'customer', 'crm', 'c{i}', 'cus_{i}', 'active', 1, 'h', "
                "'2026-01-01', '2026-01-01')"
            )
        connection.exec_driver_sql(
            "INSERT INTO golden_attribute (golden_id, name, value, source_record_id, rule) VALUES "
            "('cus_2', 'name', 'Beta', 2, 'most_recent'), ('cus_1', 'name', 'Acme', 1, 'rule'),"
            " ('cus_1', 'city', 'Köln', NULL, 'override'), ('cus_3', 'phone', '', 3, 'r')"
        )
        connection.exec_driver_sql(
            'INSERT INTO blocking_key (source_record_id, rule, "key", entity_type) VALUES '
            "(3, 'tokens:name', 'acme', 'customer'), (1, 'tokens:name', 'acme', 'customer'),"
            " (1, 'exact:phone', '+49', 'customer'), (2, 'tokens:name', 'beta', 'project')"
        )


def test_0018_keeps_the_rows_of_keys_and_attributes_both_ways(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine, "0017")
    _rows_at_0017(fresh_engine)
    before = _keys_and_attributes(fresh_engine)
    assert [len(rows) for rows in before.values()] == [4, 4]
    migrate.upgrade(fresh_engine, "0018")
    assert _keys_and_attributes(fresh_engine) == before
    migrate.downgrade(fresh_engine, "0017")
    assert _keys_and_attributes(fresh_engine) == before
    assert "ix_blocking_key_members" in {
        index["name"] for index in inspect(fresh_engine).get_indexes("blocking_key")
    }
    migrate.upgrade(fresh_engine, "0018")
    assert _keys_and_attributes(fresh_engine) == before


def test_0019_stores_each_key_as_its_block_id_and_downgrades_to_an_empty_table(
    fresh_engine: Engine,
) -> None:
    migrate.upgrade(fresh_engine, "0017")
    _rows_at_0017(fresh_engine)
    texts = _keys_and_attributes(fresh_engine)["blocking_key"]
    attributes = _keys_and_attributes(fresh_engine)["golden_attribute"]
    migrate.upgrade(fresh_engine, "0019")
    # the ids the code computes: what the migration wrote is what the hub looks up
    expected = sorted(
        (block_id(EntityType(str(entity)), str(rule), str(key)), record)
        for record, rule, key, entity in texts
    )
    assert _keys_and_attributes(fresh_engine) == {
        "blocking_key": expected,
        "golden_attribute": attributes,
    }
    assert len({block for block, _record in expected}) == 3  # "acme" is one block of two
    assert _schema_diff(fresh_engine) == []
    migrate.downgrade(fresh_engine, "0018")
    assert _keys_and_attributes(fresh_engine)["blocking_key"] == []
    assert {c["name"] for c in inspect(fresh_engine).get_columns("blocking_key")} == {
        "source_record_id",
        "rule",
        "key",
        "entity_type",
    }
    migrate.upgrade(fresh_engine)
    assert _schema_diff(fresh_engine) == []
