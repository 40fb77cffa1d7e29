"""Hub administration: municipality profile, participants, regional casusoverleg and
meetings, implementation checklist, instructions and training, authorisation reviews, API
tokens.

Revision ID: p0004
Revises: p0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "p0004"
down_revision = "p0003"
branch_labels = None
depends_on = None


def _created() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def upgrade() -> None:
    for name, column in (
        ("contactpunt_functie", sa.String(200)),
        ("contactpunt_postadres", sa.String(400)),
        ("contactpunt_email", sa.String(320)),
        ("verwerkersovereenkomst", sa.String(200)),
    ):
        op.add_column("tenants", sa.Column(name, column, nullable=False, server_default=""))
    op.add_column("tenants", sa.Column("verwerkersovereenkomst_start", sa.Date()))
    op.add_column("tenants", sa.Column("verwerkersovereenkomst_eind", sa.Date()))
    op.add_column(
        "tenants", sa.Column("situatie", sa.String(20), nullable=False, server_default="zvh")
    )
    op.add_column("tenants", sa.Column("beeindigd_op", sa.Date()))
    op.add_column("tenants", sa.Column("vernietigen_op", sa.Date()))
    op.create_check_constraint(
        "ck_tenants_situatie", "tenants", "situatie IN ('zvh', 'geen_convenant', 'convenant')"
    )

    op.create_table(
        "tenant_deelnemers",
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column(
            "organisation_id", sa.Uuid(), sa.ForeignKey("organisations.id"), primary_key=True
        ),
        _created(),
    )
    op.create_table(
        "casusoverleggen",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("hub_id", sa.Uuid(), sa.ForeignKey("hubs.id"), nullable=False, index=True),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("voorzitter_id", sa.Uuid(), sa.ForeignKey("users.id")),
        _created(),
        sa.UniqueConstraint("hub_id", "naam", name="uq_casusoverleggen_hub_naam"),
    )
    op.create_table(
        "casusoverleg_gemeenten",
        sa.Column(
            "casusoverleg_id",
            sa.Uuid(),
            sa.ForeignKey("casusoverleggen.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id"), primary_key=True),
    )
    op.create_table(
        "bijeenkomsten",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "casusoverleg_id",
            sa.Uuid(),
            sa.ForeignKey("casusoverleggen.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("begint_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("eindigt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locatie", sa.String(300), nullable=False, server_default=""),
        sa.Column("videolink", sa.String(500), nullable=False, server_default=""),
        sa.Column("geannuleerd", sa.Boolean(), nullable=False, server_default=sa.false()),
        _created(),
        sa.CheckConstraint("eindigt_op > begint_op", name="ck_bijeenkomsten_volgorde"),
    )
    op.create_table(
        "implementatiestappen",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id"), nullable=False, index=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("titel", sa.String(300), nullable=False),
        sa.Column("volgorde", sa.Integer(), nullable=False),
        sa.Column("verplicht", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("status", sa.String(10), nullable=False, server_default="open"),
        sa.Column("datum", sa.Date()),
        sa.Column("verantwoordelijke", sa.String(200), nullable=False, server_default=""),
        sa.Column("documentreferentie", sa.String(300), nullable=False, server_default=""),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.UniqueConstraint("tenant_id", "code", name="uq_implementatiestappen_tenant_code"),
        sa.CheckConstraint(
            "status IN ('open', 'bezig', 'gereed', 'nvt')", name="ck_implementatiestappen_status"
        ),
    )
    op.create_table(
        "instructies",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("hub_id", sa.Uuid(), sa.ForeignKey("hubs.id"), nullable=False, index=True),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("gepubliceerd_door", sa.Uuid(), sa.ForeignKey("users.id")),
        _created(),
        sa.UniqueConstraint("hub_id", "versie", name="uq_instructies_hub_versie"),
    )
    op.create_table(
        "instructie_acceptaties",
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("instructie_id", sa.Uuid(), sa.ForeignKey("instructies.id"), primary_key=True),
        sa.Column(
            "geaccepteerd_op",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
    )
    op.create_table(
        "trainingen",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("hub_id", sa.Uuid(), sa.ForeignKey("hubs.id"), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("omschrijving", sa.String(300), nullable=False),
        sa.Column("vastgelegd_door", sa.Uuid(), sa.ForeignKey("users.id")),
        _created(),
    )
    op.create_table(
        "autorisatiereviews",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Uuid(),
            sa.ForeignKey("organisations.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("bevestigd_door", sa.Uuid(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column(
            "bevestigd_op", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("volgende_op", sa.Date(), nullable=False),
        sa.Column("aantal_gebruikers", sa.Integer(), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("hub_id", sa.Uuid(), sa.ForeignKey("hubs.id"), nullable=False, index=True),
        sa.Column("naam", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("aangemaakt_door", sa.Uuid(), sa.ForeignKey("users.id")),
        _created(),
        sa.Column("verloopt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ingetrokken_op", sa.DateTime(timezone=True)),
        sa.Column("laatst_gebruikt_op", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    for table in (
        "api_tokens",
        "autorisatiereviews",
        "trainingen",
        "instructie_acceptaties",
        "instructies",
        "implementatiestappen",
        "bijeenkomsten",
        "casusoverleg_gemeenten",
        "casusoverleggen",
        "tenant_deelnemers",
    ):
        op.drop_table(table)
    op.drop_constraint("ck_tenants_situatie", "tenants")
    for name in (
        "vernietigen_op",
        "beeindigd_op",
        "situatie",
        "verwerkersovereenkomst_eind",
        "verwerkersovereenkomst_start",
        "verwerkersovereenkomst",
        "contactpunt_email",
        "contactpunt_postadres",
        "contactpunt_functie",
    ):
        op.drop_column("tenants", name)
