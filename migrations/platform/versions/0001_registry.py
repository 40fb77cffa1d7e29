"""Registry: hubs and tenants.

Revision ID: p0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "p0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hubs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("slug", sa.String(41), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("contact", sa.String(300), nullable=False, server_default=""),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_hubs"),
        sa.UniqueConstraint("slug", name="uq_hubs_slug"),
        sa.CheckConstraint("type IN ('zvh', 'centrumgemeente', 'gemeente')", name="ck_hubs_type"),
    )
    op.create_table(
        "tenants",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("hub_id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(41), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("gemeentecode", sa.String(4), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("schema_revision", sa.String(64)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name="fk_tenants_hub_id_hubs"),
        sa.UniqueConstraint("slug", name="uq_tenants_slug"),
        sa.UniqueConstraint("gemeentecode", name="uq_tenants_gemeentecode"),
        sa.CheckConstraint("slug ~ '^[a-z][a-z0-9_]{1,40}$'", name="ck_tenants_slug"),
        sa.CheckConstraint("gemeentecode ~ '^[0-9]{4}$'", name="ck_tenants_gemeentecode"),
        sa.CheckConstraint(
            "status IN ('provisioning', 'active', 'suspended', 'terminating', 'terminated')",
            name="ck_tenants_status",
        ),
    )
    op.create_index("ix_tenants_hub_id", "tenants", ["hub_id"])


def downgrade() -> None:
    op.drop_table("tenants")
    op.drop_table("hubs")
