"""Hand-over on a move between municipalities of the hub (docs/design.md rule 10).

When the gemeente van verblijf of a casus changes, the registering municipality keeps the
casus and its hand-over task; if the new municipality is a tenant of this hub, it must see
that task too. That is a write across tenants, so it happens here, at platform level, like
the contactpunt's forwarding of requests: a notice in the platform schema that says only
which municipality hands a casus over to which and from when, and which running requests
(by receipt number) followed the person — no name, no casus content.
The new municipality's regie then asks the sending one for the hand-over itself. The notice
is logged in the sending municipality's access log.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from casushub.crosstenant.contactpunt import Routering, Uitkomst, verplaats, zoek_contactpunt
from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.platform.models import PlatformBase, Tenant
from casushub.platform.registry import RegistryError, TenantUnavailable
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import NietGevonden
from casushub.tenants.casus.models import Casus, Overdrachtstaak, Verhuizing
from casushub.tenants.casus.toegang import log, vereis_regie
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verzoeken.models import Verzoek
from casushub.tenants.verzoeken.rules import VerzoekStatus

__all__ = [
    "InkomendeOverdracht",
    "Overdrachtsmelding",
    "Overdrachtsregel",
    "inkomende_overdrachten",
    "meld_overdracht",
    "overdrachten",
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
    # Requests that followed the person: [{"nummer", "verzoek_id"}] (platform p0012).
    verzoeken: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list)


_log = logging.getLogger(__name__)
_LOPEND = (VerzoekStatus.ONTVANGEN.value, VerzoekStatus.IN_BEHANDELING.value)


async def meld_overdracht(
    engine: AsyncEngine,
    settings: Settings,
    actor: Actor,
    *,
    van: TenantRef,
    taak_id: uuid.UUID,
) -> TenantRef | None:
    """After a move: running requests follow the person, and the new municipality sees the
    hand-over task when it is a tenant of the hub.

    Each running request about the person goes to the new gemeente van verblijf
    (``contactpunt.verplaats``: to its queue on the hub, or to a hand-over outside it). A
    request that cannot move now (the new municipality is being migrated) stays where it is
    and is logged; the contactpunt moves it later.

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
        persoon_id = await session.scalar(select(Casus.persoon_id).where(Casus.id == casus_id))
        lopend = list(
            (
                await session.scalars(
                    select(Verzoek.id)
                    .where(Verzoek.persoon_id == persoon_id, Verzoek.status.in_(_LOPEND))
                    .order_by(Verzoek.ontvangen_tijdstip)
                )
            ).all()
        )
    gevolgd: list[Routering] = []
    for verzoek_id in lopend:
        try:
            gevolgd.append(await verplaats(engine, settings, actor, van=van, verzoek_id=verzoek_id))
        except (RegistryError, TenantUnavailable):
            _log.warning(
                "verzoek niet meeverhuisd", exc_info=True, extra={"verzoek": str(verzoek_id)}
            )
    async with engine.begin() as conn:
        try:
            contactpunt = await zoek_contactpunt(conn, code)
        except TenantUnavailable:
            contactpunt = None
        naar = contactpunt.tenant if contactpunt else None
        if naar is None or naar.id == van.id:
            return None
        meegegaan = [
            {"nummer": r.ontvangstnummer, "verzoek_id": str(r.verzoek_id)}
            for r in gevolgd
            if r.uitkomst is Uitkomst.DOORGESTUURD
            and r.tenant is not None
            and r.tenant.id == naar.id
        ]
        await conn.execute(
            insert(Overdrachtsmelding).values(
                id=new_id(),
                van_tenant_id=van.id,
                naar_tenant_id=naar.id,
                taak_id=taak_id,
                verhuisd_op=verhuisd_op,
                verzoeken=meegegaan,
            )
        )
    # Logged after the platform transaction: one pooled connection at a time
    # (casushub.platform.een_verbinding).
    async with tenant_session(engine, van, settings) as session, session.begin():
        await log(
            session,
            actor,
            Actie.CREATE,
            "verhuizing",
            "overdrachtstaak gemeld aan nieuwe gemeente",
            casus_id=casus_id,
            detail=f"naar={naar.slug};verzoeken={len(meegegaan)}",
        )
    return naar


@dataclass(frozen=True, slots=True)
class Overdrachtsregel:
    """A hand-over notice as either side's screens show it (no personal data)."""

    id: uuid.UUID
    taak_id: uuid.UUID
    andere_gemeente: str
    verhuisd_op: date
    gemeld_op: datetime
    afgehandeld_op: datetime | None
    verzoeken: list[dict[str, str]]


async def overdrachten(
    conn: AsyncConnection, tenant_id: uuid.UUID, *, richting: str
) -> list[Overdrachtsregel]:
    """Hand-over notices to (``richting="in"``) or from (``"uit"``) this municipality."""
    eigen, ander = (
        (Overdrachtsmelding.naar_tenant_id, Overdrachtsmelding.van_tenant_id)
        if richting == "in"
        else (Overdrachtsmelding.van_tenant_id, Overdrachtsmelding.naar_tenant_id)
    )
    rows = await conn.execute(
        select(
            Overdrachtsmelding.id,
            Overdrachtsmelding.taak_id,
            Tenant.name,
            Overdrachtsmelding.verhuisd_op,
            Overdrachtsmelding.created_at,
            Overdrachtsmelding.afgehandeld_op,
            Overdrachtsmelding.verzoeken,
        )
        .join(Tenant, Tenant.id == ander)
        .where(eigen == tenant_id)
        .order_by(Overdrachtsmelding.created_at.desc())
        .limit(200)
    )
    return [Overdrachtsregel(*row) for row in rows.all()]


@dataclass(frozen=True, slots=True)
class InkomendeOverdracht:
    id: uuid.UUID
    van_gemeente: str
    van_gemeentecode: str
    verhuisd_op: date
    gemeld_op: datetime
    # Requests that followed the person: [{"nummer", "verzoek_id"}] in this municipality.
    verzoeken: list[dict[str, str]]


# Built once: the regie's dashboard shows them on every visit.
_INKOMEND = (
    select(
        Overdrachtsmelding.id,
        Tenant.name,
        Tenant.gemeentecode,
        Overdrachtsmelding.verhuisd_op,
        Overdrachtsmelding.created_at,
        Overdrachtsmelding.verzoeken,
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
