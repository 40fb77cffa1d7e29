"""Sign-in bound to the browser that started it, and trusted extra ID-token audiences.

``pending_logins.browser_hash`` holds the SHA-256 of the browser's pre-login cookie; the
callback is only accepted from that browser. Nullable (expand, then contract): the previous
release keeps inserting pending logins without it during a rolling upgrade, and the new code
refuses to finish such a sign-in (the person starts again). ``oidc_providers.trusted_audiences``
lists other client ids an ID token may also name; empty for every existing provider.

Revision ID: p0008
Revises: p0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "p0008"
down_revision = "p0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pending_logins", sa.Column("browser_hash", sa.String(64)))
    op.create_check_constraint(
        "ck_pending_logins_browser_hash", "pending_logins", "browser_hash ~ '^[0-9a-f]{64}$'"
    )
    op.add_column(
        "oidc_providers",
        sa.Column(
            "trusted_audiences",
            postgresql.ARRAY(sa.String(200)),
            nullable=False,
            server_default="{}",
        ),
    )


def downgrade() -> None:
    op.drop_column("oidc_providers", "trusted_audiences")
    op.drop_constraint("ck_pending_logins_browser_hash", "pending_logins")
    op.drop_column("pending_logins", "browser_hash")
