"""Data-subject requests: contactpunt queue, consultations, restrictions, decisions; exports.

Revision ID: t0006
Revises: t0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "t0006"
down_revision = "t0005"
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


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "verzoek",
        *_key("verzoek"),
        sa.Column("ontvangstnummer", sa.String(24), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("kanaal", sa.String(20), nullable=False),
        sa.Column("ontvangen_op", sa.Date(), nullable=False),
        sa.Column("ontvangen_tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("termijn", sa.Date(), nullable=False),
        sa.Column("verlengd_maanden", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("gemeente_van_verblijf", sa.String(4), nullable=False),
        sa.Column("ontvangen_bij", sa.String(41)),
        sa.Column("persoon_id", sa.Uuid()),
        sa.Column("betrokkene_naam", sa.String(200), nullable=False),
        sa.Column("betrokkene_geboortedatum", sa.Date()),
        sa.Column("indiener_naam", sa.String(200), nullable=False),
        sa.Column("indiener_email", sa.String(320)),
        sa.Column("indiener_telefoon", sa.String(40)),
        sa.Column("indiener_adres", sa.String(300)),
        sa.Column("bericht", sa.Text(), nullable=False, server_default=""),
        sa.Column("geregistreerd_door", sa.Uuid()),
        sa.Column("geregistreerd_door_organisatie", sa.Uuid()),
        sa.Column("identiteit_geverifieerd_op", sa.DateTime(timezone=True)),
        sa.Column("identiteit_geverifieerd_door", sa.Uuid()),
        sa.Column("overdracht_aan", sa.Text()),
        sa.UniqueConstraint("ontvangstnummer", name="uq_verzoek_ontvangstnummer"),
        _fk("persoon_id", "verzoek", "persoon", "SET NULL"),
        sa.CheckConstraint(
            "type IN ('inzage', 'rectificatie', 'verwijdering', 'beperking', 'bezwaar')",
            name="ck_verzoek_type",
        ),
        sa.CheckConstraint("verlengd_maanden BETWEEN 0 AND 2", name="ck_verzoek_verlenging"),
        sa.CheckConstraint("termijn > ontvangen_op", name="ck_verzoek_termijn"),
    )
    op.create_index("ix_verzoek_termijn", "verzoek", ["termijn"])
    op.create_index("ix_verzoek_persoon_id", "verzoek", ["persoon_id"])
    op.create_index("ix_verzoek_indiener_email", "verzoek", ["indiener_email"])
    op.create_index(
        "ix_verzoek_open",
        "verzoek",
        ["status", "termijn"],
        postgresql_where=sa.text("status IN ('ontvangen', 'in_behandeling', 'overdracht')"),
    )

    op.create_table(
        "verzoek_verlenging",
        *_key("verzoek_verlenging"),
        sa.Column("verzoek_id", sa.Uuid(), nullable=False),
        sa.Column("maanden", sa.Integer(), nullable=False),
        sa.Column("reden", sa.Text(), nullable=False),
        sa.Column("kennisgeving_op", sa.Date(), nullable=False),
        sa.Column("nieuwe_termijn", sa.Date(), nullable=False),
        sa.Column("door", sa.Uuid()),
        _fk("verzoek_id", "verzoek_verlenging", "verzoek", "CASCADE"),
    )
    op.create_index("ix_verzoek_verlenging_verzoek_id", "verzoek_verlenging", ["verzoek_id"])

    op.create_table(
        "verzoek_consultatie",
        *_key("verzoek_consultatie"),
        sa.Column("verzoek_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("termijn", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("antwoord", sa.Text()),
        sa.Column("beantwoord_op", sa.DateTime(timezone=True)),
        sa.Column("beantwoord_door", sa.Uuid()),
        _fk("verzoek_id", "verzoek_consultatie", "verzoek", "CASCADE"),
        sa.UniqueConstraint(
            "verzoek_id", "organisatie_id", name="uq_verzoek_consultatie_verzoek_id"
        ),
    )
    op.create_index("ix_verzoek_consultatie_verzoek_id", "verzoek_consultatie", ["verzoek_id"])
    op.create_index(
        "ix_verzoek_consultatie_organisatie_id", "verzoek_consultatie", ["organisatie_id"]
    )

    op.create_table(
        "verzoek_besluit",
        *_key("verzoek_besluit"),
        sa.Column("verzoek_id", sa.Uuid(), nullable=False),
        sa.Column("uitkomst", sa.String(20), nullable=False),
        sa.Column("motivering", sa.Text(), nullable=False),
        sa.Column("genomen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("genomen_door", sa.Uuid()),
        sa.Column("genomen_door_organisatie", sa.Uuid()),
        sa.Column("uitgevoerd_op", sa.DateTime(timezone=True)),
        _fk("verzoek_id", "verzoek_besluit", "verzoek", "CASCADE"),
        # One decision on behalf of all joint controllers (Besluit art. 3).
        sa.UniqueConstraint("verzoek_id", name="uq_verzoek_besluit_verzoek_id"),
    )

    op.create_table(
        "inzage_beperking",
        *_key("inzage_beperking"),
        sa.Column("persoon_id", sa.Uuid(), nullable=False),
        sa.Column("item_soort", sa.String(40), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("grond", sa.String(40), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False, server_default=""),
        sa.Column("gevraagd_door_organisatie", sa.Uuid(), nullable=False),
        sa.Column("gevraagd_door", sa.Uuid()),
        sa.Column("gevraagd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("herzien_op", sa.Date(), nullable=False),
        sa.Column("bevestigd_op", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("beeindigd_op", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("item_soort", "item_id", name="uq_inzage_beperking_item_soort"),
    )
    op.create_index("ix_inzage_beperking_persoon_id", "inzage_beperking", ["persoon_id"])
    op.create_index("ix_inzage_beperking_herzien_op", "inzage_beperking", ["herzien_op"])

    op.create_table(
        "verzoek_onthouding",
        *_key("verzoek_onthouding"),
        sa.Column("besluit_id", sa.Uuid(), nullable=False),
        sa.Column("beperking_id", sa.Uuid(), nullable=False),
        sa.Column("item_soort", sa.String(40), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("grond", sa.String(40), nullable=False),
        sa.Column("gevraagd_door_organisatie", sa.Uuid(), nullable=False),
        sa.Column("gevraagd_op", sa.DateTime(timezone=True), nullable=False),
        _fk("besluit_id", "verzoek_onthouding", "verzoek_besluit", "CASCADE"),
    )
    op.create_index("ix_verzoek_onthouding_besluit_id", "verzoek_onthouding", ["besluit_id"])

    op.create_table(
        "rectificatie",
        *_key("rectificatie"),
        sa.Column("verzoek_id", sa.Uuid()),
        sa.Column("persoon_id", sa.Uuid()),
        sa.Column("casus_id", sa.Uuid()),
        sa.Column("item_soort", sa.String(40), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("veld", sa.String(60), nullable=False),
        sa.Column("oude_waarde", sa.Text()),
        sa.Column("nieuwe_waarde", sa.Text()),
        sa.Column("gecorrigeerd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gecorrigeerd_door", sa.Uuid()),
        _fk("verzoek_id", "rectificatie", "verzoek", "SET NULL"),
    )
    op.create_index("ix_rectificatie_verzoek_id", "rectificatie", ["verzoek_id"])
    op.create_index("ix_rectificatie_persoon_id", "rectificatie", ["persoon_id"])

    op.create_table(
        "rectificatie_melding",
        *_key("rectificatie_melding"),
        sa.Column("rectificatie_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_id", sa.Uuid()),
        sa.Column("user_id", sa.Uuid()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("mail_id", sa.Uuid()),
        sa.Column("gemeld_op", sa.DateTime(timezone=True)),
        _fk("rectificatie_id", "rectificatie_melding", "rectificatie", "CASCADE"),
        sa.UniqueConstraint(
            "rectificatie_id",
            "organisatie_id",
            "user_id",
            name="uq_rectificatie_melding_rectificatie_id",
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(
        "ix_rectificatie_melding_rectificatie_id", "rectificatie_melding", ["rectificatie_id"]
    )

    op.create_table(
        "verzoek_herinnering",
        *_key("verzoek_herinnering"),
        sa.Column("soort", sa.String(30), nullable=False),
        sa.Column("onderwerp_id", sa.Uuid(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("afgehandeld_op", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("soort", "onderwerp_id", "datum", name="uq_verzoek_herinnering_soort"),
    )
    op.create_index("ix_verzoek_herinnering_onderwerp_id", "verzoek_herinnering", ["onderwerp_id"])

    op.create_table(
        "verzoek_doorzending",
        *_key("verzoek_doorzending"),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("ontvangen_op", sa.Date(), nullable=False),
        sa.Column("naar_gemeentecode", sa.String(4), nullable=False),
        sa.Column("naar_tenant_id", sa.Uuid()),
        sa.Column("ontvangstnummer", sa.String(24)),
        sa.Column("door", sa.Uuid()),
        sa.Column("door_organisatie", sa.Uuid()),
    )

    op.create_table(
        "export",
        *_key("export"),
        sa.Column("doel", sa.String(200), nullable=False),
        sa.Column("bestemming", sa.String(30), nullable=False),
        sa.Column("formaat", sa.String(10), nullable=False),
        sa.Column("casus_id", sa.Uuid()),
        sa.Column("persoon_id", sa.Uuid()),
        sa.Column("interventie_id", sa.Uuid()),
        sa.Column("verzoek_id", sa.Uuid()),
        sa.Column("aantal_items", sa.Integer(), nullable=False),
        sa.Column("door", sa.Uuid()),
        sa.Column("door_organisatie", sa.Uuid()),
    )
    op.create_index("ix_export_casus_id", "export", ["casus_id"])
    op.create_index("ix_export_persoon_id", "export", ["persoon_id"])

    op.create_table(
        "export_goedkeuring",
        *_key("export_goedkeuring"),
        sa.Column("item_soort", sa.String(40), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("doel", sa.String(200), nullable=False),
        sa.Column("bestemming", sa.String(30), nullable=False),
        sa.Column("bron_organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("gevraagd_door", sa.Uuid()),
        sa.Column("gevraagd_door_organisatie", sa.Uuid()),
        sa.Column("besloten_door", sa.Uuid()),
        sa.Column("besloten_op", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.UniqueConstraint(
            "item_soort",
            "item_id",
            "doel",
            "bestemming",
            name="uq_export_goedkeuring_item_soort",
        ),
    )


def downgrade() -> None:
    for table in (
        "export_goedkeuring",
        "export",
        "verzoek_doorzending",
        "verzoek_herinnering",
        "rectificatie_melding",
        "rectificatie",
        "verzoek_onthouding",
        "inzage_beperking",
        "verzoek_besluit",
        "verzoek_consultatie",
        "verzoek_verlenging",
        "verzoek",
    ):
        op.drop_table(table)
