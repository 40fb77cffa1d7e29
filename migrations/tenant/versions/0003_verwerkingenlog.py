"""Access log (verwerkingenlog), hash-chained and append-only at database level.

Revision ID: t0003
Revises: t0002
Create Date: 2026-11-25

Append-only is enforced twice (DESIGN.md rule 6):

1. Privileges. Provisioning gives the tenant role SELECT/INSERT/UPDATE/DELETE on every new
   table through default privileges. This revision is rendered once for all tenants and does
   not know the role's name, so a DO block reads the grantees from the table's ACL and takes
   UPDATE, DELETE and TRUNCATE away from each of them: whichever role provisioning (or a
   future change to it) granted keeps INSERT and SELECT only. Doing it here rather than in
   the provisioning code keeps the rule next to the table and applies it to existing tenants.
2. A trigger that refuses UPDATE, DELETE and TRUNCATE for everyone, the table owner included.
   The one exception is ``verwerkingenlog_opschonen``: the log's own retention, which removes
   a prefix of the chain older than its retention period (never younger than one year) and
   leaves an anchor (the last removed entry's hash) so the rest of the chain still verifies.

The owner or a superuser can still disable the trigger; the hash chain makes that visible
(``casushub audit verify``).
"""

import sqlalchemy as sa
from alembic import op

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None

_GUARD = """
CREATE FUNCTION verwerkingenlog_onveranderlijk() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'verwerking'
       AND current_setting('casushub.verwerkingenlog_opschonen', true) = 'aan' THEN
        IF OLD.tijdstip < now() - interval '1 year' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = 'het verwerkingenlog kan alleen worden aangevuld, niet gewijzigd of '
                  || 'verwijderd (' || TG_OP || ' op ' || TG_TABLE_NAME || ')';
END
$body$
"""

# SECURITY DEFINER: the tenant role has no DELETE right on the log; this function is the only
# way to shorten it, and it only removes a prefix older than the (at least one year) limit.
_PURGE = """
CREATE FUNCTION verwerkingenlog_opschonen(grens timestamptz, anker_id uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER AS $body$
DECLARE
    laatste_volgnummer bigint;
    laatste_hash varchar(64);
    aantal bigint;
BEGIN
    IF grens > now() - interval '1 year' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'het verwerkingenlog wordt minstens een jaar bewaard';
    END IF;
    SELECT v.volgnummer, v.hash INTO laatste_volgnummer, laatste_hash
      FROM verwerking v WHERE v.tijdstip < grens ORDER BY v.volgnummer DESC LIMIT 1;
    IF laatste_volgnummer IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('casushub.verwerkingenlog_opschonen', 'aan', true);
    DELETE FROM verwerking v WHERE v.volgnummer <= laatste_volgnummer;
    GET DIAGNOSTICS aantal = ROW_COUNT;
    PERFORM set_config('casushub.verwerkingenlog_opschonen', '', true);
    INSERT INTO verwerking_anker (id, tot_volgnummer, hash, grens, aantal, tijdstip)
        VALUES (anker_id, laatste_volgnummer, laatste_hash, grens, aantal, now());
    RETURN aantal;
END
$body$
"""

# A SECURITY DEFINER function must not resolve names through the caller's search_path: pin
# it to this tenant's schema (the runner's transaction-local search_path) and pg_temp last.
_PIN_SEARCH_PATH = """
DO $body$
BEGIN
    EXECUTE 'ALTER FUNCTION verwerkingenlog_opschonen(timestamptz, uuid) SET search_path = '
        || quote_ident(current_schema()) || ', pg_temp';
END
$body$
"""

# See the module docstring (1.): the grantees come from the ACL because the role name is not
# known when this script is rendered.
_PRIVILEGES = """
DO $body$
DECLARE
    grantee_name text;
BEGIN
    REVOKE UPDATE, DELETE, TRUNCATE ON verwerking FROM PUBLIC;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON verwerking_anker FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION verwerkingenlog_opschonen(timestamptz, uuid) FROM PUBLIC;
    FOR grantee_name IN
        SELECT DISTINCT acl.grantee::regrole::text
          FROM pg_class c, aclexplode(c.relacl) acl
         WHERE c.oid = 'verwerking'::regclass
           AND acl.grantee <> 0 AND acl.grantee <> c.relowner
    LOOP
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON verwerking FROM ' || grantee_name;
        EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON verwerking_anker FROM '
            || grantee_name;
        EXECUTE 'GRANT EXECUTE ON FUNCTION verwerkingenlog_opschonen(timestamptz, uuid) TO '
            || grantee_name;
    END LOOP;
END
$body$
"""


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
    # The FG's two questions ("wie zag casus N", "wat zag gebruiker U"): each index leads with
    # the question's id followed by the answer's grouping columns, so PostgreSQL reads one
    # key range of one index in group order (index-only, no sort: a busy user's history
    # sorted in memory would spill to disk) and filters the period on the way.
    op.create_index(
        "ix_verwerking_casus_id",
        "verwerking",
        ["casus_id", "user_id", "organisation_id", "rol", "tijdstip"],
        postgresql_include=["actie"],
        postgresql_where=sa.text("casus_id IS NOT NULL"),
    )
    op.create_index(
        "ix_verwerking_user_id",
        "verwerking",
        ["user_id", "casus_id", "persoon_id", "gegevensgroep", "tijdstip"],
        postgresql_include=["actie"],
    )
    op.create_index("ix_verwerking_persoon_id", "verwerking", ["persoon_id", "tijdstip"])
    op.create_index("ix_verwerking_tijdstip", "verwerking", ["tijdstip"])
    op.create_table(
        "verwerking_anker",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tot_volgnummer", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("grens", sa.DateTime(timezone=True), nullable=False),
        sa.Column("aantal", sa.BigInteger(), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_verwerking_anker"),
        sa.UniqueConstraint("tot_volgnummer", name="uq_verwerking_anker_tot_volgnummer"),
    )
    op.execute(_GUARD)
    for table in ("verwerking", "verwerking_anker"):
        op.execute(
            f"CREATE TRIGGER {table}_alleen_aanvullen BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION verwerkingenlog_onveranderlijk()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_niet_legen BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog_onveranderlijk()"
        )
    op.execute(_PURGE)
    op.execute(_PIN_SEARCH_PATH)
    op.execute(_PRIVILEGES)


def downgrade() -> None:
    op.drop_table("verwerking_anker")
    op.drop_table("verwerking")
    op.execute("DROP FUNCTION verwerkingenlog_opschonen(timestamptz, uuid)")
    op.execute("DROP FUNCTION verwerkingenlog_onveranderlijk()")
