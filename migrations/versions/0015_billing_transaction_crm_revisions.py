"""billing transaction revisions: coalesced CRM write-backs

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 14:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CRM_DUE = sa.text('revision > crm_revision')


def upgrade() -> None:
    with op.batch_alter_table('billing_transaction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(
            sa.Column('crm_revision', sa.Integer(), server_default='0', nullable=False)
        )
    # What was posted before counts as told: its write-back job, if still queued, names it.
    op.execute(
        "UPDATE billing_transaction SET revision = 1, crm_revision = 1"
        " WHERE state IN ('posted', 'paid')"
    )
    with op.batch_alter_table('billing_transaction', schema=None) as batch_op:
        batch_op.create_index(
            'ix_billing_transaction_crm_due',
            ['deal_id'],
            unique=False,
            postgresql_where=CRM_DUE,
            sqlite_where=CRM_DUE,
        )


def downgrade() -> None:
    with op.batch_alter_table('billing_transaction', schema=None) as batch_op:
        batch_op.drop_index(
            'ix_billing_transaction_crm_due', postgresql_where=CRM_DUE, sqlite_where=CRM_DUE
        )
        batch_op.drop_column('crm_revision')
        batch_op.drop_column('revision')
