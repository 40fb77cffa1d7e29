"""Rate-limit attempts shared by all web processes (sign-in, contactpunt form).

Keyed hashes only, no addresses in the clear. UNLOGGED: losing the counts in a crash of the
database server only starts a fresh window, and the frequent small writes skip the WAL.

Revision ID: p0007
Revises: p0006
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "p0007"
down_revision = "p0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_pogingen",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("naam", sa.String(40), nullable=False),
        sa.Column("sleutel", sa.String(64), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        prefixes=["UNLOGGED"],
    )
    op.create_index(
        "ix_rate_limit_pogingen_naam_sleutel",
        "rate_limit_pogingen",
        ["naam", "sleutel", "tijdstip"],
    )


def downgrade() -> None:
    op.drop_table("rate_limit_pogingen")
