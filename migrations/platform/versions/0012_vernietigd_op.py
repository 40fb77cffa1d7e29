"""When the hub's copy of a terminated municipality was destroyed.

``tenants.vernietigd_op`` completes the registry row as the receipt of the processor's last
duty (DESIGN.md rule 9): terminated on ``beeindigd_op``, to be destroyed on
``vernietigen_op``, destroyed at ``vernietigd_op``. No personal data.

Revision ID: p0012
Revises: p0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "p0012"
down_revision = "p0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("vernietigd_op", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("tenants", "vernietigd_op")
