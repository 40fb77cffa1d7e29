"""Data-subject requests: contactpunt queue, consultations, restrictions, decisions.

Revision ID: t0006
Revises: t0005
Create Date: 2026-11-25
"""

revision = "t0006"
down_revision = "t0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
