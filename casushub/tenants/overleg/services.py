"""Agenda items, minutes, decisions, attendance, and the meeting view (docs/design.md §3).

A regional meeting discusses cases of several municipalities, but each agenda item lives in
its casus's tenant schema. The meeting view therefore asks each tenant the viewer may access,
in that tenant's own session, for the items the viewer may see there — and never opens a
session for a tenant the viewer has no context in.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, session_tenant, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import NietGevonden, RegelFout
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.rules import DEELNEMER_ROL, UITGENODIGD_ROL, Status
from casushub.tenants.casus.toegang import (
    deelnemende_casus_ids,
    is_regie,
    laad_casus,
    laad_toegankelijke_casus,
    log,
    vereis_regie,
)
from casushub.tenants.overleg.models import DOELEN, Aanwezigheid, AgendaActie, Agendapunt
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.plan.models import Interventie
from casushub.tenants.plan.services import InterventieInvoer, voeg_interventie_toe
from casushub.tenants.uitnodigingen.services import (
    uitnodigingen_in_venster,
    vereis_uitnodiging_voor_bijeenkomst,
)
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = [
    "AgendaRegel",
    "AgendapuntWeergave",
    "Vergadering",
    "actie_naar_interventie",
    "agenda_voor_bijeenkomst",
    "agendapunten_van_casus",
    "agendeer",
    "lees_aanwezigheid",
    "lees_agendapunt",
    "leg_actie_vast",
    "mag_bijeenkomst_zien",
    "notuleer",
    "registreer_aanwezigheid",
    "vergadering_voor",
    "vergaderoverzicht",
]


async def agendeer(
    session: AsyncSession,
    actor: Actor,
    *,
    casus_id: uuid.UUID,
    bijeenkomst_id: uuid.UUID,
    doel: str,
) -> Agendapunt:
    vereis_regie(actor)
    casus = await laad_casus(session, casus_id)
    if doel not in DOELEN:
        raise RegelFout("Kies het doel van de bespreking.", "doel")
    if casus.status == Status.AFGESLOTEN:
        raise RegelFout("Een afgesloten casus kan niet worden geagendeerd.", "casus")
    bestaand = await session.scalar(
        select(Agendapunt.id).where(
            Agendapunt.casus_id == casus.id, Agendapunt.bijeenkomst_id == bijeenkomst_id
        )
    )
    if bestaand is not None:
        raise RegelFout("Deze casus staat al op de agenda van deze bijeenkomst.", "casus")
    punt = Agendapunt(bijeenkomst_id=bijeenkomst_id, casus_id=casus.id, doel=doel, notulen="")
    session.add(punt)
    await session.flush()
    await log(session, actor, Actie.CREATE, "agenda", "agenderen", casus_id=casus.id)
    return punt


async def _punt(session: AsyncSession, agendapunt_id: uuid.UUID) -> Agendapunt:
    punt = await session.get(Agendapunt, agendapunt_id)
    if punt is None:
        raise NietGevonden("Dit agendapunt bestaat niet (meer).")
    return punt


async def notuleer(
    session: AsyncSession, actor: Actor, agendapunt_id: uuid.UUID, notulen: str
) -> Agendapunt:
    vereis_regie(actor)
    punt = await _punt(session, agendapunt_id)
    await controleer_persoonsvelden(session, {"notulen": notulen})
    punt.notulen = notulen.strip()
    await session.flush()
    await log(session, actor, Actie.UPDATE, "notulen", "notuleren", casus_id=punt.casus_id)
    return punt


async def leg_actie_vast(
    session: AsyncSession, actor: Actor, agendapunt_id: uuid.UUID, *, soort: str, tekst: str
) -> AgendaActie:
    vereis_regie(actor)
    punt = await _punt(session, agendapunt_id)
    if soort not in {"besluit", "actie"}:
        raise RegelFout("Kies besluit of actie.", "soort")
    if not tekst.strip():
        raise RegelFout("Beschrijf het besluit of de actie.", "tekst")
    await controleer_persoonsvelden(session, {"tekst": tekst})
    actie = AgendaActie(agendapunt_id=punt.id, soort=soort, tekst=tekst.strip())
    session.add(actie)
    await session.flush()
    await log(
        session, actor, Actie.CREATE, "notulen", f"{soort} vastleggen", casus_id=punt.casus_id
    )
    return actie


async def actie_naar_interventie(
    session: AsyncSession, actor: Actor, actie_id: uuid.UUID, invoer: InterventieInvoer
) -> Interventie:
    """An action agreed in the meeting becomes an intervention of the plan."""
    actie = await session.get(AgendaActie, actie_id)
    if actie is None:
        raise NietGevonden("Deze actie bestaat niet (meer).")
    if actie.soort != "actie":
        raise RegelFout("Alleen een actie kan een interventie worden.", "soort")
    if actie.interventie_id is not None:
        raise RegelFout("Deze actie is al een interventie.", "actie")
    punt = await _punt(session, actie.agendapunt_id)
    interventie = await voeg_interventie_toe(session, actor, punt.casus_id, invoer)
    actie.interventie_id = interventie.id
    await session.flush()
    return interventie


async def registreer_aanwezigheid(
    session: AsyncSession,
    actor: Actor,
    bijeenkomst_id: uuid.UUID,
    aanwezig: dict[uuid.UUID, bool],
) -> None:
    """Attendance per organisation (no personal data: organisations only)."""
    vereis_regie(actor)
    bestaand = {
        a.organisatie_id: a
        for a in (
            await session.execute(
                select(Aanwezigheid).where(Aanwezigheid.bijeenkomst_id == bijeenkomst_id)
            )
        ).scalars()
    }
    for organisatie_id, is_aanwezig in aanwezig.items():
        if organisatie_id in bestaand:
            bestaand[organisatie_id].aanwezig = is_aanwezig
        else:
            session.add(
                Aanwezigheid(
                    bijeenkomst_id=bijeenkomst_id,
                    organisatie_id=organisatie_id,
                    aanwezig=is_aanwezig,
                )
            )
    await session.flush()


@dataclass(frozen=True, slots=True)
class AgendaRegel:
    tenant: str
    agendapunt_id: uuid.UUID
    casus_id: uuid.UUID
    naam: str
    doel: str
    # None for invited parties: minutes cover the whole discussion, not just their scope.
    notulen: str | None
    uitnodiging_id: uuid.UUID | None = None


async def agenda_voor_bijeenkomst(
    session: AsyncSession,
    actor: Actor,
    bijeenkomst_id: uuid.UUID,
    *,
    nu: datetime | None = None,
) -> list[AgendaRegel]:
    """This tenant's items of one meeting that ``actor`` may see; each one is a logged read.

    Regie (and the procesregisseur for it) sees all; a participant the items of cases it
    takes part in; an invited party only the item its valid, accepted invitation covers.
    """
    nu = nu or datetime.now(UTC)
    tenant = session_tenant(session)
    query = (
        select(Agendapunt, Casus, Persoon.naam)
        .join(Casus, Casus.id == Agendapunt.casus_id)
        .join(Persoon, Persoon.id == Casus.persoon_id)
        .where(Agendapunt.bijeenkomst_id == bijeenkomst_id)
        .order_by(Agendapunt.created_at, Agendapunt.id)
    )
    uitnodigingen: dict[uuid.UUID, uuid.UUID] = {}
    if is_regie(actor):
        pass
    elif actor.role == DEELNEMER_ROL and actor.organisation_id is not None:
        ids = await deelnemende_casus_ids(session, actor.organisation_id)
        query = query.where(Casus.id.in_(ids))
    elif actor.role == UITGENODIGD_ROL and actor.organisation_id is not None:
        for uitnodiging in await uitnodigingen_in_venster(
            session, actor, nu=nu, bijeenkomst_id=bijeenkomst_id, geaccepteerd=True
        ):
            uitnodigingen[uitnodiging.casus_id] = uitnodiging.id
        query = query.where(Casus.id.in_(list(uitnodigingen)))
    else:
        return []
    regels = []
    for punt, casus, naam in await session.execute(query):
        invited = actor.role == UITGENODIGD_ROL
        regels.append(
            AgendaRegel(
                tenant=tenant.slug if tenant else "",
                agendapunt_id=punt.id,
                casus_id=casus.id,
                naam=naam,
                doel=punt.doel,
                notulen=None if invited else punt.notulen,
                uitnodiging_id=uitnodigingen.get(casus.id),
            )
        )
        await log(
            session,
            actor,
            Actie.READ,
            "agenda",
            "bijeenkomst casusoverleg",
            casus_id=casus.id,
            persoon_id=casus.persoon_id,
        )
    return regels


async def vergaderoverzicht(
    engine: AsyncEngine,
    settings: Settings,
    bijeenkomst_id: uuid.UUID,
    contexten: Sequence[tuple[TenantRef, Actor]],
    *,
    nu: datetime | None = None,
) -> list[AgendaRegel]:
    """The whole meeting's agenda as this viewer may see it.

    ``contexten`` are the tenants the viewer has a context in, each with the actor (role,
    organisation) of that context, as the identity layer resolved them; other tenants are
    never opened, so their items cannot appear, not even as a count.
    """
    vergadering = await vergadering_voor(
        engine, settings, bijeenkomst_id, [(t, a, True) for t, a in contexten], nu=nu
    )
    return vergadering.regels


@dataclass(frozen=True, slots=True)
class Vergadering:
    """A meeting as one viewer may see it: whether it may see the meeting itself (date,
    place, video link) and the agenda items it may see."""

    zichtbaar: bool
    regels: list[AgendaRegel]


async def vergadering_voor(
    engine: AsyncEngine,
    settings: Settings,
    bijeenkomst_id: uuid.UUID,
    contexten: Sequence[tuple[TenantRef, Actor, bool]],
    *,
    nu: datetime | None = None,
) -> Vergadering:
    """The meeting page's decision, per context ``(tenant, actor, van_tenant)``: ``van_tenant``
    says whether the meeting is one of that municipality's casusoverleg (a platform fact the
    caller looked up).

    Regie and participants see a meeting of their municipality's casusoverleg, or one with an
    agenda item they may see; an invited party only inside the window of an invitation to
    this meeting (and its agenda items only once the confidentiality is accepted as well),
    as on every other route of the meeting (:func:`mag_bijeenkomst_zien`).
    """
    nu = nu or datetime.now(UTC)
    zichtbaar = False
    regels: list[AgendaRegel] = []
    for tenant, actor, van_tenant in contexten:
        async with tenant_session(engine, tenant, settings) as session, session.begin():
            punten = await agenda_voor_bijeenkomst(session, actor, bijeenkomst_id, nu=nu)
            regels.extend(punten)
            if await mag_bijeenkomst_zien(
                session, actor, bijeenkomst_id, van_tenant=van_tenant or bool(punten), nu=nu
            ):
                zichtbaar = True
    return Vergadering(zichtbaar, regels)


async def mag_bijeenkomst_zien(
    session: AsyncSession,
    actor: Actor,
    bijeenkomst_id: uuid.UUID,
    *,
    van_tenant: bool,
    nu: datetime | None = None,
) -> bool:
    """May ``actor`` see this meeting (date, place, video link) at all? ``van_tenant``: it is
    a meeting of this municipality's casusoverleg. An invited party needs an invitation to it
    inside its window, whatever else holds."""
    if actor.role == UITGENODIGD_ROL:
        try:
            await vereis_uitnodiging_voor_bijeenkomst(session, actor, bijeenkomst_id, nu=nu)
        except NietGevonden:
            return False
        return True
    return van_tenant and (is_regie(actor) or actor.role == DEELNEMER_ROL)


@dataclass(frozen=True, slots=True)
class AgendapuntWeergave:
    punt: Agendapunt
    naam: str
    acties: list[AgendaActie]


async def agendapunten_van_casus(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID
) -> list[Agendapunt]:
    """The meetings a casus is (or was) on; a logged read of the agenda group."""
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    punten = list(
        (
            await session.execute(
                select(Agendapunt)
                .where(Agendapunt.casus_id == casus.id)
                .order_by(Agendapunt.created_at, Agendapunt.id)
            )
        ).scalars()
    )
    await log(session, actor, Actie.READ, "agenda", "casusoverleg", casus_id=casus.id)
    return punten


async def lees_agendapunt(
    session: AsyncSession, actor: Actor, agendapunt_id: uuid.UUID, *, doel: str = "notulen"
) -> AgendapuntWeergave:
    """One agenda item with its minutes, decisions and actions (not for invited parties:
    the minutes cover the whole discussion, not just their scope)."""
    punt = await _punt(session, agendapunt_id)
    casus = await laad_toegankelijke_casus(session, actor, punt.casus_id)
    persoon = await session.get(Persoon, casus.persoon_id)
    acties = list(
        (
            await session.execute(
                select(AgendaActie)
                .where(AgendaActie.agendapunt_id == punt.id)
                .order_by(AgendaActie.created_at, AgendaActie.id)
            )
        ).scalars()
    )
    await log(
        session,
        actor,
        Actie.READ,
        "notulen",
        doel,
        casus_id=casus.id,
        persoon_id=casus.persoon_id,
    )
    return AgendapuntWeergave(punt, persoon.naam if persoon else "", acties)


async def lees_aanwezigheid(
    session: AsyncSession, actor: Actor, bijeenkomst_id: uuid.UUID
) -> dict[uuid.UUID, bool]:
    """Attendance recorded by this municipality (organisations only, no personal data)."""
    vereis_regie(actor)
    rows = await session.execute(
        select(Aanwezigheid.organisatie_id, Aanwezigheid.aanwezig).where(
            Aanwezigheid.bijeenkomst_id == bijeenkomst_id
        )
    )
    return {o: a for o, a in rows.all()}
