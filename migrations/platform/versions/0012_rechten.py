"""When the hub's copy of a terminated municipality was destroyed; requests that followed a
move.

``tenants.vernietigd_op`` completes the registry row as the receipt of the processor's last
duty (DESIGN.md rule 9): terminated on ``beeindigd_op``, to be destroyed on
``vernietigen_op``, destroyed at ``vernietigd_op``. No personal data.

``overdrachtsmeldingen.verzoeken`` lists the running data-subject requests that followed the
person to the new municipality with the move: receipt number and the request's id there
(no personal data), so both municipalities' queues and the casus history show the hand-over.

Revision ID: p0012
Revises: p0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "p0012"
down_revision = "p0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("vernietigd_op", sa.DateTime(timezone=True)))
    op.add_column(
        "overdrachtsmeldingen",
        sa.Column(
            "verzoeken",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
    )


def downgrade() -> None:
    op.drop_column("overdrachtsmeldingen", "verzoeken")
    op.drop_column("tenants", "vernietigd_op")
