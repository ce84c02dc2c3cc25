"""outbox transaction id for the change feed

On PostgreSQL a BEFORE INSERT trigger stamps every outbox row with the id of the transaction
that writes it (`pg_current_xact_id()`, PostgreSQL 13+); the change feed serves a row only once
every transaction with a lower id has finished, so a row committed late is never skipped.
Rows written before this revision are all committed: they get 0 and keep their id order.
SQLite leaves the column NULL: its single writer hands out ids in commit order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 08:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE FUNCTION outbox_event_stamp_txid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.txid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$
"""
_TRIGGER = """
CREATE TRIGGER outbox_event_stamp_txid BEFORE INSERT ON outbox_event
FOR EACH ROW EXECUTE FUNCTION outbox_event_stamp_txid()
"""


def upgrade() -> None:
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('txid', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_outbox_event_txid_id', ['txid', 'id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # Same transaction as the ALTER, whose lock holds writers off until the trigger exists.
        op.execute("UPDATE outbox_event SET txid = 0 WHERE txid IS NULL")
        op.execute(_FUNCTION)
        op.execute(_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS outbox_event_stamp_txid ON outbox_event")
        op.execute("DROP FUNCTION IF EXISTS outbox_event_stamp_txid()")
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_event_txid_id')
        batch_op.drop_column('txid')
