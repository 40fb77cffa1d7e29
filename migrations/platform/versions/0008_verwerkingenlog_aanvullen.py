"""Appending to a tenant's access log in one call: ``verwerkingenlog.aanvullen``.

Every screen that shows personal data appends to the log (DESIGN.md rule 6). That took three
statements inside the tenant's advisory lock: the lock, a read of the chain's end (after the
lock, so in a statement of its own) and the INSERT; with the COMMIT, four round trips during
which every other append of that municipality waits (issue 11). This function does the first
three in one call. In PL/pgSQL every statement of a VOLATILE function takes a new snapshot, so
the read after the lock sees what the previous holder committed, as the separate statement did.

One function for all tenants, in a schema of its own: a function per tenant schema (tried in
session 4) is compiled again by every server process for every tenant it serves. The tenant
schema is an argument, checked against the slug pattern and quoted with ``%I``.

SECURITY INVOKER: it runs with the caller's rights, i.e. the tenant role of the session
(``casushub.platform.tenancy``), which may read and insert only its own schema's log; a call
naming another tenant's schema fails with "permission denied" like any other query would.
So EXECUTE (and USAGE on the schema) for PUBLIC grants nothing a role could not do itself.

The application renders every field as the text that is hashed
(``casushub.tenants.verwerkingenlog.services.field_text``); the function numbers the
entries, joins those texts with the number and the predecessor's hash in the order of
``_CHAIN_FIELDS`` and hashes them with SHA-256. ``casushub audit verify`` recomputes each hash
in Python from the stored row, so any difference between the two would show as a broken chain
(``tests/integration/test_verwerkingenlog_core.py`` checks that there is none).

Revision ID: p0008
Revises: p0007
Create Date: 2026-11-26
"""

from alembic import op

revision = "p0008"
down_revision = "p0007"
branch_labels = None
depends_on = None

_APPEND = r"""
CREATE FUNCTION verwerkingenlog.aanvullen(tenant_schema text, sleutel bigint, rijen jsonb)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    nummer bigint;
    vorige text;
    e jsonb;
    nieuw text;
    nummers bigint[] := '{}';
    vorigen text[] := '{}';
    hashes text[] := '{}';
BEGIN
    IF tenant_schema IS NULL OR tenant_schema !~ '^t_[a-z][a-z0-9_]{1,40}$' THEN
        RAISE EXCEPTION 'ongeldig tenantschema: %', tenant_schema USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock(sleutel);
    EXECUTE format(
        'SELECT volgnummer, hash FROM %I.verwerking ORDER BY volgnummer DESC LIMIT 1',
        tenant_schema
    ) INTO nummer, vorige;
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
        nummers := nummers || nummer;
        vorigen := vorigen || vorige;
        hashes := hashes || nieuw;
        vorige := nieuw;
    END LOOP;
    -- One INSERT for all entries; an absent value ('') is stored as NULL.
    EXECUTE format($insert$
        INSERT INTO %I.verwerking (id, volgnummer, tijdstip, user_id, organisation_id, rol,
                                   casus_id, persoon_id, gegevensgroep, actie, doel,
                                   request_id, detail, vorige_hash, hash)
        SELECT (r.e->>'id')::uuid, k.nummer, (r.e->>'tijdstip')::timestamptz,
               nullif(r.e->>'user_id', '')::uuid, nullif(r.e->>'organisation_id', '')::uuid,
               nullif(r.e->>'rol', ''), nullif(r.e->>'casus_id', '')::uuid,
               nullif(r.e->>'persoon_id', '')::uuid, nullif(r.e->>'gegevensgroep', ''),
               nullif(r.e->>'actie', ''), nullif(r.e->>'doel', ''),
               nullif(r.e->>'request_id', ''), nullif(r.e->>'detail', ''), k.vorige, k.hash
          FROM jsonb_array_elements($1) WITH ORDINALITY AS r(e, plaats)
          JOIN unnest($2, $3, $4) WITH ORDINALITY AS k(nummer, vorige, hash, plaats)
            USING (plaats)
    $insert$, tenant_schema) USING rijen, nummers, vorigen, hashes;
END
$body$
"""


def upgrade() -> None:
    op.execute("CREATE SCHEMA verwerkingenlog")
    op.execute(_APPEND)
    # See the module docstring: invoker's rights, so PUBLIC gains nothing by these.
    op.execute("GRANT USAGE ON SCHEMA verwerkingenlog TO PUBLIC")
    op.execute("GRANT EXECUTE ON FUNCTION verwerkingenlog.aanvullen(text, bigint, jsonb) TO PUBLIC")


def downgrade() -> None:
    op.execute("DROP SCHEMA verwerkingenlog CASCADE")
