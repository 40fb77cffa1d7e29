"""Hand-over notices between municipalities on a move (DESIGN.md rule 10): which municipality
hands a casus over to which, and when — no personal data (the receiving municipality asks
the sending one for the case itself).

Revision ID: p0005
Revises: p0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "p0005"
down_revision = "p0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overdrachtsmeldingen",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("van_tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column(
            "naar_tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id"), nullable=False, index=True
        ),
        # The sending tenant's hand-over task (Overdrachtstaak.id): an opaque reference.
        sa.Column("taak_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("verhuisd_op", sa.Date(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("afgehandeld_op", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("overdrachtsmeldingen")
