"""match candidate record_b index

"Is this record in review?" (the xref lookup, a golden record's source records) finds open
candidates by either record of the pair; the unique (record_a_id, record_b_id) index serves
only the first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('match_candidate', schema=None) as batch_op:
        batch_op.create_index('ix_match_candidate_record_b_id', ['record_b_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('match_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_match_candidate_record_b_id')
