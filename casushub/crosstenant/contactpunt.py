"""Routing a data-subject request to the contactpunt of the person's gemeente van verblijf.

The one place that crosses tenants on purpose. The contactpunt is the burgemeester of the
gemeente van verblijf (Besluit art. 2(2)) and decides for all joint controllers (art. 3), so a
request received by any municipality on the hub, or by the hub itself, belongs in *that*
municipality's schema. Crossing is a system action under the law, done in two separate tenant
sessions, never one session on two schemas:

1. read the person's gemeente van verblijf in the receiving municipality (if staff named a
   record there);
2. register the request in the contactpunt's schema. Only what the request itself holds
   crosses — who is asking, about whom, what — never the receiving side's record id or any
   of its case data;
3. the receiving side keeps a forwarding receipt without personal data.

When the gemeente van verblijf is not on this hub, the request gets a hand-over status with
whom to send it to.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.registry import RegistryError, servable_tenant, validate_gemeentecode
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import overdracht, services
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.verzoek import verzoek as laad_verzoek

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings

__all__ = [
    "Contactpunt",
    "Routering",
    "Uitkomst",
    "overdracht_tekst",
    "routeer",
    "verplaats",
    "zoek_contactpunt",
]

HUB = "hub"
# Tenants whose processor agreement ended are no longer a contactpunt on this hub.
_NIET_MEER = {TenantStatus.TERMINATING.value, TenantStatus.TERMINATED.value}


class Uitkomst(enum.StrEnum):
    ONTVANGEN = "ontvangen"  # the receiving municipality is the contactpunt
    DOORGESTUURD = "doorgestuurd"  # placed in another tenant's queue
    OVERDRACHT = "overdracht"  # not on this hub: pass it on by hand


@dataclass(frozen=True)
class Contactpunt:
    gemeentecode: str
    tenant: TenantRef | None
    naam: str | None


@dataclass(frozen=True)
class Routering:
    uitkomst: Uitkomst
    gemeentecode: str
    # Where the request now lives (None: nothing stored, the hub passes it on itself).
    tenant: TenantRef | None
    verzoek_id: uuid.UUID | None
    ontvangstnummer: str | None
    overdracht_aan: str | None = None


def overdracht_tekst(gemeentecode: str) -> str:
    return (
        f"De gemeente van verblijf (CBS-code GM{gemeentecode}) werkt niet met dit platform. "
        f"Stuur het verzoek zo snel mogelijk door aan de burgemeester van die gemeente, als "
        "contactpunt voor de Wet gegevensverwerking persoonsgerichte aanpak radicalisering "
        "en terroristische activiteiten (Besluit art. 2 lid 2). Het adres staat op "
        "https://organisaties.overheid.nl. Laat de indiener weten naar wie het verzoek is "
        "doorgestuurd, en leg daarna vast dat het is overgedragen."
    )


async def zoek_contactpunt(conn: AsyncConnection, gemeentecode: str) -> Contactpunt:
    """The tenant of ``gemeentecode``, or none when that municipality is not on this hub.

    Raises ``TenantUnavailable`` when it is on the hub but cannot be served right now
    (suspended, being migrated): the request must then wait, not go to a hand-over.
    """
    code = validate_gemeentecode(gemeentecode)
    row = (
        await conn.execute(
            select(Tenant.id, Tenant.name, Tenant.status).where(Tenant.gemeentecode == code)
        )
    ).first()
    if row is None or row.status in _NIET_MEER:
        return Contactpunt(code, None, None)
    return Contactpunt(code, await servable_tenant(conn, row.id), row.name)


async def _uit_persoon(
    engine: AsyncEngine, settings: Settings, actor: Actor, van: TenantRef, persoon_id: uuid.UUID
) -> Persoon:
    async with tenant_session(engine, van, settings) as session, session.begin():
        persoon = await session.get(Persoon, persoon_id)
        if persoon is None:
            msg = "Deze persoon bestaat niet in uw gemeente."
            raise RegistryError(msg, "persoon")
        await record(
            session,
            actor,
            actie=Actie.READ,
            gegevensgroep="persoon",
            doel="bepalen contactpunt voor verzoek van de betrokkene",
            persoon_id=persoon_id,
        )
        return persoon


async def routeer(
    engine: AsyncEngine,
    settings: Settings,
    actor: Actor,
    aanvraag: NieuwVerzoek,
    *,
    van: TenantRef | None,
    gemeente_van_verblijf: str | None = None,
    ontvangen: datetime | None = None,
) -> Routering:
    """Register ``aanvraag``, received by ``van`` (None: the hub), at the right contactpunt.

    With ``aanvraag.persoon_id`` (a record in ``van``'s schema) the gemeente van verblijf is
    read from that record; otherwise ``gemeente_van_verblijf`` must be given.
    """
    if aanvraag.persoon_id is not None:
        if van is None:
            msg = "De hub heeft geen eigen persoonsgegevens; geef de gemeente van verblijf op."
            raise RegistryError(msg, "persoon")
        persoon = await _uit_persoon(engine, settings, actor, van, aanvraag.persoon_id)
        code = persoon.gemeente_van_verblijf
        aanvraag = dataclasses.replace(
            aanvraag,
            betrokkene_naam=aanvraag.betrokkene_naam or persoon.naam,
            betrokkene_geboortedatum=(aanvraag.betrokkene_geboortedatum or persoon.geboortedatum),
        )
    elif gemeente_van_verblijf:
        code = gemeente_van_verblijf
    else:
        msg = "Geef de gemeente van verblijf van de betrokkene op."
        raise RegistryError(msg, "gemeente_van_verblijf")
    async with engine.connect() as conn:
        contactpunt = await zoek_contactpunt(conn, code)
    bij = van.slug if van is not None else HUB

    if contactpunt.tenant is None:
        tekst = overdracht_tekst(contactpunt.gemeentecode)
        if van is None:
            # Nothing to store: the hub holds no personal data outside a tenant schema.
            return Routering(Uitkomst.OVERDRACHT, contactpunt.gemeentecode, None, None, None, tekst)
        async with tenant_session(engine, van, settings) as session, session.begin():
            stored = await services.registreer(
                session,
                actor,
                dataclasses.replace(aanvraag, persoon_id=None),
                gemeentecode=contactpunt.gemeentecode,
                ontvangen=ontvangen,
                overdracht_aan=tekst,
            )
        return Routering(
            Uitkomst.OVERDRACHT,
            contactpunt.gemeentecode,
            van,
            stored.id,
            stored.ontvangstnummer,
            tekst,
        )

    doel = contactpunt.tenant
    zelf = van is not None and van.id == doel.id
    # The receiving side's record id means nothing in another schema: it does not cross.
    mee = aanvraag if zelf else dataclasses.replace(aanvraag, persoon_id=None)
    # In the contactpunt's schema this is a system action (the law routes it there), logged
    # with the registering user and organisation.
    systeem = actor if zelf else dataclasses.replace(actor, role="systeem")
    async with tenant_session(engine, doel, settings) as session, session.begin():
        stored = await services.registreer(
            session,
            systeem,
            mee,
            gemeentecode=contactpunt.gemeentecode,
            ontvangen_bij=None if zelf else bij,
            ontvangen=ontvangen,
        )
    if zelf:
        return Routering(
            Uitkomst.ONTVANGEN, contactpunt.gemeentecode, doel, stored.id, stored.ontvangstnummer
        )
    if van is not None:
        async with tenant_session(engine, van, settings) as session, session.begin():
            await overdracht.registreer_doorzending(
                session,
                actor,
                type=aanvraag.type,
                ontvangen_op=stored.ontvangen_op,
                naar_gemeentecode=contactpunt.gemeentecode,
                naar_tenant_id=doel.id,
                nummer=stored.ontvangstnummer,
            )
    return Routering(
        Uitkomst.DOORGESTUURD, contactpunt.gemeentecode, doel, stored.id, stored.ontvangstnummer
    )


async def verplaats(
    engine: AsyncEngine,
    settings: Settings,
    actor: Actor,
    *,
    van: TenantRef,
    verzoek_id: uuid.UUID,
) -> Routering:
    """The person moved (docs/design.md rule 10): a running request follows the new contactpunt.

    The new gemeente van verblijf is read from the person's record. Day 0, the deadline (with
    any extension) and the receipt number stay as they were: a move does not restart the
    clock, and the person keeps the number they were given.
    """
    async with tenant_session(engine, van, settings) as session, session.begin():
        found = await laad_verzoek(session, verzoek_id)
        if found.status not in {"ontvangen", "in_behandeling"}:
            msg = "Alleen een lopend verzoek gaat mee naar de nieuwe gemeente van verblijf."
            raise RegistryError(msg, "verzoek")
        if found.persoon_id is None:
            msg = "Koppel het verzoek eerst aan de persoon; daarin staat waar die nu woont."
            raise RegistryError(msg, "persoon")
        persoon = await session.get(Persoon, found.persoon_id)
        if persoon is None:
            msg = "Deze persoon bestaat niet (meer) in uw gemeente."
            raise RegistryError(msg, "persoon")
        code = persoon.gemeente_van_verblijf
        aanvraag = NieuwVerzoek(
            type=VerzoekType(found.type),
            betrokkene_naam=found.betrokkene_naam,
            indiener_naam=found.indiener_naam,
            kanaal=Kanaal(found.kanaal),
            betrokkene_geboortedatum=found.betrokkene_geboortedatum,
            indiener_email=found.indiener_email,
            indiener_telefoon=found.indiener_telefoon,
            indiener_adres=found.indiener_adres,
            bericht=found.bericht,
        )
        bewaard = (
            found.ontvangen_tijdstip,
            found.ontvangstnummer,
            found.termijn,
            found.verlengd_maanden,
        )
    if code == found.gemeente_van_verblijf:
        return Routering(Uitkomst.ONTVANGEN, code, van, found.id, found.ontvangstnummer)
    async with engine.connect() as conn:
        contactpunt = await zoek_contactpunt(conn, code)
    if contactpunt.tenant is None or contactpunt.tenant.id == van.id:
        tekst = overdracht_tekst(contactpunt.gemeentecode)
        async with tenant_session(engine, van, settings) as session, session.begin():
            await overdracht.zet_in_overdracht(
                session, actor, verzoek_id, gemeentecode=contactpunt.gemeentecode, tekst=tekst
            )
        return Routering(
            Uitkomst.OVERDRACHT, contactpunt.gemeentecode, van, verzoek_id, bewaard[1], tekst
        )
    doel = contactpunt.tenant
    ontvangen, nummer, termijn, verlengd = bewaard
    async with tenant_session(engine, doel, settings) as session, session.begin():
        stored = await services.registreer(
            session,
            dataclasses.replace(actor, role="systeem"),
            aanvraag,
            gemeentecode=contactpunt.gemeentecode,
            ontvangen_bij=van.slug,
            ontvangen=ontvangen,
            nummer=nummer,
        )
        stored.termijn, stored.verlengd_maanden = termijn, verlengd
    async with tenant_session(engine, van, settings) as session, session.begin():
        await overdracht.vervang_door_doorzending(
            session,
            actor,
            verzoek_id,
            naar_gemeentecode=contactpunt.gemeentecode,
            naar_tenant_id=doel.id,
        )
    return Routering(
        Uitkomst.DOORGESTUURD, contactpunt.gemeentecode, doel, stored.id, stored.ontvangstnummer
    )
