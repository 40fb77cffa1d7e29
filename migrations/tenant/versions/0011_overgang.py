"""The overgangsvoorraad (uploads of convenant-era cases and the transition list) and the
Wet's boundary: why a signal falls under the Wet, and no casus without a weging 'opname'.

Revision ID: t0011
Revises: t0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

revision = "t0011"
down_revision = "t0010"
branch_labels = None
depends_on = None


def _key(table: str) -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "overgangsimport",
        *_key("overgangsimport"),
        sa.Column("bestandsnaam", sa.String(200), nullable=False),
        sa.Column("formaat", sa.String(4), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("geupload_door", sa.Uuid()),
        sa.Column("geupload_door_organisatie", sa.Uuid()),
        sa.Column("geupload_door_rol", sa.String(30), nullable=False),
        sa.Column("rijen", postgresql.JSONB(), nullable=False),
        sa.Column("rapport", postgresql.JSONB(), nullable=False),
        sa.Column("aantal_rijen", sa.Integer(), nullable=False),
        sa.Column("aantal_fouten", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Uuid()),
        sa.Column("bevestigd_door", sa.Uuid()),
        sa.Column("bevestigd_op", sa.DateTime(timezone=True)),
        sa.Column("ingelezen", sa.Integer(), nullable=False),
        sa.Column("overgeslagen", sa.Integer(), nullable=False),
        sa.Column("afgerond_op", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "overgangszaak",
        *_key("overgangszaak"),
        sa.Column("import_id", sa.Uuid()),
        sa.Column("bron_sleutel", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("weeg_uiterlijk", sa.Date(), nullable=False),
        sa.Column("bron_id", sa.String(100)),
        sa.Column("naam", sa.String(200)),
        sa.Column("geboortedatum", sa.Date()),
        sa.Column("gemeente_van_verblijf", sa.String(4)),
        sa.Column("gegevens", postgresql.JSONB(), nullable=False),
        sa.Column("casus_id", sa.Uuid()),
        sa.Column("afgehandeld_op", sa.Date()),
        sa.Column("destroy_on", sa.Date()),
        sa.Column("herinnerd", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("bron_sleutel", name="uq_overgangszaak_bron_sleutel"),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["overgangsimport.id"],
            name="fk_overgangszaak_import_id_overgangsimport",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casus.id"], name="fk_overgangszaak_casus_id_casus", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_overgangszaak_import_id", "overgangszaak", ["import_id"])
    op.create_index("ix_overgangszaak_casus_id", "overgangszaak", ["casus_id"])
    op.create_index("ix_overgangszaak_weeg_uiterlijk", "overgangszaak", ["weeg_uiterlijk"])
    op.create_table(
        "overgang_instelling",
        *_key("overgang_instelling"),
        sa.Column("enkel", sa.Boolean(), nullable=False),
        sa.Column("weegtermijn_maanden", sa.Integer(), nullable=False),
        sa.Column("gewijzigd_door", sa.Uuid()),
        sa.UniqueConstraint("enkel", name="uq_overgang_instelling_enkel"),
        sa.CheckConstraint(
            "weegtermijn_maanden BETWEEN 1 AND 12", name="ck_overgang_instelling_termijn"
        ),
    )

    # Why a signal falls under the Wet (radicalisering / terroristische activiteiten) and in
    # the reporter's words. Empty on signals registered before this revision.
    op.add_column("signaal", sa.Column("aanleiding", sa.String(30)))
    op.add_column("signaal", sa.Column("aanleiding_toelichting", sa.Text()))
    op.create_check_constraint(
        "ck_signaal_aanleiding",
        "signaal",
        "aanleiding IS NULL OR aanleiding IN ('radicalisering', 'terroristische_activiteiten')",
    )
    # 'Valt niet onder deze wet' as a weging outcome (closed like 'geen actie').
    op.drop_constraint("ck_weging_uitkomst", "weging", type_="check")
    op.create_check_constraint(
        "ck_weging_uitkomst",
        "weging",
        "uitkomst IS NULL OR uitkomst IN "
        "('geen_actie', 'niet_onder_wet', 'meer_informatie', 'opname', 'strafrechtelijk')",
    )
    # Rule 1 and 2 in the database as well: the Wet's legal basis (every casus carries it)
    # only on a casus whose weging was finalised with 'opname'. The schema comes from the
    # trigger's own table, so the function serves every tenant schema alike.
    op.execute(_CASUS_WEGING_FUNCTIE)
    op.execute(
        "CREATE TRIGGER casus_vereist_weging BEFORE INSERT OR UPDATE OF weging_id ON casus "
        "FOR EACH ROW EXECUTE FUNCTION casus_vereist_weging()"
    )


_CASUS_WEGING_FUNCTIE = """
CREATE FUNCTION casus_vereist_weging() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    gevonden boolean;
BEGIN
    -- No format() with %-placeholders: the migration runner's SQL passes through a
    -- paramstyle that doubles every percent sign.
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM ' || quote_ident(TG_TABLE_SCHEMA) || '.weging '
        || 'WHERE id = $1 AND uitkomst = ''opname'' AND vastgesteld_op IS NOT NULL)'
        INTO gevonden USING NEW.weging_id;
    IF NOT gevonden THEN
        RAISE EXCEPTION 'een casus onder de Wet vereist een vastgestelde weging met uitkomst opname'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$
"""


def downgrade() -> None:
    op.execute("DROP TRIGGER casus_vereist_weging ON casus")
    op.execute("DROP FUNCTION casus_vereist_weging()")
    op.drop_constraint("ck_weging_uitkomst", "weging", type_="check")
    op.create_check_constraint(
        "ck_weging_uitkomst",
        "weging",
        "uitkomst IS NULL OR uitkomst IN "
        "('geen_actie', 'meer_informatie', 'opname', 'strafrechtelijk')",
    )
    op.drop_constraint("ck_signaal_aanleiding", "signaal", type_="check")
    op.drop_column("signaal", "aanleiding_toelichting")
    op.drop_column("signaal", "aanleiding")
    op.drop_table("overgang_instelling")
    op.drop_table("overgangszaak")
    op.drop_table("overgangsimport")
