"""sync deal rate card, who resolved an exception

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 14:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('sync_deal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_card', sa.String(length=128), nullable=True))
    with op.batch_alter_table('sync_exception', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_by', sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_exception', schema=None) as batch_op:
        batch_op.drop_column('resolved_by')
    with op.batch_alter_table('sync_deal', schema=None) as batch_op:
        batch_op.drop_column('rate_card')
