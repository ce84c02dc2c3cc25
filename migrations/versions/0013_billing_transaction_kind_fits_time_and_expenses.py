"""billing transaction kind fits time_and_expenses

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 12:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('billing_transaction', schema=None) as batch_op:
        batch_op.alter_column(
            'kind', existing_type=sa.String(length=16), type_=sa.String(length=32),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('billing_transaction', schema=None) as batch_op:
        batch_op.alter_column(
            'kind', existing_type=sa.String(length=32), type_=sa.String(length=16),
            existing_nullable=False,
        )
