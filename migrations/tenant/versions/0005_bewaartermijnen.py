"""Retention: the tenant's own periods, legal holds on persons, deletion receipts.

Revision ID: t0005
Revises: t0004
Create Date: 2026-11-25

The access log was made append-only in t0003. Deletion receipts get the same treatment here:
the tenant role keeps INSERT and SELECT only (grantees read from the ACL, as in t0003, because
the role name is not known when this script is rendered) and a trigger refuses UPDATE, DELETE
and TRUNCATE for everyone.
"""

import sqlalchemy as sa
from alembic import op

revision = "t0005"
down_revision = "t0004"
branch_labels = None
depends_on = None

_GUARD = """
CREATE FUNCTION vernietigingsbewijs_onveranderlijk() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = 'een vernietigingsbewijs kan niet worden gewijzigd of verwijderd ('
                  || TG_OP || ')';
END
$body$
"""

_PRIVILEGES = """
DO $body$
DECLARE
    grantee_name text;
BEGIN
    REVOKE UPDATE, DELETE, TRUNCATE ON vernietigingsbewijs FROM PUBLIC;
    FOR grantee_name IN
        SELECT DISTINCT acl.grantee::regrole::text
          FROM pg_class c, aclexplode(c.relacl) acl
         WHERE c.oid = 'vernietigingsbewijs'::regclass
           AND acl.grantee <> 0 AND acl.grantee <> c.relowner
    LOOP
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON vernietigingsbewijs FROM ' || grantee_name;
    END LOOP;
END
$body$
"""


def upgrade() -> None:
    op.create_table(
        "bewaartermijn",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sleutel", sa.String(60), nullable=False),
        sa.Column("jaren", sa.Integer(), nullable=False),
        sa.Column("reden", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid()),
        sa.Column("organisation_id", sa.Uuid()),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bewaartermijn"),
        sa.CheckConstraint("jaren BETWEEN 0 AND 30", name="ck_bewaartermijn_jaren"),
        sa.CheckConstraint("length(trim(reden)) > 0", name="ck_bewaartermijn_reden"),
    )
    op.create_index("ix_bewaartermijn_sleutel", "bewaartermijn", ["sleutel", "tijdstip"])
    op.create_table(
        "juridische_blokkade",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("persoon_id", sa.Uuid(), nullable=False),
        sa.Column("grond", sa.String(20), nullable=False),
        sa.Column("reden", sa.Text(), nullable=False),
        sa.Column("verzoek_id", sa.Uuid()),
        sa.Column("ingesteld_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ingesteld_door", sa.Uuid()),
        sa.Column("opgeheven_op", sa.DateTime(timezone=True)),
        sa.Column("opgeheven_door", sa.Uuid()),
        sa.Column("reden_opheffing", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_juridische_blokkade"),
        sa.ForeignKeyConstraint(
            ["persoon_id"],
            ["persoon.id"],
            name="fk_juridische_blokkade_persoon_id_persoon",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "grond IN ('verzoek', 'bezwaar', 'klacht_ap', 'rechtszaak')",
            name="ck_juridische_blokkade_grond",
        ),
        sa.CheckConstraint(
            "(opgeheven_op IS NULL) = (reden_opheffing IS NULL)",
            name="ck_juridische_blokkade_opheffing",
        ),
    )
    op.create_index("ix_juridische_blokkade_persoon_id", "juridische_blokkade", ["persoon_id"])
    op.create_table(
        "vernietigingsbewijs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("soort", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Uuid()),
        sa.Column("vernietigd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bewaren_tot", sa.Date()),
        sa.Column("regel", sa.String(200), nullable=False),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_vernietigingsbewijs"),
    )
    op.create_index("ix_vernietigingsbewijs_batch_id", "vernietigingsbewijs", ["batch_id"])
    op.create_index("ix_vernietigingsbewijs_record_id", "vernietigingsbewijs", ["record_id"])
    op.execute(_GUARD)
    op.execute(
        "CREATE TRIGGER vernietigingsbewijs_alleen_aanvullen "
        "BEFORE UPDATE OR DELETE ON vernietigingsbewijs "
        "FOR EACH ROW EXECUTE FUNCTION vernietigingsbewijs_onveranderlijk()"
    )
    op.execute(
        "CREATE TRIGGER vernietigingsbewijs_niet_legen BEFORE TRUNCATE ON vernietigingsbewijs "
        "FOR EACH STATEMENT EXECUTE FUNCTION vernietigingsbewijs_onveranderlijk()"
    )
    op.execute(_PRIVILEGES)


def downgrade() -> None:
    op.drop_table("vernietigingsbewijs")
    op.execute("DROP FUNCTION vernietigingsbewijs_onveranderlijk()")
    op.drop_table("juridische_blokkade")
    op.drop_table("bewaartermijn")
