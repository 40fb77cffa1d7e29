"""Access log (verwerkingenlog), hash-chained.

Revision ID: t0003
Revises: t0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verwerking",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("volgnummer", sa.BigInteger(), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Uuid()),
        sa.Column("organisation_id", sa.Uuid()),
        sa.Column("rol", sa.String(40), nullable=False),
        sa.Column("casus_id", sa.Uuid()),
        sa.Column("persoon_id", sa.Uuid()),
        sa.Column("gegevensgroep", sa.String(60), nullable=False),
        sa.Column("actie", sa.String(20), nullable=False),
        sa.Column("doel", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(64)),
        sa.Column("detail", sa.String(200)),
        sa.Column("vorige_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_verwerking"),
        sa.UniqueConstraint("volgnummer", name="uq_verwerking_volgnummer"),
        sa.CheckConstraint(
            "actie IN ('read', 'create', 'update', 'delete', 'export', 'print', 'search')",
            name="ck_verwerking_actie",
        ),
    )
    op.create_index("ix_verwerking_casus_id", "verwerking", ["casus_id", "tijdstip"])
    op.create_index("ix_verwerking_persoon_id", "verwerking", ["persoon_id", "tijdstip"])
    op.create_index("ix_verwerking_user_id", "verwerking", ["user_id", "tijdstip"])


def downgrade() -> None:
    op.drop_table("verwerking")
