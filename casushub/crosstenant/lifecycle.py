"""A municipality's life at the hub: suspend, resume, terminate, export, destroy.

The hub is a processor (docs/design.md rule 9): when the processor agreement ends the
municipality receives a complete machine-readable export of its data, and after
``TERMINATION_DAYS`` the hub's copy — schema and role — is destroyed. The registry row stays
as a receipt without personal data (slug, name, dates, status ``terminated``).
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import logging
import pkgutil
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import LargeBinary, select, update

import casushub.tenants
from casushub.platform.identity import audit
from casushub.platform.identity.models import Membership, User
from casushub.platform.identity.roles import Role
from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.registry import RegistryError
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.base import TenantBase

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings

__all__ = [
    "beeindig",
    "exporteer",
    "hervat",
    "regie_adressen",
    "schort_op",
    "vernietig_beeindigde",
]

log = logging.getLogger(__name__)

_OVERGANGEN = {
    "schort_op": ({TenantStatus.ACTIVE}, TenantStatus.SUSPENDED),
    "hervat": ({TenantStatus.SUSPENDED}, TenantStatus.ACTIVE),
    "beeindig": ({TenantStatus.ACTIVE, TenantStatus.SUSPENDED}, TenantStatus.TERMINATING),
}
_STATUS_LABEL = {
    TenantStatus.PROVISIONING: "in aanmaak",
    TenantStatus.ACTIVE: "actief",
    TenantStatus.SUSPENDED: "opgeschort",
    TenantStatus.TERMINATING: "wordt beëindigd",
    TenantStatus.TERMINATED: "beëindigd",
}


async def _overgang(
    conn: AsyncConnection, tenant_id: uuid.UUID, naam: str, **extra: Any
) -> TenantStatus:
    van, naar = _OVERGANGEN[naam]
    huidig = (
        await conn.execute(select(Tenant.status).where(Tenant.id == tenant_id).with_for_update())
    ).scalar()
    if huidig is None:
        msg = "Onbekende gemeente."
        raise RegistryError(msg, "gemeente")
    if TenantStatus(huidig) not in van:
        msg = f"Dit kan niet: de gemeente is {_STATUS_LABEL[TenantStatus(huidig)]}."
        raise RegistryError(msg, "status")
    await conn.execute(update(Tenant).where(Tenant.id == tenant_id).values(status=naar, **extra))
    return naar


async def schort_op(conn: AsyncConnection, tenant_id: uuid.UUID) -> TenantStatus:
    """All access to the municipality's data stops at once; the data are kept."""
    return await _overgang(conn, tenant_id, "schort_op")


async def hervat(conn: AsyncConnection, tenant_id: uuid.UUID) -> TenantStatus:
    return await _overgang(conn, tenant_id, "hervat")


async def beeindig(
    conn: AsyncConnection, tenant_id: uuid.UUID, settings: Settings, vandaag: date
) -> date:
    """Start termination; returns the day the hub's copy will be destroyed."""
    vernietigen_op = vandaag + timedelta(days=settings.termination_days)
    await _overgang(
        conn, tenant_id, "beeindig", beeindigd_op=vandaag, vernietigen_op=vernietigen_op
    )
    return vernietigen_op


def _tenant_tables() -> list[Table]:
    for module in pkgutil.walk_packages(casushub.tenants.__path__, "casushub.tenants."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)
    return list(TenantBase.metadata.sorted_tables)


def _json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID | date | datetime):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    return value


def export_dir(settings: Settings, slug: str) -> Path:
    return settings.data_dir / "exports" / slug


async def exporteer(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef
) -> tuple[Path, dict[str, Any]]:
    """Write a zip with one JSON document per table, attachments as files, and a manifest.

    Read through the tenant's own role and schema, like any other access. Returns the path and
    the manifest (file → sha256 and row counts).
    """
    bestanden: dict[str, bytes] = {}
    rijen: dict[str, int] = {}
    async with tenant_session(app_engine, tenant, settings) as session:
        for table in _tenant_tables():
            binary = [c.name for c in table.columns if isinstance(c.type, LargeBinary)]
            documenten = []
            for row in (await session.execute(select(table))).mappings():
                document = {k: _json_value(v) for k, v in row.items() if k not in binary}
                for kolom in binary:
                    pad = f"bijlagen/{table.name}/{row['id']}-{kolom}"
                    bestanden[pad] = bytes(row[kolom])
                    document[kolom] = {"bestand": pad}
                documenten.append(document)
            rijen[table.name] = len(documenten)
            bestanden[f"gegevens/{table.name}.json"] = json.dumps(
                documenten, ensure_ascii=False, indent=1, sort_keys=True
            ).encode()
    manifest = {
        "gemeente": tenant.slug,
        "gemaakt_op": datetime.now(UTC).isoformat(),
        "formaat": "casushub-export-1",
        "rijen": rijen,
        "bestanden": {pad: hashlib.sha256(inhoud).hexdigest() for pad, inhoud in bestanden.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archief:
        for pad, inhoud in sorted(bestanden.items()):
            archief.writestr(pad, inhoud)
        archief.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    doel = export_dir(settings, tenant.slug)
    doel.mkdir(parents=True, exist_ok=True)
    zip_pad = doel / f"export-{datetime.now(UTC):%Y%m%dT%H%M%S}.zip"
    zip_pad.write_bytes(buffer.getvalue())
    return zip_pad, manifest


async def vernietig_beeindigde(
    admin_engine: AsyncEngine, settings: Settings, vandaag: date
) -> list[str]:
    """Destroy schema, role and export of every tenant whose termination period has passed.

    Idempotent and safe to run twice at once: each tenant is destroyed in its own transaction
    that first locks its registry row (a second run skips a locked row, and finds it
    ``terminated`` afterwards). The registry row stays as the receipt, with ``vernietigd_op``,
    and the admin audit log records what was removed. Export files left behind by a run that
    died after its commit are removed by the next run.
    """
    async with admin_engine.connect() as conn:
        klaar = (
            await conn.execute(
                select(Tenant.id, Tenant.slug).where(
                    Tenant.status == TenantStatus.TERMINATING.value,
                    Tenant.vernietigen_op <= vandaag,
                )
            )
        ).all()
        achtergebleven = (
            await conn.execute(
                select(Tenant.slug).where(Tenant.status == TenantStatus.TERMINATED.value)
            )
        ).scalars()
        for slug in achtergebleven:
            _verwijder_exports(settings, slug)
    vernietigd = []
    for tenant_id, slug in klaar:
        ref = TenantRef(tenant_id, slug)
        async with admin_engine.begin() as conn:
            nog = (
                await conn.execute(
                    select(Tenant.id)
                    .where(
                        Tenant.id == tenant_id,
                        Tenant.status == TenantStatus.TERMINATING.value,
                    )
                    .with_for_update(skip_locked=True)
                )
            ).scalar()
            if nog is None:
                continue  # another run has it, or had it
            await conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{ref.schema}" CASCADE')
            await conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{settings.tenant_role(slug)}"')
            await conn.execute(
                update(Tenant)
                .where(Tenant.id == tenant_id)
                .values(
                    status=TenantStatus.TERMINATED.value,
                    schema_revision=None,
                    vernietigd_op=datetime.now(UTC),
                )
            )
            await audit.record(
                conn,
                "gemeente_vernietigd",
                target=slug,
                details={
                    "schema": ref.schema,
                    "rol": settings.tenant_role(slug),
                    "exportbestanden": len(list(export_dir(settings, slug).glob("*.zip"))),
                    "termijn_tot": vandaag.isoformat(),
                },
            )
        _verwijder_exports(settings, slug)
        log.info("terminated municipality destroyed", extra={"tenant": slug})
        vernietigd.append(slug)
    return vernietigd


def _verwijder_exports(settings: Settings, slug: str) -> None:
    for bestand in export_dir(settings, slug).glob("*.zip"):
        bestand.unlink(missing_ok=True)


async def regie_adressen(conn: AsyncConnection, tenant_id: uuid.UUID) -> list[str]:
    """Work addresses of the municipality's active regie users (for the export notice)."""
    rows = await conn.execute(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.tenant_id == tenant_id,
            Membership.role == Role.GEMEENTE_REGIE.value,
            User.active.is_(True),
            User.email != "",
        )
        .distinct()
        .order_by(User.email)
    )
    return list(rows.scalars())
