"""First tenant table: persoon (skeleton).

Revision ID: t0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "t0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persoon",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("geboortedatum", sa.Date()),
        sa.Column("gemeente_van_verblijf", sa.String(4), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_persoon"),
    )


def downgrade() -> None:
    op.drop_table("persoon")
