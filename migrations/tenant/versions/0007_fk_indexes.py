"""Indexes on two foreign keys that deletes follow.

Destroying an intervention sets ``agenda_actie.interventie_id`` to NULL and destroying a move
cascades to ``overdrachtstaak``; without an index each deleted row scans the whole child
table, which the set-based retention sweep does for hundreds of rows at once (issue 11).

Revision ID: t0007
Revises: t0006
Create Date: 2026-11-26
"""

from alembic import op

revision = "t0007"
down_revision = "t0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_agenda_actie_interventie_id", "agenda_actie", ["interventie_id"])
    op.create_index("ix_overdrachtstaak_verhuizing_id", "overdrachtstaak", ["verhuizing_id"])


def downgrade() -> None:
    op.drop_index("ix_overdrachtstaak_verhuizing_id", table_name="overdrachtstaak")
    op.drop_index("ix_agenda_actie_interventie_id", table_name="agenda_actie")
