"""Transactional outbox for work that must follow a tenant change.

``outbox``: a message to send, written in the same transaction as the change that calls for
it; the relay enqueues it (message id = entry id) and marks it relayed. ``processed_message``:
ids of messages whose effect has committed, written in the effect's own transaction, so a
message delivered twice has its effect once.

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor_name", sa.String(100), nullable=False),
        sa.Column("payload", JSONB(), nullable=False, server_default="{}"),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("relayed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["created_at"],
        postgresql_where=sa.text("relayed_at IS NULL"),
    )
    op.create_table(
        "processed_message",
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("actor_name", sa.String(100), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.PrimaryKeyConstraint("message_id", name="pk_processed_message"),
    )


def downgrade() -> None:
    op.drop_table("processed_message")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
