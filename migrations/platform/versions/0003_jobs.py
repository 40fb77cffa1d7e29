"""Background work: job status and progress, e-mail outbox.

Revision ID: p0003
Revises: p0002
Create Date: 2026-11-25
"""

revision = "p0003"
down_revision = "p0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
