"""Tamper evidence of the access log, enumerated over its columns and kinds of deletion.

A rogue table owner can switch the append-only trigger off; the hash chain must then show
every change of every column and every removed row, through ``casushub audit verify``.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

from dbkit import tenant_with_free_code
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record

ACTOR = Actor(
    user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="gemeente_regie", request_id="r-1"
)
# A changed value per column type that differs from anything record() writes.
_CHANGED = {
    "tijdstip": "tijdstip + interval '1 second'",
    "volgnummer": "volgnummer + 100",
    "actie": "'delete'",  # a check constraint admits only the known actions
}
# The row id is the table's key, not an audit fact: it is not part of the chained content.
NOT_CHAINED = {"id"}


def _new_value(column: str, python_type: type) -> str:
    if column in _CHANGED:
        return _CHANGED[column]
    if python_type is uuid.UUID:
        return f"'{uuid.uuid4()}'"
    if column in {"hash", "vorige_hash"}:
        return "repeat('b', 64)"
    return "'vervalst'"


async def _tenant(admin_engine: AsyncEngine, settings: Settings, hub: str) -> TenantRef:
    tenant: TenantRef = await tenant_with_free_code(
        admin_engine,
        settings,
        hub=hub,
        slug=f"sabotage_{secrets.token_hex(3)}",
        name="Gemeente Sabotage",
        # No test names a code of this range: fixed codes of 9849-9904 were drawn here and
        # made the security tests that own them fail at random.
        codes=range(9910, 9950),
    )
    return tenant


async def _write(app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, n: int) -> None:
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        for _ in range(n):
            await record(
                session,
                ACTOR,
                actie=Actie.READ,
                gegevensgroep="casus",
                doel="uitvoering casusoverleg",
                casus_id=uuid.uuid4(),
                persoon_id=uuid.uuid4(),
                detail="d",
            )


async def _tamper(admin_engine: AsyncEngine, tenant: TenantRef, sql: str) -> None:
    table = f"{tenant.schema}.verwerking"
    async with admin_engine.begin() as conn:
        await conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for statement in sql.split(";"):
            await conn.exec_driver_sql(statement.format(table=table))
        await conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _verify_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """``casushub audit verify`` over every tenant (the enumerating variant)."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
    }
    return subprocess.run(  # noqa: S603 - our own CLI; args are fixed strings from the tests
        [sys.executable, "-m", "casushub", "audit", "verify", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _tamperings() -> list[tuple[str, str]]:
    cases = []
    for column in Verwerking.__table__.columns:
        if column.name in NOT_CHAINED:
            continue
        value = _new_value(column.name, column.type.python_type)
        cases.append(
            (
                f"wijzig {column.name}",
                f"UPDATE {{table}} SET {column.name} = {value} WHERE volgnummer = 3",
            )
        )
    cases += [
        ("verwijder de eerste regel", "DELETE FROM {table} WHERE volgnummer = 1"),
        ("verwijder een middelste regel", "DELETE FROM {table} WHERE volgnummer = 3"),
        (
            "verwissel twee regels",
            "UPDATE {table} SET volgnummer = -3 WHERE volgnummer = 3;"
            "UPDATE {table} SET volgnummer = 3 WHERE volgnummer = 4;"
            "UPDATE {table} SET volgnummer = 4 WHERE volgnummer = -3",
        ),
    ]
    return cases


async def test_every_kind_of_tampering_is_found_by_audit_verify(
    admin_engine: AsyncEngine, app_engine: AsyncEngine, settings: Settings, hub: str
) -> None:
    cases = _tamperings()
    tenants = []
    for name, sql in cases:
        tenant = await _tenant(admin_engine, settings, hub)
        await _write(app_engine, settings, tenant, 5)
        await _tamper(admin_engine, tenant, sql)
        tenants.append((name, tenant))
    result = await asyncio.to_thread(_verify_cli, settings)
    assert result.returncode != 0
    for name, tenant in tenants:
        assert f"{tenant.slug}: GEBROKEN" in result.stderr, (name, result.stdout, result.stderr)
    print(f"\ntamper evidence: {len(cases)} tamperings injected, all found")


async def test_removing_the_newest_entries_is_found_against_recorded_heads(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    tmp_path: Path,
) -> None:
    """Inside the database a shortened chain is valid; the heads recorded outside it are not."""
    koppen = tmp_path / "koppen.json"
    tenant = await _tenant(admin_engine, settings, hub)
    await _write(app_engine, settings, tenant, 5)
    first = await asyncio.to_thread(_verify_cli, settings, "--koppen", str(koppen))
    assert f"{tenant.slug}: in orde (5 regels, laatste 5 " in first.stdout, first.stderr
    assert json.loads(koppen.read_text())["koppen"][tenant.slug]["volgnummer"] == 5

    await _write(app_engine, settings, tenant, 2)  # the log goes on growing: still in order
    second = await asyncio.to_thread(_verify_cli, settings, "--koppen", str(koppen))
    assert f"{tenant.slug}: in orde (7 regels, laatste 7 " in second.stdout, second.stderr

    await _tamper(admin_engine, tenant, "DELETE FROM {table} WHERE volgnummer >= 6")
    without = await asyncio.to_thread(_verify_cli, settings)
    assert f"{tenant.slug}: in orde (5 regels" in without.stdout  # the known limit, shown
    found = await asyncio.to_thread(_verify_cli, settings, "--koppen", str(koppen))
    assert found.returncode != 0
    assert f"{tenant.slug}: GEBROKEN bij volgnummer 6: regels vanaf volgnummer 6" in found.stderr
    # A broken chain keeps its recorded head, so the next run reports it again.
    again = await asyncio.to_thread(_verify_cli, settings, "--koppen", str(koppen))
    assert f"{tenant.slug}: GEBROKEN" in again.stderr


async def test_a_rewritten_chain_differs_from_the_recorded_head(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    tmp_path: Path,
) -> None:
    """Replacing the newest entry with a freshly chained forgery is found at the recorded head."""
    koppen = tmp_path / "koppen.json"
    tenant = await _tenant(admin_engine, settings, hub)
    await _write(app_engine, settings, tenant, 3)
    await asyncio.to_thread(_verify_cli, settings, "--koppen", str(koppen))
    await _tamper(admin_engine, tenant, "DELETE FROM {table} WHERE volgnummer = 3")
    await _write(app_engine, settings, tenant, 1)  # a new, validly chained entry number 3
    found = await asyncio.to_thread(_verify_cli, settings, "--koppen", str(koppen))
    assert f"{tenant.slug}: GEBROKEN bij volgnummer 3: wijkt af van de eerder" in found.stderr


def test_an_unreadable_heads_file_is_refused_in_dutch(settings: Settings, tmp_path: Path) -> None:
    koppen = tmp_path / "koppen.json"
    koppen.write_text("{niet: json")
    result = _verify_cli(settings, "--koppen", str(koppen))
    assert result.returncode == 1
    assert "koppenbestand onleesbaar" in result.stderr
    assert "Traceback" not in result.stderr
