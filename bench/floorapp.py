"""Benchmark only: the floor for the casus pages, a bare ASGI callable over asyncpg.

It does the SQL work of the two signed-in pages the most direct way, under the same uvicorn
settings as the app (``bench/web.py`` starts both):

- the server-side session row by cookie, the identity session with user and organisation,
  the memberships with their tenants (status and schema revision, as the tenant gate checks);
- one transaction on the tenant with ``SET LOCAL ROLE`` to the tenant's role and the schema
  set with ``SET LOCAL search_path``, as the app does;
- ``GET /casusoverleg``: the meetings to come (platform); the four lists of the dashboard
  counted in one query and one page (25 rows) of each fetched: open casussen with an overdue
  review, with a late plan, all open casussen (with person and plan), signals to weigh; one
  access-log entry per casus and per signal shown, chained under the tenant's advisory lock
  (one multi-row INSERT);
- ``GET /casusoverleg/casussen/{id}``: the casus with person and plan, and one log entry;
- ``GET /casussen.json``: the 50 newest casussen with their person's name as JSON, one log
  entry per casus (``bench/json_app.py`` serves the same in the app);
- a plain HTML page of the names and dates, escaped.

Configured by environment: ``FLOOR_DSN`` (the app's login role), ``FLOOR_ROLE_PREFIX``,
``FLOOR_TENANT_HEAD`` (the schema revision a served tenant must have), ``FLOOR_POOL``.
"""

from __future__ import annotations

import html
import json
import os
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
import benchdb  # also puts the project root on sys.path

__all__ = ["app"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

COOKIE = "casushub_session"
_pool: asyncpg.Pool | None = None

SESSION_SQL = "SELECT value FROM platform.web_sessions WHERE key = $1 AND expires_at > now()"
IDENTITY_SQL = (
    "SELECT s.id, s.user_id, s.organisation_id, s.last_seen_at, s.expires_at, s.ended_at, "
    "u.active, o.active AS org_active, u.name, u.email, o.name AS organisation_name "
    "FROM platform.sessions s JOIN platform.users u ON u.id = s.user_id "
    "JOIN platform.organisations o ON o.id = s.organisation_id WHERE s.id = $1"
)
MEMBERSHIPS_SQL = (
    "SELECT m.id, m.role, m.tenant_id, t.slug, t.status, t.schema_revision "
    "FROM platform.memberships m JOIN platform.organisations o ON o.id = m.organisation_id "
    "LEFT JOIN platform.tenants t ON t.id = m.tenant_id WHERE m.user_id = $1"
)
MEETINGS_SQL = (
    "SELECT b.id, c.naam, b.begint_op, b.eindigt_op, b.locatie FROM platform.bijeenkomsten b "
    "JOIN platform.casusoverleggen c ON c.id = b.casusoverleg_id "
    "JOIN platform.casusoverleg_gemeenten g ON g.casusoverleg_id = c.id "
    "WHERE g.tenant_id = $1 AND b.eindigt_op > now() AND NOT b.geannuleerd "
    "ORDER BY b.begint_op LIMIT 10"
)
COUNTS_SQL = (
    "SELECT count(*), count(*) FILTER (WHERE c.volgende_review < current_date), "
    "count(*) FILTER (WHERE c.plan_uiterlijk < current_date AND pl.vastgesteld_op IS NULL), "
    "(SELECT count(*) FROM signaal WHERE status = 'te_wegen') "
    "FROM casus c LEFT JOIN plan pl ON pl.casus_id = c.id WHERE c.status <> 'afgesloten'"
)
_LIST = (
    "SELECT c.id, c.persoon_id, p.naam, p.geboortedatum, c.status, c.intake_datum, "
    "c.volgende_review, c.plan_uiterlijk, pl.vastgesteld_op FROM casus c "
    "LEFT JOIN persoon p ON p.id = c.persoon_id LEFT JOIN plan pl ON pl.casus_id = c.id "
    "WHERE c.status <> 'afgesloten' {} ORDER BY {}, c.id LIMIT 25"
)
LISTS_SQL = (
    _LIST.format("AND c.volgende_review < current_date", "c.volgende_review"),
    _LIST.format(
        "AND c.plan_uiterlijk < current_date AND pl.vastgesteld_op IS NULL", "c.plan_uiterlijk"
    ),
    _LIST.format("", "c.intake_datum DESC"),
)
SIGNALS_SQL = (
    "SELECT s.id, s.persoon_id, p.naam, s.ontvangen_op FROM signaal s "
    "JOIN persoon p ON p.id = s.persoon_id WHERE s.status = 'te_wegen' "
    "ORDER BY s.ontvangen_op, s.id LIMIT 25"
)
CASUS_SQL = (
    "SELECT c.id, c.persoon_id, p.naam, p.geboortedatum, c.status, c.intake_datum, "
    "c.volgende_review, c.plan_uiterlijk, pl.vastgesteld_op FROM casus c "
    "JOIN persoon p ON p.id = c.persoon_id LEFT JOIN plan pl ON pl.casus_id = c.id "
    "WHERE c.id = $1"
)
JSON_SQL = (
    "SELECT c.id, c.persoon_id, coalesce(p.naam, '') AS naam, c.status, c.intake_datum "
    "FROM casus c LEFT JOIN persoon p ON p.id = c.persoon_id "
    "ORDER BY c.intake_datum DESC, c.id LIMIT 50"
)
LAST_SQL = "SELECT volgnummer, hash FROM verwerking ORDER BY volgnummer DESC LIMIT 1"
INSERT_SQL = (
    "INSERT INTO verwerking (id, volgnummer, tijdstip, user_id, organisation_id, rol, casus_id, "
    "persoon_id, gegevensgroep, actie, doel, request_id, detail, vorige_hash, hash) "
    "SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::uuid[], $5::uuid[], "
    "$6::text[], $7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::text[], $12::text[], "
    "$13::text[], $14::text[], $15::text[])"
)


async def _respond(
    send: Send, status: int, body: str, content_type: bytes = b"text/html; charset=utf-8"
) -> None:
    data = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def _cookie(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == COOKIE:
                    return str(val)
    return None


async def _log(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    who: Any,
    rows: list[tuple[Any, Any, str, str]],
) -> None:
    """One chained entry per (casus, persoon, gegevensgroep, doel), under the tenant's lock."""
    if not rows:
        return
    lock = int.from_bytes(tenant_id.bytes[:8], "big", signed=True)
    await conn.execute("SELECT pg_advisory_xact_lock($1)", lock)
    last = await conn.fetchrow(LAST_SQL)
    request_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    entries = [
        benchdb.LogEntry(
            tijdstip=now,
            user_id=who["user_id"],
            organisation_id=who["organisation_id"],
            rol=who["role"],
            casus_id=casus_id,
            persoon_id=persoon_id,
            gegevensgroep=gegevensgroep,
            actie="read",
            doel=doel,
            request_id=request_id,
        )
        for casus_id, persoon_id, gegevensgroep, doel in rows
    ]
    chained = benchdb.chain(entries, after=(last["volgnummer"], last["hash"]) if last else None)
    # One array per column (benchdb.LOG_COLUMNS, INSERT_SQL's order).
    await conn.execute(INSERT_SQL, *(list(column) for column in zip(*chained, strict=True)))


async def _identity(conn: asyncpg.Connection, cookie: str) -> dict[str, Any] | None:
    raw = await conn.fetchval(SESSION_SQL, cookie)
    if raw is None:
        return None
    data = json.loads(raw)
    async with conn.transaction():
        row = await conn.fetchrow(IDENTITY_SQL, uuid.UUID(data["identity_session_id"]))
        if row is None or row["ended_at"] is not None or not row["active"]:
            return None
        memberships = await conn.fetch(MEMBERSHIPS_SQL, row["user_id"])
    chosen = data.get("active_membership_id")
    active = next((m for m in memberships if str(m["id"]) == chosen), None)
    if active is None or active["status"] != "active":
        return None
    if active["schema_revision"] != os.environ.get("FLOOR_TENANT_HEAD", active["schema_revision"]):
        return None
    return {
        "user_id": row["user_id"],
        "organisation_id": row["organisation_id"],
        "role": active["role"],
        "tenant_id": active["tenant_id"],
        "slug": active["slug"],
        "name": row["name"],
    }


def _rows_html(rows: list[asyncpg.Record]) -> str:
    return "".join(
        f"<tr><td>{html.escape(r['naam'])}</td><td>{r['geboortedatum']}</td>"
        f"<td>{r['status']}</td><td>{r['intake_datum']}</td><td>{r['volgende_review']}</td></tr>"
        for r in rows
    )


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _pool = await asyncpg.create_pool(
                    os.environ["FLOOR_DSN"],
                    min_size=2,
                    max_size=int(os.environ.get("FLOOR_POOL", "20")),
                    server_settings={"application_name": "casushub-floor"},
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _pool is not None:
                    await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    path: str = scope["path"]
    if path == "/healthz":
        await _respond(send, 200, "ok")
        return
    cookie = _cookie(scope)
    if _pool is None or cookie is None:
        await _respond(send, 401, "niet ingelogd")
        return
    async with _pool.acquire() as conn:
        who = await _identity(conn, cookie)
        if who is None:
            await _respond(send, 401, "niet ingelogd")
            return
        role = f"{os.environ['FLOOR_ROLE_PREFIX']}_t_{who['slug']}"
        schema = f"t_{who['slug']}"
        if path == "/casusoverleg":
            meetings = await conn.fetch(MEETINGS_SQL, who["tenant_id"])
            async with conn.transaction():
                await conn.execute(f'SET LOCAL ROLE "{role}"; SET LOCAL search_path TO "{schema}"')
                counts = await conn.fetchrow(COUNTS_SQL)
                lists = [
                    await conn.fetch(sql) if count else []
                    for sql, count in zip(LISTS_SQL, counts[:3], strict=True)
                ]
                signalen = await conn.fetch(SIGNALS_SQL) if counts[3] else []
                shown = {c["id"]: c for rows in lists for c in rows}
                await _log(
                    conn,
                    who["tenant_id"],
                    who,
                    [(c["id"], c["persoon_id"], "casus", "overzicht") for c in shown.values()]
                    + [(None, s["persoon_id"], "signaal", "weging voorbereiden") for s in signalen],
                )
            body = (
                f"<h1>Casusoverleg</h1><p>{len(meetings)} bijeenkomsten, "
                f"{counts[3]} signalen</p><ul>"
                + "".join(
                    f"<li>{html.escape(s['naam'])} {s['ontvangen_op']}</li>" for s in signalen
                )
                + "</ul>"
                + "".join(
                    f"<p>{n}</p><table>{_rows_html(rows)}</table>"
                    for n, rows in zip(counts[:3], lists, strict=True)
                )
            )
        elif path.startswith("/casusoverleg/casussen/"):
            casus_id = uuid.UUID(path.rsplit("/", 1)[1])
            async with conn.transaction():
                await conn.execute(f'SET LOCAL ROLE "{role}"; SET LOCAL search_path TO "{schema}"')
                casus = await conn.fetchrow(CASUS_SQL, casus_id)
                if casus is None:
                    await _respond(send, 404, "niet gevonden")
                    return
                await _log(
                    conn,
                    who["tenant_id"],
                    who,
                    [(casus["id"], casus["persoon_id"], "casus", "casusoverleg")],
                )
            body = f"<h1>Casus</h1><table>{_rows_html([casus])}</table>"
        elif path == "/casussen.json":
            async with conn.transaction():
                await conn.execute(f'SET LOCAL ROLE "{role}"; SET LOCAL search_path TO "{schema}"')
                rows = await conn.fetch(JSON_SQL)
                await _log(
                    conn,
                    who["tenant_id"],
                    who,
                    [(r["id"], r["persoon_id"], "casus", "overzicht") for r in rows],
                )
            document = [
                {
                    "id": str(r["id"]),
                    "naam": r["naam"],
                    "status": r["status"],
                    "intake": str(r["intake_datum"]),
                }
                for r in rows
            ]
            await _respond(send, 200, json.dumps(document), b"application/json")
            return
        else:
            await _respond(send, 404, "niet gevonden")
            return
    await _respond(send, 200, body)
