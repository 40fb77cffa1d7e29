"""A release can go ahead without a municipality that fails to migrate or is suspended: those
are left at their revision and get the Dutch maintenance page until a later run migrates them.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from test_migrate import ROOT, Region, _cli, _revisions, extra_revision, region

from casushub.platform.identity.roles import Role
from casushub.platform.migrate.runs import migrate_tenants
from casushub.platform.models import Tenant
from casushub.web.app import SESSION_COOKIE, create_app, session_config
from casushub.web.auth.testing import create_signed_in_session

__all__ = ["extra_revision", "region"]  # fixtures shared with test_migrate.py

MAINTENANCE = "tijdelijk niet beschikbaar wegens onderhoud"


async def _break_and_suspend(region: Region) -> None:
    async with region.engine.begin() as conn:
        # gem_a cannot take the new revision: the column it adds is already there.
        await conn.exec_driver_sql("ALTER TABLE t_gem_a.persoon ADD COLUMN notitie text")
        await conn.execute(update(Tenant).where(Tenant.slug == "gem_b").values(status="suspended"))


async def _page(region: Region, slug: str) -> tuple[int, str]:
    """What a signed-in gemeente user of ``slug`` sees on the casus list."""
    async with region.engine.connect() as conn:
        tenant_id = (await conn.execute(select(Tenant.id).where(Tenant.slug == slug))).scalar_one()
    signed_in = await create_signed_in_session(
        region.engine, region.settings, role=Role.GEMEENTE_REGIE, tenant_id=tenant_id
    )
    app = create_app(region.settings)
    async with AsyncTestClient(app, session_config=session_config(region.settings)) as client:
        client.cookies.set(SESSION_COOKIE, signed_in.cookie)
        response = await client.get("/casusoverleg")
    return response.status_code, response.text


async def test_failing_and_suspended_municipalities_are_left_behind_with_the_maintenance_page(
    region: Region, extra_revision: Path
) -> None:
    await _break_and_suspend(region)
    before = await _revisions(region.engine)
    report = await migrate_tenants(region.engine, skip_suspended=True)
    assert report.migrated == ["gem_c"]
    assert list(report.failed) == ["gem_a"]
    assert report.skipped == {"gem_b": "opgeschort (--skip-suspended)"}
    after = await _revisions(region.engine)
    assert after["gem_c"] == "t9999"
    # Left at their revision: the failed one rolled back whole, the suspended one untouched.
    assert after["gem_a"] == before["gem_a"] != "t9999"
    assert after["gem_b"] == before["gem_b"] != "t9999"
    async with region.engine.connect() as conn:
        column = await conn.exec_driver_sql(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 't_gem_b' "
            "AND table_name = 'persoon' AND column_name = 'notitie'"
        )
        assert column.scalar() == 0

    # The code now expects t9999: the migrated municipality is served, the others are not.
    status, body = await _page(region, "gem_c")
    assert status == 200, body[:300]
    for slug in ("gem_a", "gem_b"):
        status, body = await _page(region, slug)
        assert status == 503, (slug, status)
        assert MAINTENANCE in body
        assert "Traceback" not in body
    # Activated again without migrating, gem_b still gets the maintenance page, not a
    # schema the code does not fit.
    async with region.engine.begin() as conn:
        await conn.execute(update(Tenant).where(Tenant.slug == "gem_b").values(status="active"))
    status, body = await _page(region, "gem_b")
    assert status == 503
    assert MAINTENANCE in body

    # A later run catches up with what was left behind.
    async with region.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE t_gem_a.persoon DROP COLUMN notitie")
    later = await migrate_tenants(region.engine)
    assert sorted(later.migrated) == ["gem_a", "gem_b"]
    assert set((await _revisions(region.engine)).values()) == {"t9999"}
    assert (await _page(region, "gem_a"))[0] == 200


async def test_named_municipalities_are_skipped(region: Region, extra_revision: Path) -> None:
    report = await migrate_tenants(region.engine, skip=["gem_a", "gem_c"])
    assert report.migrated == ["gem_b"]
    assert set(report.skipped) == {"gem_a", "gem_c"}
    assert report.ok
    assert report.up_to_date == 0
    revisions = await _revisions(region.engine)
    assert revisions["gem_a"] != "t9999"
    assert revisions["gem_c"] != "t9999"


async def test_cli_continues_the_release_only_when_told_to(
    region: Region, extra_revision: Path
) -> None:
    await _break_and_suspend(region)
    strict = await asyncio.to_thread(
        _cli, region.settings, extra_revision, "tenants", "migrate", "--all", "--skip-suspended"
    )
    assert strict.returncode == 1, strict.stderr
    assert "MISLUKT gem_a" in strict.stderr
    assert "OVERGESLAGEN gem_b: opgeschort" in strict.stderr
    assert "onderhoudspagina" in strict.stderr
    assert "1 gemigreerd" in strict.stdout
    assert "1 overgeslagen" in strict.stdout

    lenient = await asyncio.to_thread(
        _cli,
        region.settings,
        extra_revision,
        "tenants",
        "migrate",
        "--all",
        "--skip-suspended",
        "--continue-on-failure",
    )
    assert lenient.returncode == 0, lenient.stderr
    assert "MISLUKT gem_a" in lenient.stderr
    assert "gem_a, gem_b" in lenient.stderr
    revisions = await _revisions(region.engine)
    assert revisions["gem_c"] == "t9999"
    assert revisions["gem_a"] != "t9999"
    assert revisions["gem_b"] != "t9999"


def test_the_cli_flags_are_documented() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "casushub", "tenants", "migrate", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for flag in ("--skip ", "--skip-suspended", "--continue-on-failure"):
        assert flag in help_text, flag
