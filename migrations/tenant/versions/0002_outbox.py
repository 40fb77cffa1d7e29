"""Transactional outbox for work that must follow a tenant change.

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-25
"""

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
