"""Per-hub house style (issue 9): the name the hub's screens show, a primary colour and a
logo, set by the hub admin. At most one row per hub; no personal data.

The logo is stored in the database (max 256 KB, PNG or JPEG only, sniffed and decoded before it
is stored): small, read on every page's header, and backed up with the rest of the platform.
The checks below repeat the service's limits so a row written past the service cannot hold
anything else.

Revision ID: p0006
Revises: p0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "p0006"
down_revision = "p0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_huisstijlen",
        sa.Column("hub_id", sa.Uuid(), sa.ForeignKey("hubs.id"), primary_key=True),
        sa.Column("weergavenaam", sa.String(200), nullable=False),
        # Normalised #rrggbb (lower case): written into a stylesheet verbatim.
        sa.Column("primaire_kleur", sa.String(7), nullable=False),
        sa.Column("logo", sa.LargeBinary()),
        sa.Column("logo_type", sa.String(20)),
        sa.Column("logo_sha256", sa.String(64)),
        sa.Column("logo_breedte", sa.Integer()),
        sa.Column("logo_hoogte", sa.Integer()),
        # Bumped on every change: the stylesheet's ETag and the cache-busting query string.
        sa.Column("versie", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("gewijzigd_door", sa.Uuid(), sa.ForeignKey("users.id")),
        sa.Column(
            "gewijzigd_op",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.CheckConstraint(
            "primaire_kleur ~ '^#[0-9a-f]{6}$'", name="ck_hub_huisstijlen_primaire_kleur"
        ),
        sa.CheckConstraint(
            "(logo IS NULL AND logo_type IS NULL AND logo_sha256 IS NULL) OR "
            "(logo IS NOT NULL AND octet_length(logo) <= 262144 "
            "AND logo_type IN ('image/png', 'image/jpeg') AND logo_sha256 IS NOT NULL)",
            name="ck_hub_huisstijlen_logo",
        ),
    )


def downgrade() -> None:
    op.drop_table("hub_huisstijlen")
