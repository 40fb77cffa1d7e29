"""Back up one municipality and restore it into a fresh database, through the real CLI.

Seeded data (signalen with attachments, a casus with items, access-log entries) must come
back row for row (an md5 per table over its ordered rows), every attachment byte for byte;
``casushub audit verify`` must accept the restored access log; and the restored tenant must
work: its own role reads and writes through ``tenant_session``, keeps the append-only rule
on the log, and a signed-in page renders. Also under another slug (``--as``).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import cast

import pytest
from dbkit import casushub_cli, tenant_with_free_code
from litestar.testing import AsyncTestClient
from sqlalchemy import Table, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_admin_engine, create_app_engine
from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import Bijlage
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import BijlageInvoer, NieuwSignaal, registreer_signaal
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record
from casushub.web.app import SESSION_COOKIE, create_app, session_config
from casushub.web.auth.testing import create_signed_in_session

# The casus is made with the casusoverleg screen tests' building blocks.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web" / "casusoverleg"))
from bouwstenen import casus

ROOT = Path(__file__).resolve().parents[2]
SYSTEEM = Actor.system("test")
LEZER = Actor(
    user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="gemeente_regie", request_id="r-b"
)
# Binary content with every byte value, so an encoding slip shows.
BESTANDEN = {
    "alle-bytes.bin": bytes(range(256)) * 40,
    "verslag.pdf": b"%PDF-1.7\n" + secrets.token_bytes(5000),
}


async def _seed(app_engine: AsyncEngine, settings: Settings, tenant: TenantRef) -> None:
    politie, gemeente = uuid.uuid4(), uuid.uuid4()
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        for n in range(3):
            await registreer_signaal(
                s,
                SYSTEEM,
                NieuwSignaal(
                    f"Bart Back-up {n}",
                    "0000",
                    f"zorgen {n}",
                    politie,
                    date.today() - timedelta(days=10),
                    bijlagen=[
                        BijlageInvoer(naam, "application/octet-stream", inhoud)
                        for naam, inhoud in BESTANDEN.items()
                    ],
                ),
            )
    # A fourth signal, weighed and taken in: a casus with an ordinary item, plus a special one.
    casus_id, _ = await casus(
        app_engine,
        settings,
        tenant,
        "Bart Back-up",
        [(gemeente, "gemeente"), (politie, "politie")],
        bron=politie,
    )
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        await voeg_item_toe(
            s,
            SYSTEEM,
            casus_id=casus_id,
            tekst="diagnose X",
            bron_organisatie_id=politie,
            datum=date.today(),
            categorie="bijzonder",
        )
        for _ in range(5):
            await record(
                s,
                LEZER,
                actie=Actie.READ,
                gegevensgroep="casus",
                doel="uitvoering casusoverleg",
                casus_id=casus_id,
                detail="back-up",
            )


async def _checksums(engine: AsyncEngine, schema: str) -> dict[str, tuple[int, str]]:
    """Row count and md5 over the ordered text form of every row, per table of ``schema``."""
    async with engine.connect() as conn:
        tables = (
            await conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY 1"),
                {"s": schema},
            )
        ).scalars()
        sums = {}
        for table in list(tables):
            row = (
                await conn.execute(
                    text(
                        f"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' "
                        f'ORDER BY t::text)), \'\') FROM "{schema}"."{table}" t'
                    )
                )
            ).one()
            sums[table] = (int(row[0]), str(row[1]))
    return sums


_GRANTS = """
SELECT c.relname::text, coalesce(r.rolname, 'PUBLIC'), a.privilege_type
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
       LEFT JOIN pg_roles r ON r.oid = a.grantee
 WHERE n.nspname = :s AND a.grantee <> c.relowner
UNION ALL
SELECT p.proname::text, coalesce(r.rolname, 'PUBLIC'), a.privilege_type
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
       aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
       LEFT JOIN pg_roles r ON r.oid = a.grantee
 WHERE n.nspname = :s AND a.grantee <> p.proowner
"""


async def _grants(engine: AsyncEngine, settings: Settings, slug: str) -> set[tuple[str, ...]]:
    """Who may do what in the schema, with the installation's role names made neutral."""
    async with engine.connect() as conn:
        rows = (await conn.execute(text(_GRANTS), {"s": f"t_{slug}"})).all()
    neutral = {settings.tenant_role(slug): "@tenant", settings.app_role: "@app"}
    return {(obj, neutral.get(grantee, grantee), privilege) for obj, grantee, privilege in rows}


async def _attachments(
    engine: AsyncEngine, settings: Settings, tenant: TenantRef
) -> dict[str, str]:
    async with tenant_session(engine, tenant, settings) as s:
        rows = (await s.execute(select(Bijlage.id, Bijlage.inhoud))).all()
    return {str(row.id): hashlib.sha256(row.inhoud).hexdigest() for row in rows}


async def _works(target: Settings, tenant: TenantRef, naam: str) -> None:
    """The restored tenant serves: its role reads and writes, the log stays append-only,
    and a signed-in page shows the restored person."""
    admin = create_admin_engine(target)
    app_engine = create_app_engine(target)
    try:
        async with tenant_session(app_engine, tenant, target) as s, s.begin():
            assert await s.scalar(select(func.count()).select_from(Signaal)) == 4
            s.add(Persoon(naam="Na herstel", gemeente_van_verblijf="0000"))
        async with tenant_session(app_engine, tenant, target) as s:
            assert (
                await s.scalar(
                    select(func.count()).select_from(Persoon).where(Persoon.naam == "Na herstel")
                )
                == 1
            )
        with pytest.raises(DBAPIError, match=r"permission denied|alleen aanvullen|append"):
            async with tenant_session(app_engine, tenant, target) as s, s.begin():
                await s.execute(cast(Table, Verwerking.__table__).delete())
        signed_in = await create_signed_in_session(
            admin, target, role=Role.GEMEENTE_REGIE, tenant_id=tenant.id
        )
        app = create_app(target)
        async with AsyncTestClient(app, session_config=session_config(target)) as client:
            client.cookies.set(SESSION_COOKIE, signed_in.cookie)
            page = await client.get("/casusoverleg")
            assert page.status_code == 200, page.text[:500]
            assert naam in page.text
    finally:
        await admin.dispose()
        await app_engine.dispose()


async def test_backup_restore_into_fresh_database(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    database_factory: Callable[[], Awaitable[Settings]],
    tmp_path: Path,
) -> None:
    tenant = await tenant_with_free_code(
        admin_engine,
        settings,
        hub=hub,
        slug=f"bewaar_{secrets.token_hex(3)}",
        name="Gemeente Bewaar",
        codes=range(9700, 9800),
    )
    await _seed(app_engine, settings, tenant)
    source_sums = await _checksums(admin_engine, tenant.schema)
    source_files = await _attachments(app_engine, settings, tenant)
    source_grants = await _grants(admin_engine, settings, tenant.slug)
    assert ("verwerking", "@tenant", "INSERT") in source_grants
    assert ("verwerking", "@tenant", "DELETE") not in source_grants
    assert len(source_files) == 3 * len(BESTANDEN)
    assert source_sums["verwerking"][0] >= 5
    assert source_sums["bijlage"][0] == 3 * len(BESTANDEN)
    assert set(source_files.values()) == {hashlib.sha256(b).hexdigest() for b in BESTANDEN.values()}

    archive = tmp_path / "gemeente.backup"
    made = await asyncio.to_thread(
        casushub_cli, settings, "tenants", "backup", tenant.slug, "--out", str(archive)
    )
    assert made.returncode == 0, made.stderr
    assert archive.stat().st_size > sum(map(len, BESTANDEN.values()))

    # Restoring over the living original is refused cleanly, and creates nothing.
    clash = await asyncio.to_thread(casushub_cli, settings, "tenants", "restore", str(archive))
    assert clash.returncode == 1
    assert "bestaat al" in clash.stderr
    assert "Traceback" not in clash.stderr

    for as_slug in (None, f"hersteld_{secrets.token_hex(2)}"):
        target = await database_factory()
        args = ["tenants", "restore", str(archive)] + (["--as", as_slug] if as_slug else [])
        restored = await asyncio.to_thread(casushub_cli, target, *args)
        assert restored.returncode == 0, restored.stderr
        slug = as_slug or tenant.slug
        assert f"gemeente {slug} hersteld" in restored.stdout
        assert "aangemaakt" in restored.stdout  # the fresh database had no hub yet

        target_admin = create_admin_engine(target)
        try:
            async with target_admin.connect() as conn:
                tenant_id = (
                    await conn.execute(
                        text("SELECT id FROM platform.tenants WHERE slug = :s"), {"s": slug}
                    )
                ).scalar_one()
            copy = TenantRef(tenant_id, slug)
            assert await _checksums(target_admin, copy.schema) == source_sums
            assert await _grants(target_admin, target, slug) == source_grants
        finally:
            await target_admin.dispose()
        target_app = create_app_engine(target)
        try:
            assert await _attachments(target_app, target, copy) == source_files
        finally:
            await target_app.dispose()

        verified = await asyncio.to_thread(
            casushub_cli, target, "audit", "verify", "--tenant", slug
        )
        assert verified.returncode == 0, verified.stderr
        assert f"{slug}: in orde" in verified.stdout
        await _works(replace(target), copy, "Bart Back-up 0")
