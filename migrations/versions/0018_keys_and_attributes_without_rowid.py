"""blocking keys and golden attributes stored in their key's order (WITHOUT ROWID on SQLite)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 05:00:00.000000

Each batch of resolve on ingest inserts thousands of blocking keys at random places of the
(entity, rule, key, record) index and rewrites the attributes of a thousand golden records.
On SQLite a table with a rowid keeps each of these rows twice (the table, and the index that
finds it), so each write touched two b-trees' pages. Stored WITHOUT ROWID, the primary key is
the table: golden attributes are one b-tree instead of two, and blocking keys' primary key
becomes the lookup order (entity, rule, key, record), with the old key (record, rule, key) kept
as a unique constraint for deleting a record's keys. PostgreSQL has no rowid; there the
blocking keys' primary key and the lookup index trade places (the same two b-trees) and the
golden attributes stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOOKUP = ['entity_type', 'rule', 'key', 'source_record_id']
_BY_RECORD = ['source_record_id', 'rule', 'key']


def _blocking_key(name: str, *, lookup_key: bool) -> sa.Table:
    """The blocking_key table as `name`: keyed for lookup (head) or by record (0017)."""
    key = _LOOKUP if lookup_key else _BY_RECORD
    extra: list[sa.SchemaItem] = []
    if lookup_key:
        extra.append(sa.UniqueConstraint(*_BY_RECORD, name=op.f('uq_blocking_key_source_record_id_rule_key')))
    return op.create_table(
        name,
        sa.Column('source_record_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('entity_type', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ['source_record_id'],
            ['source_record.id'],
            name=op.f('fk_blocking_key_source_record_id_source_record'),
        ),
        sa.PrimaryKeyConstraint(*key, name=op.f('pk_blocking_key')),
        *extra,
        sqlite_with_rowid=not lookup_key,
    )


def _golden_attribute(name: str, *, rowid: bool) -> sa.Table:
    return op.create_table(
        name,
        sa.Column('golden_id', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('source_record_id', sa.Integer(), nullable=True),
        sa.Column('rule', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ['golden_id'],
            ['golden_record.id'],
            name=op.f('fk_golden_attribute_golden_id_golden_record'),
        ),
        sa.ForeignKeyConstraint(
            ['source_record_id'],
            ['source_record.id'],
            name=op.f('fk_golden_attribute_source_record_id_source_record'),
        ),
        sa.PrimaryKeyConstraint('golden_id', 'name', name=op.f('pk_golden_attribute')),
        sqlite_with_rowid=rowid,
    )


def _replace_sqlite_table(name: str, build: sa.Table, order: list[str]) -> None:
    """Copy `name` into the table `build` made (in its key's order, so its pages fill one
    after the other), then let the copy take the name. Nothing refers to these tables."""
    columns = ', '.join(f'"{c.name}"' for c in build.columns)
    ordered = ', '.join(f'"{c}"' for c in order)
    op.execute(
        f'INSERT INTO "{build.name}" ({columns}) SELECT {columns} FROM "{name}" ORDER BY {ordered}'
    )
    op.drop_table(name)
    op.rename_table(build.name, name)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _replace_sqlite_table(
            'golden_attribute',
            _golden_attribute('_new_golden_attribute', rowid=False),
            ['golden_id', 'name'],
        )
        _replace_sqlite_table(
            'blocking_key', _blocking_key('_new_blocking_key', lookup_key=True), _LOOKUP
        )
        return
    op.create_unique_constraint(
        op.f('uq_blocking_key_source_record_id_rule_key'), 'blocking_key', _BY_RECORD
    )
    op.drop_index('ix_blocking_key_members', table_name='blocking_key')
    op.drop_constraint(op.f('pk_blocking_key'), 'blocking_key', type_='primary')
    op.create_primary_key(op.f('pk_blocking_key'), 'blocking_key', _LOOKUP)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _replace_sqlite_table(
            'golden_attribute',
            _golden_attribute('_old_golden_attribute', rowid=True),
            ['golden_id', 'name'],
        )
        _replace_sqlite_table(
            'blocking_key', _blocking_key('_old_blocking_key', lookup_key=False), _BY_RECORD
        )
        op.create_index('ix_blocking_key_members', 'blocking_key', _LOOKUP, unique=False)
        return
    op.drop_constraint(op.f('pk_blocking_key'), 'blocking_key', type_='primary')
    op.create_primary_key(op.f('pk_blocking_key'), 'blocking_key', _BY_RECORD)
    op.create_index('ix_blocking_key_members', 'blocking_key', _LOOKUP, unique=False)
    op.drop_constraint(
        op.f('uq_blocking_key_source_record_id_rule_key'), 'blocking_key', type_='unique'
    )
