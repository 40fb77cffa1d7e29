"""Appending to the access log in one round trip: ``verwerkingenlog_aanvullen``.

Every screen that shows personal data appends to the log (DESIGN.md rule 6). That took three
statements: the tenant's advisory lock, a read of the chain's end (after the lock, so in a
statement of its own) and the INSERT. This function does the three in one call. In PL/pgSQL
each statement of a VOLATILE function takes a new snapshot, so the read after the lock sees
the entries the previous holder committed, as the separate statement did.

The application still renders every field as the text that is hashed (``_text`` in
``casushub/tenants/verwerkingenlog/services.py``); the function numbers the entries, joins
those texts with the number and the predecessor's hash in the order of ``_CHAIN_FIELDS`` and
hashes them with SHA-256. ``casushub audit verify`` recomputes each hash in Python from the
stored row, so a difference between the two renderings would show as a broken chain, and
``tests/integration/privacy/test_verwerkingenlog_chain.py`` checks that it does not.

SECURITY INVOKER: it runs with the tenant role's own rights (INSERT and SELECT on the log),
pinned to this tenant's schema because the login role's search_path holds no tenant tables.
EXECUTE only for the roles that may append to the log (the grantees of INSERT on it).

Revision ID: t0008
Revises: t0007
Create Date: 2026-11-26
"""

from alembic import op

revision = "t0008"
down_revision = "t0007"
branch_labels = None
depends_on = None

_APPEND = """
CREATE FUNCTION verwerkingenlog_aanvullen(sleutel bigint, rijen jsonb) RETURNS void
LANGUAGE plpgsql AS $body$
DECLARE
    nummer bigint;
    vorige varchar(64);
    e jsonb;
    nieuw varchar(64);
BEGIN
    PERFORM pg_advisory_xact_lock(sleutel);
    SELECT v.volgnummer, v.hash INTO nummer, vorige
      FROM verwerking v ORDER BY v.volgnummer DESC LIMIT 1;
    IF nummer IS NULL THEN
        nummer := 0;
        vorige := repeat('0', 64);
    END IF;
    FOR e IN
        SELECT x.value FROM jsonb_array_elements(rijen) WITH ORDINALITY AS x(value, plaats)
         ORDER BY x.plaats
    LOOP
        nummer := nummer + 1;
        -- Every field arrives as text ('' when absent). A missing one makes the text, the
        -- hash and so the INSERT fail (hash is NOT NULL) rather than chain a wrong hash.
        nieuw := encode(sha256(convert_to(
            nummer::text || chr(31) || (e->>'tijdstip') || chr(31) || (e->>'user_id')
            || chr(31) || (e->>'organisation_id') || chr(31) || (e->>'rol')
            || chr(31) || (e->>'casus_id') || chr(31) || (e->>'persoon_id')
            || chr(31) || (e->>'gegevensgroep') || chr(31) || (e->>'actie')
            || chr(31) || (e->>'doel') || chr(31) || (e->>'request_id')
            || chr(31) || (e->>'detail') || chr(31) || vorige, 'UTF8')), 'hex');
        INSERT INTO verwerking (id, volgnummer, tijdstip, user_id, organisation_id, rol,
                                casus_id, persoon_id, gegevensgroep, actie, doel, request_id,
                                detail, vorige_hash, hash)
        VALUES ((e->>'id')::uuid, nummer, (e->>'tijdstip')::timestamptz,
                nullif(e->>'user_id', '')::uuid, nullif(e->>'organisation_id', '')::uuid,
                e->>'rol', nullif(e->>'casus_id', '')::uuid, nullif(e->>'persoon_id', '')::uuid,
                e->>'gegevensgroep', e->>'actie', e->>'doel', nullif(e->>'request_id', ''),
                nullif(e->>'detail', ''), vorige, nieuw);
        vorige := nieuw;
    END LOOP;
END
$body$
"""

_PIN_SEARCH_PATH = """
DO $body$
BEGIN
    EXECUTE 'ALTER FUNCTION verwerkingenlog_aanvullen(bigint, jsonb) SET search_path = '
        || quote_ident(current_schema()) || ', pg_temp';
END
$body$
"""

# As in t0003: the role names come from the log's ACL, unknown when this script is rendered.
_PRIVILEGES = """
DO $body$
DECLARE
    grantee_name text;
BEGIN
    REVOKE EXECUTE ON FUNCTION verwerkingenlog_aanvullen(bigint, jsonb) FROM PUBLIC;
    FOR grantee_name IN
        SELECT DISTINCT acl.grantee::regrole::text
          FROM pg_class c, aclexplode(c.relacl) acl
         WHERE c.oid = 'verwerking'::regclass
           AND acl.privilege_type = 'INSERT'
           AND acl.grantee <> 0 AND acl.grantee <> c.relowner
    LOOP
        EXECUTE 'GRANT EXECUTE ON FUNCTION verwerkingenlog_aanvullen(bigint, jsonb) TO '
            || grantee_name;
    END LOOP;
END
$body$
"""


def upgrade() -> None:
    op.execute(_APPEND)
    op.execute(_PIN_SEARCH_PATH)
    op.execute(_PRIVILEGES)


def downgrade() -> None:
    op.execute("DROP FUNCTION verwerkingenlog_aanvullen(bigint, jsonb)")
