"""blocking key index covers the record id; children found by their customer

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 17:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('blocking_key', schema=None) as batch_op:
        batch_op.create_index(
            'ix_blocking_key_members',
            ['entity_type', 'rule', 'key', 'source_record_id'],
            unique=False,
        )
        batch_op.drop_index('ix_blocking_key_lookup')
    for table in ('contract_record', 'project_record'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_customer', ['customer_source_id'], unique=False)


def downgrade() -> None:
    for table in ('contract_record', 'project_record'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_customer')
    with op.batch_alter_table('blocking_key', schema=None) as batch_op:
        batch_op.create_index(
            'ix_blocking_key_lookup', ['entity_type', 'rule', 'key'], unique=False
        )
        batch_op.drop_index('ix_blocking_key_members')
