"""Identity: organisations, OIDC providers, users, memberships, sessions, admin audit log.

Revision ID: p0002
Revises: p0001
Create Date: 2026-11-25
"""

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
