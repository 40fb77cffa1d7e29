"""Hand-over on a move between municipalities of the hub (DESIGN.md rule 10).

When the gemeente van verblijf of a casus changes, the registering municipality keeps the
casus and its hand-over task; if the new municipality is a tenant of this hub, it must see
that task too. That is a write across tenants, so it happens here, at platform level, like
the contactpunt's forwarding of requests: a notice in the platform schema that says only
which municipality hands a casus over to which and from when — no name, no casus content.
The new municipality's regie then asks the sending one for the hand-over itself. The notice
is logged in the sending municipality's access log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from casushub.crosstenant.contactpunt import zoek_contactpunt
from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.platform.models import PlatformBase, Tenant
from casushub.platform.registry import TenantUnavailable
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import NietGevonden
from casushub.tenants.casus.models import Overdrachtstaak, Verhuizing
from casushub.tenants.casus.toegang import log, vereis_regie
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = [
    "InkomendeOverdracht",
    "Overdrachtsmelding",
    "inkomende_overdrachten",
    "meld_overdracht",
    "rond_overdracht_af",
]


class Overdrachtsmelding(PlatformBase):
    __tablename__ = "overdrachtsmeldingen"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    van_tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.tenants.id"))
    naar_tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.tenants.id"), index=True)
    taak_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    verhuisd_op: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    afgehandeld_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


async def meld_overdracht(
    engine: AsyncEngine,
    settings: Settings,
    actor: Actor,
    *,
    van: TenantRef,
    taak_id: uuid.UUID,
) -> TenantRef | None:
    """Show the hand-over task to the new municipality when it is a tenant of the hub.

    Returns the receiving tenant, or None when the new municipality is not (servable) on the
    hub — then the task stays with the sending municipality, which hands over outside the
    platform.
    """
    vereis_regie(actor)
    async with tenant_session(engine, van, settings) as session:
        taak = await session.get(Overdrachtstaak, taak_id)
        if taak is None:
            raise NietGevonden("Deze overdrachtstaak bestaat niet (meer).")
        code, casus_id = taak.naar_gemeente, taak.casus_id
        verhuizing = await session.get(Verhuizing, taak.verhuizing_id)
        verhuisd_op = verhuizing.datum if verhuizing else klok.vandaag()
    async with engine.begin() as conn:
        try:
            contactpunt = await zoek_contactpunt(conn, code)
        except TenantUnavailable:
            contactpunt = None
        naar = contactpunt.tenant if contactpunt else None
        if naar is None or naar.id == van.id:
            return None
        await conn.execute(
            insert(Overdrachtsmelding).values(
                id=new_id(),
                van_tenant_id=van.id,
                naar_tenant_id=naar.id,
                taak_id=taak_id,
                verhuisd_op=verhuisd_op,
            )
        )
        async with tenant_session(engine, van, settings) as session, session.begin():
            await log(
                session,
                actor,
                Actie.CREATE,
                "verhuizing",
                "overdrachtstaak gemeld aan nieuwe gemeente",
                casus_id=casus_id,
                detail=f"naar={naar.slug}",
            )
    return naar


@dataclass(frozen=True, slots=True)
class InkomendeOverdracht:
    id: uuid.UUID
    van_gemeente: str
    van_gemeentecode: str
    verhuisd_op: date
    gemeld_op: datetime


# Built once: the regie's dashboard shows them on every visit (issue 11).
_INKOMEND = (
    select(
        Overdrachtsmelding.id,
        Tenant.name,
        Tenant.gemeentecode,
        Overdrachtsmelding.verhuisd_op,
        Overdrachtsmelding.created_at,
    )
    .join(Tenant, Tenant.id == Overdrachtsmelding.van_tenant_id)
    .where(
        Overdrachtsmelding.naar_tenant_id == bindparam("tenant_id"),
        Overdrachtsmelding.afgehandeld_op.is_(None),
    )
    .order_by(Overdrachtsmelding.created_at)
)


async def inkomende_overdrachten(
    conn: AsyncConnection, tenant_id: uuid.UUID
) -> list[InkomendeOverdracht]:
    """Open hand-overs to this municipality (no personal data)."""
    rows = await conn.execute(_INKOMEND, {"tenant_id": tenant_id})
    return [InkomendeOverdracht(*row) for row in rows.all()]


async def rond_overdracht_af(
    engine: AsyncEngine, actor: Actor, tenant_id: uuid.UUID, melding_id: uuid.UUID
) -> bool:
    """The receiving municipality marks the hand-over as taken over."""
    vereis_regie(actor)
    async with engine.begin() as conn:
        result = await conn.execute(
            update(Overdrachtsmelding)
            .where(
                Overdrachtsmelding.id == melding_id,
                Overdrachtsmelding.naar_tenant_id == tenant_id,
                Overdrachtsmelding.afgehandeld_op.is_(None),
            )
            .values(afgehandeld_op=datetime.now(UTC))
        )
    return bool(result.rowcount)
