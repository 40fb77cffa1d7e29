"""Indexes in the order of the dashboard's three casus lists.

Each list shows one page of 25 open casussen in its own order (intake, newest first; review
date; plan deadline). Without an index in that order PostgreSQL joined and sorted every open
casus of the municipality to return 25: 10–14 ms a list in a municipality with 10,000
casussen, and three such lists per dashboard visit (issue 11). With them it reads the first
rows of the index and joins only those.

Revision ID: t0008
Revises: t0007
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "t0008"
down_revision = "t0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_casus_intake_datum", "casus", [sa.text("intake_datum DESC"), "id"])
    op.create_index("ix_casus_volgende_review", "casus", ["volgende_review", "id"])
    op.create_index("ix_casus_plan_uiterlijk", "casus", ["plan_uiterlijk", "id"])


def downgrade() -> None:
    op.drop_index("ix_casus_plan_uiterlijk", table_name="casus")
    op.drop_index("ix_casus_volgende_review", table_name="casus")
    op.drop_index("ix_casus_intake_datum", table_name="casus")
