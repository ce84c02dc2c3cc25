"""blocking keys stored as 64-bit block ids, not as (entity, rule, key) texts

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-27 14:00:00.000000

Each batch of resolve on ingest inserts thousands of blocking keys at random places of the
lookup index. A row was the entity type, the rule's name and the key, about 45 bytes; it is
now the block's 64-bit id (a hash of the three, as `mdm.resolution.keys.block_id` computes it)
and the record, about 15. A third of the pages to write, to search and to copy from the log.

The upgrade computes each stored key's block id, so no record needs resolving again. The ids
cannot be turned back into texts: the downgrade leaves the 0018 table empty, and
`mdm resolve --all --no-refit` fills it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Records per step of the copy: their keys are read, hashed and written together.
_STEP = 20_000


def _block_id(entity: str, rule: str, key: str) -> int:
    # `mdm.resolution.keys.block_id` as of this revision, kept here so the migration stays as
    # it was written whatever the code becomes (a test holds the two equal)
    named = f'{entity}\x1f{rule}\x1f{key}'.encode()
    return int.from_bytes(hashlib.blake2b(named, digest_size=8).digest(), 'big', signed=True)


def _fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ['source_record_id'],
        ['source_record.id'],
        name=op.f('fk_blocking_key_source_record_id_source_record'),
    )


def _by_block() -> sa.Table:
    return op.create_table(
        'blocking_key',
        sa.Column('block', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('source_record_id', sa.Integer(), autoincrement=False, nullable=False),
        _fk(),
        sa.PrimaryKeyConstraint('block', 'source_record_id', name=op.f('pk_blocking_key')),
        sa.UniqueConstraint(
            'source_record_id', 'block', name=op.f('uq_blocking_key_source_record_id_block')
        ),
        sqlite_with_rowid=False,
    )


def _by_text() -> sa.Table:
    """The table as 0018 left it."""
    return op.create_table(
        'blocking_key',
        sa.Column('source_record_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('entity_type', sa.String(length=16), nullable=False),
        _fk(),
        sa.PrimaryKeyConstraint(
            'entity_type', 'rule', 'key', 'source_record_id', name=op.f('pk_blocking_key')
        ),
        sa.UniqueConstraint(
            'source_record_id', 'rule', 'key', name=op.f('uq_blocking_key_source_record_id_rule_key')
        ),
        sqlite_with_rowid=False,
    )


def _set_aside() -> str:
    """Rename the table out of the way; on PostgreSQL its primary key too (an index name,
    which the new table's takes)."""
    op.rename_table('blocking_key', '_old_blocking_key')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE _old_blocking_key RENAME CONSTRAINT pk_blocking_key TO pk__old_blocking_key')
    return '_old_blocking_key'


def upgrade() -> None:
    old = _set_aside()
    new = _by_block()
    bind = op.get_bind()
    last = bind.execute(sa.text(f'SELECT max(source_record_id) FROM {old}')).scalar() or 0
    read = sa.text(
        f'SELECT entity_type, rule, "key", source_record_id FROM {old} '
        'WHERE source_record_id > :after AND source_record_id <= :upto'
    )
    for after in range(0, last, _STEP):
        rows = bind.execute(read, {'after': after, 'upto': after + _STEP}).all()
        blocks = sorted({(_block_id(e, r, k), rid) for e, r, k, rid in rows})
        if blocks:
            bind.execute(
                new.insert(), [{'block': b, 'source_record_id': rid} for b, rid in blocks]
            )
    op.drop_table(old)


def downgrade() -> None:
    op.drop_table(_set_aside())
    _by_text()
