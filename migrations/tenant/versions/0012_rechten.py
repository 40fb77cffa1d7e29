"""Legal holds on one casus (besides holds on a person).

A hold for a court case or an objection may concern one casus rather than everything about a
person: ``juridische_blokkade.casus_id`` names that casus (NULL: the hold covers the person).
The casus's ``legal_hold`` flag stays the sweep's quick test and is kept in step with its
open holds by the service.

Revision ID: t0012
Revises: t0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "t0012"
down_revision = "t0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "juridische_blokkade",
        sa.Column(
            "casus_id",
            sa.Uuid(),
            sa.ForeignKey("casus.id", ondelete="CASCADE"),
            nullable=True,
        ),
    )
    op.create_index("ix_juridische_blokkade_casus_id", "juridische_blokkade", ["casus_id"])


def downgrade() -> None:
    op.drop_index("ix_juridische_blokkade_casus_id", table_name="juridische_blokkade")
    op.drop_column("juridische_blokkade", "casus_id")
