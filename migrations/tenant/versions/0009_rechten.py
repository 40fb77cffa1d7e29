"""Legal holds on one casus (besides holds on a person); reminders sent once.

A hold for a court case or an objection may concern one casus rather than everything about a
person: ``juridische_blokkade.casus_id`` names that casus (NULL: the hold covers the person).
The casus's ``legal_hold`` flag stays the sweep's quick test and is kept in step with its
open holds by the service.

``herinnering`` records each reminder the daily run sends (a casus review due, a restriction's
review date near), keyed by its due date, so a rerun sends nothing twice. Ids only.

Revision ID: t0009
Revises: t0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "t0009"
down_revision = "t0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("juridische_blokkade", sa.Column("casus_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        "fk_juridische_blokkade_casus_id_casus",
        "juridische_blokkade",
        "casus",
        ["casus_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index("ix_juridische_blokkade_casus_id", "juridische_blokkade", ["casus_id"])
    op.create_table(
        "herinnering",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("soort", sa.String(30), nullable=False),
        sa.Column("onderwerp_id", sa.Uuid(), nullable=False),
        sa.Column("vervaldatum", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_herinnering"),
        sa.UniqueConstraint("soort", "onderwerp_id", "vervaldatum", name="uq_herinnering_soort"),
    )


def downgrade() -> None:
    op.drop_table("herinnering")
    op.drop_index("ix_juridische_blokkade_casus_id", table_name="juridische_blokkade")
    op.drop_constraint(
        "fk_juridische_blokkade_casus_id_casus", "juridische_blokkade", type_="foreignkey"
    )
    op.drop_column("juridische_blokkade", "casus_id")
