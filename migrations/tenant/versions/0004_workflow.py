"""Workflow: personen, signalen, wegingen, casussen, plan van aanpak, agendapunten, uitnodigingen.

Tables of one tenant schema only: UUID keys, no sequences, foreign keys only between these
tables (DESIGN.md §3). Meetings and organisations live in ``platform`` and are referred to by
plain UUID columns.

Revision ID: t0004
Revises: t0003
Create Date: 2026-11-25
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None

GRONDSLAG = (
    "Wet gegevensverwerking persoonsgerichte aanpak radicalisering en terroristische activiteiten"
)


def _table(name: str, *columns: Any) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Uuid(), nullable=False),
        *columns,
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> Any:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{columns[0]}", table, list(columns))


def upgrade() -> None:
    _table(
        "instelling",
        sa.Column("enkel", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("bsn_toegestaan", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("bsn_grondslag", sa.String(300)),
        sa.Column("review_interval_maanden", sa.Integer(), nullable=False, server_default="12"),
        sa.Column("plan_termijn_weken", sa.Integer(), nullable=False, server_default="4"),
        sa.Column("heropen_termijn_dagen", sa.Integer(), nullable=False, server_default="14"),
        sa.Column("uitnodiging_uitloop_uren", sa.Integer(), nullable=False, server_default="24"),
        sa.UniqueConstraint("enkel", name="uq_instelling_enkel"),
        sa.CheckConstraint("enkel", name="ck_instelling_enkel"),
        sa.CheckConstraint(
            "NOT bsn_toegestaan OR length(coalesce(bsn_grondslag, '')) > 0",
            name="ck_instelling_bsn_grondslag",
        ),
    )

    op.add_column("persoon", sa.Column("adres", sa.String(300)))
    op.add_column("persoon", sa.Column("aliassen", JSONB(), nullable=False, server_default="[]"))
    op.create_index("ix_persoon_naam", "persoon", [sa.text("lower(naam)")])
    op.create_index("ix_persoon_geboortedatum", "persoon", ["geboortedatum"])

    _table(
        "signaal",
        sa.Column("persoon_id", sa.Uuid(), nullable=False),
        sa.Column("bron_organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("ontvangen_op", sa.Date(), nullable=False),
        sa.Column("ontvangen_door", sa.Uuid()),
        sa.Column("omschrijving", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("vervolgdatum", sa.Date()),
        sa.Column("destroy_on", sa.Date()),
        sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()),
        _fk("signaal", "persoon_id", "persoon", ondelete=None),
        sa.CheckConstraint(
            "status IN ('te_wegen', 'geen_actie', 'opname', 'strafrechtelijk')",
            name="ck_signaal_status",
        ),
    )
    _index("signaal", "persoon_id")
    _index("signaal", "status", "ontvangen_op")
    _index("signaal", "destroy_on")

    _table(
        "weging",
        sa.Column("signaal_id", sa.Uuid(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("criteria", JSONB(), nullable=False, server_default="{}"),
        sa.Column("uitkomst", sa.String(20)),
        sa.Column("redenering", sa.Text(), nullable=False, server_default=""),
        sa.Column("vervolgdatum", sa.Date()),
        sa.Column("vastgesteld_op", sa.DateTime(timezone=True)),
        sa.Column("vastgesteld_door", sa.Uuid()),
        _fk("weging", "signaal_id", "signaal"),
        sa.CheckConstraint(
            "uitkomst IS NULL OR uitkomst IN "
            "('geen_actie', 'meer_informatie', 'opname', 'strafrechtelijk')",
            name="ck_weging_uitkomst",
        ),
        # A finalised weging always has its outcome.
        sa.CheckConstraint(
            "vastgesteld_op IS NULL OR uitkomst IS NOT NULL", name="ck_weging_vastgesteld"
        ),
    )
    _index("weging", "signaal_id")
    _table(
        "weging_aanwezige",
        sa.Column("weging_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_type", sa.String(20), nullable=False),
        _fk("weging_aanwezige", "weging_id", "weging"),
        sa.UniqueConstraint("weging_id", "organisatie_id", name="uq_weging_aanwezige_weging_id"),
    )
    _index("weging_aanwezige", "weging_id")

    _table(
        "casus",
        sa.Column("weging_id", sa.Uuid(), nullable=False),
        sa.Column("persoon_id", sa.Uuid(), nullable=False),
        sa.Column("wettelijke_grondslag", sa.String(200), nullable=False),
        sa.Column("regie_gemeente", sa.String(4), nullable=False),
        sa.Column("gemeente_van_verblijf", sa.String(4), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("intake_datum", sa.Date(), nullable=False),
        sa.Column("procesregisseur_id", sa.Uuid()),
        sa.Column("volgende_review", sa.Date(), nullable=False),
        sa.Column("plan_uiterlijk", sa.Date(), nullable=False),
        sa.Column("monitoren_sinds", sa.Date()),
        sa.Column("status_voor_afsluiting", sa.String(20)),
        sa.Column("afgesloten_op", sa.Date()),
        sa.Column("afsluitreden", sa.Text()),
        sa.Column("afsluiting_geregistreerd", sa.Date()),
        sa.Column("destroy_on", sa.Date()),
        sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()),
        _fk("casus", "weging_id", "weging", ondelete=None),
        _fk("casus", "persoon_id", "persoon", ondelete=None),
        sa.UniqueConstraint("weging_id", name="uq_casus_weging_id"),
        sa.CheckConstraint(
            f"wettelijke_grondslag = '{GRONDSLAG}'", name="ck_casus_wettelijke_grondslag"
        ),
        sa.CheckConstraint(
            "status IN ('aangemeld', 'lopend', 'monitoren', 'afgesloten')",
            name="ck_casus_status",
        ),
        sa.CheckConstraint(
            "status <> 'afgesloten' OR (afgesloten_op IS NOT NULL AND destroy_on IS NOT NULL)",
            name="ck_casus_afsluiting",
        ),
    )
    _index("casus", "persoon_id")
    _index("casus", "status", "volgende_review")
    _index("casus", "destroy_on")

    _table(
        "derde",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("geboortedatum", sa.Date()),
        sa.Column("relatie", sa.String(60), nullable=False),
        _fk("derde", "casus_id", "casus"),
    )
    _index("derde", "casus_id")
    _table(
        "casus_deelnemer",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_type", sa.String(20), nullable=False),
        _fk("casus_deelnemer", "casus_id", "casus"),
        sa.UniqueConstraint("casus_id", "organisatie_id", name="uq_casus_deelnemer_casus_id"),
    )
    _index("casus_deelnemer", "casus_id")
    op.create_index("ix_casus_deelnemer_organisatie_id", "casus_deelnemer", ["organisatie_id"])
    _table(
        "informatie_item",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("bron_organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("categorie", sa.String(20), nullable=False),
        sa.Column("deelbeperking", sa.String(300)),
        sa.Column("vastgelegd_door", sa.Uuid()),
        _fk("informatie_item", "casus_id", "casus"),
        sa.CheckConstraint(
            "categorie IN ('gewoon', 'bijzonder', 'strafrechtelijk')",
            name="ck_informatie_item_categorie",
        ),
    )
    _index("informatie_item", "casus_id")
    _table(
        "bijlage",
        sa.Column("signaal_id", sa.Uuid()),
        sa.Column("item_id", sa.Uuid()),
        sa.Column("bestandsnaam", sa.String(200), nullable=False),
        sa.Column("mediatype", sa.String(100), nullable=False),
        sa.Column("inhoud", sa.LargeBinary(), nullable=False),
        _fk("bijlage", "signaal_id", "signaal"),
        _fk("bijlage", "item_id", "informatie_item"),
        sa.CheckConstraint(
            "(signaal_id IS NULL) <> (item_id IS NULL)", name="ck_bijlage_een_eigenaar"
        ),
    )
    _index("bijlage", "signaal_id")
    _index("bijlage", "item_id")
    _table(
        "verhuizing",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("van_gemeente", sa.String(4), nullable=False),
        sa.Column("naar_gemeente", sa.String(4), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        _fk("verhuizing", "casus_id", "casus"),
    )
    _index("verhuizing", "casus_id")
    _table(
        "overdrachtstaak",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("verhuizing_id", sa.Uuid(), nullable=False),
        sa.Column("naar_gemeente", sa.String(4), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("afgerond_op", sa.Date()),
        _fk("overdrachtstaak", "casus_id", "casus"),
        _fk("overdrachtstaak", "verhuizing_id", "verhuizing"),
    )
    _index("overdrachtstaak", "casus_id")
    _table(
        "herbeoordeling",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("criteria", JSONB(), nullable=False, server_default="{}"),
        sa.Column("redenering", sa.Text(), nullable=False),
        sa.Column("vastgelegd_door", sa.Uuid()),
        _fk("herbeoordeling", "casus_id", "casus"),
    )
    _index("herbeoordeling", "casus_id")

    _table(
        "plan",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("doel", sa.Text(), nullable=False, server_default=""),
        sa.Column("vastgesteld_op", sa.Date()),
        _fk("plan", "casus_id", "casus"),
        sa.UniqueConstraint("casus_id", name="uq_plan_casus_id"),
    )
    _table(
        "interventie",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("omschrijving", sa.Text(), nullable=False),
        sa.Column("domein", sa.String(30), nullable=False),
        sa.Column("verantwoordelijke_id", sa.Uuid(), nullable=False),
        sa.Column("verantwoordelijke_type", sa.String(20), nullable=False),
        sa.Column("bevoegdheid", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("deadline", sa.Date()),
        sa.Column("reviewdatum", sa.Date()),
        sa.Column("resultaat", sa.Text()),
        sa.Column("opdrachtgever_id", sa.Uuid()),
        sa.Column("opdracht", sa.Text()),
        _fk("interventie", "plan_id", "plan"),
        sa.CheckConstraint(
            "status IN ('gepland', 'lopend', 'afgerond', 'gestopt')",
            name="ck_interventie_status",
        ),
    )
    _index("interventie", "plan_id")

    _table(
        "agendapunt",
        sa.Column("bijeenkomst_id", sa.Uuid(), nullable=False),
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("doel", sa.String(20), nullable=False),
        sa.Column("notulen", sa.Text(), nullable=False, server_default=""),
        _fk("agendapunt", "casus_id", "casus"),
        sa.UniqueConstraint("bijeenkomst_id", "casus_id", name="uq_agendapunt_bijeenkomst_id"),
        sa.CheckConstraint(
            "doel IN ('intake', 'bespreking', 'review', 'afsluiting')", name="ck_agendapunt_doel"
        ),
    )
    _index("agendapunt", "casus_id")
    _table(
        "agenda_actie",
        sa.Column("agendapunt_id", sa.Uuid(), nullable=False),
        sa.Column("soort", sa.String(10), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("interventie_id", sa.Uuid()),
        _fk("agenda_actie", "agendapunt_id", "agendapunt"),
        _fk("agenda_actie", "interventie_id", "interventie", ondelete="SET NULL"),
        sa.CheckConstraint("soort IN ('besluit', 'actie')", name="ck_agenda_actie_soort"),
    )
    _index("agenda_actie", "agendapunt_id")
    _table(
        "aanwezigheid",
        sa.Column("bijeenkomst_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("aanwezig", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.UniqueConstraint(
            "bijeenkomst_id", "organisatie_id", name="uq_aanwezigheid_bijeenkomst_id"
        ),
    )

    _table(
        "uitnodiging",
        sa.Column("casus_id", sa.Uuid(), nullable=False),
        sa.Column("bijeenkomst_id", sa.Uuid(), nullable=False),
        sa.Column("organisatie_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid()),
        sa.Column("reden", sa.Text(), nullable=False),
        sa.Column("uitgenodigd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vervalt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("geaccepteerd_op", sa.DateTime(timezone=True)),
        sa.Column("geaccepteerd_door", sa.Uuid()),
        sa.Column("ingetrokken", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("uitgenodigd_door", sa.Uuid()),
        _fk("uitnodiging", "casus_id", "casus"),
        sa.CheckConstraint("vervalt_op > uitgenodigd_op", name="ck_uitnodiging_venster"),
    )
    _index("uitnodiging", "casus_id")
    _index("uitnodiging", "organisatie_id")
    _table(
        "uitnodiging_item",
        sa.Column("uitnodiging_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        _fk("uitnodiging_item", "uitnodiging_id", "uitnodiging"),
        _fk("uitnodiging_item", "item_id", "informatie_item"),
        sa.UniqueConstraint("uitnodiging_id", "item_id", name="uq_uitnodiging_item_uitnodiging_id"),
    )
    _index("uitnodiging_item", "uitnodiging_id")
    _index("uitnodiging_item", "item_id")


def downgrade() -> None:
    for name in (
        "uitnodiging_item",
        "uitnodiging",
        "aanwezigheid",
        "agenda_actie",
        "agendapunt",
        "interventie",
        "plan",
        "herbeoordeling",
        "overdrachtstaak",
        "verhuizing",
        "bijlage",
        "informatie_item",
        "casus_deelnemer",
        "derde",
        "casus",
        "weging_aanwezige",
        "weging",
        "signaal",
        "instelling",
    ):
        op.drop_table(name)
    op.drop_index("ix_persoon_geboortedatum", table_name="persoon")
    op.drop_index("ix_persoon_naam", table_name="persoon")
    op.drop_column("persoon", "aliassen")
    op.drop_column("persoon", "adres")
