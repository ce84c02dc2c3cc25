"""Migrations equal the models on both backends, and walk down to base and up again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from mdm import migrate
from mdm.errors import DatabaseNotReady
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
