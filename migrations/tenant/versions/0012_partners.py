"""Partners under the Wet's safety net: an invitation may let a satellite partner bring
information into the casus (the item records the invitation and the ground on which the
partner shares it), and a national measure by the Minister of JenV is announced to the
casusoverleg before it is taken, with the municipality's decision on it.

Revision ID: t0012
Revises: t0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "t0012"
down_revision = "t0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "uitnodiging",
        sa.Column("mag_inbrengen", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("informatie_item", sa.Column("uitnodiging_id", sa.Uuid()))
    op.add_column("informatie_item", sa.Column("deelgrond", sa.String(40)))
    op.add_column("informatie_item", sa.Column("deelgrond_toelichting", sa.Text()))
    op.create_foreign_key(
        "fk_informatie_item_uitnodiging_id_uitnodiging",
        "informatie_item",
        "uitnodiging",
        ["uitnodiging_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_informatie_item_uitnodiging_id", "informatie_item", ["uitnodiging_id"])
    op.create_table(
        "voorgenomen_maatregel",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("omschrijving", sa.Text(), nullable=False),
        sa.Column("bevoegdheid", sa.String(300), nullable=False),
        sa.Column("voorgenomen_op", sa.Date()),
        sa.Column("aangekondigd_op", sa.Date(), nullable=False),
        sa.Column("aangekondigd_door", sa.Uuid()),
        sa.Column("besluit", sa.String(20)),
        sa.Column("besluit_reden", sa.Text()),
        sa.Column("besloten_op", sa.Date()),
        sa.Column("besloten_door", sa.Uuid()),
        sa.Column("interventie_id", sa.Uuid()),
        sa.PrimaryKeyConstraint("id", name="pk_voorgenomen_maatregel"),
        sa.ForeignKeyConstraint(
            ["casus_id"],
            ["casus.id"],
            name="fk_voorgenomen_maatregel_casus_id_casus",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interventie_id"],
            ["interventie.id"],
            name="fk_voorgenomen_maatregel_interventie_id_interventie",
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            "besluit IS NULL OR besluit IN ('opnemen', 'kennisnemen')",
            name="ck_voorgenomen_maatregel_besluit",
        ),
    )
    op.create_index("ix_voorgenomen_maatregel_casus_id", "voorgenomen_maatregel", ["casus_id"])
    op.create_index(
        "ix_voorgenomen_maatregel_interventie_id", "voorgenomen_maatregel", ["interventie_id"]
    )


def downgrade() -> None:
    op.drop_table("voorgenomen_maatregel")
    op.drop_index("ix_informatie_item_uitnodiging_id", table_name="informatie_item")
    op.drop_constraint(
        "fk_informatie_item_uitnodiging_id_uitnodiging", "informatie_item", type_="foreignkey"
    )
    op.drop_column("informatie_item", "deelgrond_toelichting")
    op.drop_column("informatie_item", "deelgrond")
    op.drop_column("informatie_item", "uitnodiging_id")
    op.drop_column("uitnodiging", "mag_inbrengen")
