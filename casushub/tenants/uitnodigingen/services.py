"""Inviting a third party, its acceptance of confidentiality, and what it may then see."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.items import ItemWeergave, weergave
from casushub.tenants.casus.models import Bijlage, InformatieItem
from casushub.tenants.casus.rules import UITGENODIGD_ROL, Status, uitgenodigde_mag_zien
from casushub.tenants.casus.toegang import laad_casus, laad_toegankelijke_casus, log, vereis_regie
from casushub.tenants.instellingen.services import lees_instellingen
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.uitnodigingen.models import Uitnodiging, UitnodigingItem
from casushub.tenants.uitnodigingen.rules import (
    controleer_gebruik,
    controleer_uitnodiging,
    in_venster,
    vervalt_op,
)
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = [
    "UitnodigingRegel",
    "accepteer",
    "casus_van_uitnodiging",
    "geldige_uitnodiging",
    "laad_uitnodiging",
    "lees_uitnodiging",
    "mijn_uitnodigingen",
    "nodig_uit",
    "trek_in",
    "uitnodigingen_in_venster",
    "uitnodigingen_van_casus",
    "vereis_uitnodiging_voor_bijeenkomst",
]


async def nodig_uit(
    session: AsyncSession,
    actor: Actor,
    *,
    casus_id: uuid.UUID,
    bijeenkomst_id: uuid.UUID,
    einde_bijeenkomst: datetime,
    organisatie_id: uuid.UUID,
    reden: str,
    item_ids: Collection[uuid.UUID],
    user_id: uuid.UUID | None = None,
    nu: datetime | None = None,
    mag_inbrengen: bool = False,
) -> Uitnodiging:
    """The procesregisseur invites one organisation (or one person of it) for one meeting;
    ``mag_inbrengen`` lets it bring information into the casus (uitnodigingen.inbreng)."""
    vereis_regie(actor)
    nu = nu or datetime.now(UTC)
    casus = await laad_casus(session, casus_id)
    if casus.status == Status.AFGESLOTEN:
        raise RegelFout("Deze casus is afgesloten.", "casus")
    controleer_uitnodiging(
        reden=reden, item_ids=item_ids, nu=nu, einde_bijeenkomst=einde_bijeenkomst
    )
    await controleer_persoonsvelden(session, {"reden": reden})
    items = list(
        (
            await session.execute(
                select(InformatieItem).where(InformatieItem.id.in_(list(item_ids)))
            )
        ).scalars()
    )
    if len(items) != len(set(item_ids)) or any(i.casus_id != casus.id for i in items):
        raise RegelFout("Kies alleen informatie uit deze casus.", "items")
    if any(not uitgenodigde_mag_zien(i.categorie) for i in items):
        raise RegelFout(
            "Bijzondere en strafrechtelijke gegevens worden niet met uitgenodigde partijen "
            "gedeeld.",
            "items",
        )
    instelling = await lees_instellingen(session)
    uitnodiging = Uitnodiging(
        casus_id=casus.id,
        bijeenkomst_id=bijeenkomst_id,
        organisatie_id=organisatie_id,
        user_id=user_id,
        reden=reden.strip(),
        uitgenodigd_op=nu,
        vervalt_op=vervalt_op(einde_bijeenkomst, instelling.uitnodiging_uitloop_uren),
        uitgenodigd_door=actor.user_id,
        ingetrokken=False,
        mag_inbrengen=mag_inbrengen,
    )
    session.add(uitnodiging)
    await session.flush()
    for item in items:
        session.add(UitnodigingItem(uitnodiging_id=uitnodiging.id, item_id=item.id))
    await session.flush()
    await log(
        session,
        actor,
        Actie.CREATE,
        "uitnodiging",
        "derde uitnodigen",
        casus_id=casus.id,
        detail=f"organisatie={organisatie_id} items={len(items)} inbrengen={mag_inbrengen}",
    )
    return uitnodiging


def _is_voor(actor: Actor, uitnodiging: Uitnodiging) -> bool:
    return (
        actor.role == UITGENODIGD_ROL
        and actor.organisation_id == uitnodiging.organisatie_id
        and (uitnodiging.user_id is None or uitnodiging.user_id == actor.user_id)
    )


async def laad_uitnodiging(session: AsyncSession, uitnodiging_id: uuid.UUID) -> Uitnodiging:
    """The invitation, whoever asks; refused as not found when it does not exist (any more)."""
    uitnodiging = await session.get(Uitnodiging, uitnodiging_id)
    if uitnodiging is None:
        raise NietGevonden("Deze uitnodiging bestaat niet (meer).")
    return uitnodiging


async def _laad(session: AsyncSession, actor: Actor, uitnodiging_id: uuid.UUID) -> Uitnodiging:
    uitnodiging = await laad_uitnodiging(session, uitnodiging_id)
    if not _is_voor(actor, uitnodiging):
        raise GeenToegang("Deze uitnodiging is niet voor u.")
    return uitnodiging


async def accepteer(
    session: AsyncSession,
    actor: Actor,
    uitnodiging_id: uuid.UUID,
    *,
    geheimhouding_geaccepteerd: bool,
    nu: datetime | None = None,
) -> Uitnodiging:
    """Until the invitee accepts the confidentiality duty, the invitation shows nothing."""
    nu = nu or datetime.now(UTC)
    uitnodiging = await _laad(session, actor, uitnodiging_id)
    if not geheimhouding_geaccepteerd:
        raise RegelFout("Accepteer de geheimhoudingsplicht.", "geheimhouding")
    if uitnodiging.ingetrokken or nu > uitnodiging.vervalt_op:
        raise GeenToegang("Deze uitnodiging is niet (meer) geldig.")
    uitnodiging.geaccepteerd_op = nu
    uitnodiging.geaccepteerd_door = actor.user_id
    await session.flush()
    await log(
        session,
        actor,
        Actie.UPDATE,
        "uitnodiging",
        "geheimhouding geaccepteerd",
        casus_id=uitnodiging.casus_id,
    )
    return uitnodiging


async def geldige_uitnodiging(
    session: AsyncSession, actor: Actor, uitnodiging: Uitnodiging, nu: datetime
) -> None:
    if not _is_voor(actor, uitnodiging):
        raise GeenToegang("Deze uitnodiging is niet voor u.")
    controleer_gebruik(
        nu=nu,
        uitgenodigd_op=uitnodiging.uitgenodigd_op,
        vervalt=uitnodiging.vervalt_op,
        geaccepteerd_op=uitnodiging.geaccepteerd_op,
        ingetrokken=uitnodiging.ingetrokken,
    )


@dataclass(frozen=True, slots=True)
class UitnodigingWeergave:
    uitnodiging: Uitnodiging
    items: list[ItemWeergave]
    # Whom the meeting is about: shown only after the confidentiality duty was accepted.
    naam: str = ""


async def lees_uitnodiging(
    session: AsyncSession, actor: Actor, uitnodiging_id: uuid.UUID, *, nu: datetime | None = None
) -> UitnodigingWeergave:
    """What the invitee sees: only the items in scope, only inside the window."""
    nu = nu or datetime.now(UTC)
    uitnodiging = await _laad(session, actor, uitnodiging_id)
    await geldige_uitnodiging(session, actor, uitnodiging, nu)
    items = list(
        (
            await session.execute(
                select(InformatieItem)
                .join(UitnodigingItem, UitnodigingItem.item_id == InformatieItem.id)
                .where(UitnodigingItem.uitnodiging_id == uitnodiging.id)
                .order_by(InformatieItem.datum.desc())
            )
        ).scalars()
    )
    # A category may have been changed after the invitation: check again on every read.
    items = [i for i in items if uitgenodigde_mag_zien(i.categorie)]
    namen: dict[uuid.UUID, list[str]] = {}
    if items:
        rows = await session.execute(
            select(Bijlage.item_id, Bijlage.bestandsnaam).where(
                Bijlage.item_id.in_([i.id for i in items])
            )
        )
        for item_id, naam in rows:
            if item_id is not None:
                namen.setdefault(item_id, []).append(naam)
    await log(
        session,
        actor,
        Actie.READ,
        "informatie",
        "uitnodiging casusoverleg",
        casus_id=uitnodiging.casus_id,
        detail=f"uitnodiging={uitnodiging.id}",
    )
    casus = await laad_casus(session, uitnodiging.casus_id)
    persoon = await session.get(Persoon, casus.persoon_id)
    return UitnodigingWeergave(
        uitnodiging,
        [weergave(i, namen.get(i.id, []), open=True) for i in items],
        persoon.naam if persoon else "",
    )


async def uitnodigingen_in_venster(
    session: AsyncSession,
    actor: Actor,
    *,
    nu: datetime | None = None,
    bijeenkomst_id: uuid.UUID | None = None,
    geaccepteerd: bool = False,
) -> list[Uitnodiging]:
    """The actor's invitations that are not withdrawn and inside their window (rule 3), of one
    meeting when ``bijeenkomst_id`` is given, only accepted ones when ``geaccepteerd``.

    Every route of a meeting asks this for an invited party: the meeting page, its calendar
    file and the agenda items on it. The meeting itself (date, place, video link) needs an
    invitation in its window; case data on it needs the confidentiality accepted as well.
    """
    nu = nu or datetime.now(UTC)
    if actor.role != UITGENODIGD_ROL or actor.organisation_id is None:
        return []
    query = select(Uitnodiging).where(
        Uitnodiging.organisatie_id == actor.organisation_id,
        Uitnodiging.ingetrokken.is_(False),
        # Lapsed invitations pile up; open ones are few: narrow it here, decide below.
        Uitnodiging.vervalt_op >= nu,
    )
    if bijeenkomst_id is not None:
        query = query.where(Uitnodiging.bijeenkomst_id == bijeenkomst_id)
    if geaccepteerd:
        query = query.where(Uitnodiging.geaccepteerd_op.is_not(None))
    rows = await session.execute(query.order_by(Uitnodiging.vervalt_op, Uitnodiging.id))
    # The window itself is decided by the one rule controleer_gebruik applies too.
    return [
        u
        for u in rows.scalars()
        if _is_voor(actor, u)
        and in_venster(nu=nu, uitgenodigd_op=u.uitgenodigd_op, vervalt=u.vervalt_op)
    ]


async def vereis_uitnodiging_voor_bijeenkomst(
    session: AsyncSession, actor: Actor, bijeenkomst_id: uuid.UUID, *, nu: datetime | None = None
) -> None:
    """An invited party may see a meeting only inside the window of an invitation to it;
    outside it the meeting does not exist for it (the same answer as an unknown id)."""
    if not await uitnodigingen_in_venster(session, actor, nu=nu, bijeenkomst_id=bijeenkomst_id):
        raise NietGevonden("Deze bijeenkomst bestaat niet.")


async def mijn_uitnodigingen(
    session: AsyncSession, actor: Actor, *, nu: datetime | None = None
) -> list[Uitnodiging]:
    """The invitee's open invitations (no personal data: casus and meeting ids only)."""
    return await uitnodigingen_in_venster(session, actor, nu=nu)


async def casus_van_uitnodiging(
    session: AsyncSession, uitnodiging_id: uuid.UUID
) -> uuid.UUID | None:
    """The casus an invitation belongs to (None for an unknown id): where a refused
    withdrawal sends the regie back to."""
    uitnodiging = await session.get(Uitnodiging, uitnodiging_id)
    return uitnodiging.casus_id if uitnodiging else None


async def trek_in(
    session: AsyncSession,
    actor: Actor,
    uitnodiging_id: uuid.UUID,
    *,
    nu: datetime | None = None,
) -> Uitnodiging:
    """Withdraw an invitation before or during its window: from this moment the invitee sees
    nothing of it (every read checks ``ingetrokken``). A lapsed one has nothing left to
    withdraw."""
    vereis_regie(actor)
    nu = nu or datetime.now(UTC)
    uitnodiging = await laad_uitnodiging(session, uitnodiging_id)
    await laad_toegankelijke_casus(session, actor, uitnodiging.casus_id)
    if uitnodiging.ingetrokken:
        raise RegelFout("Deze uitnodiging is al ingetrokken.", "uitnodiging")
    if nu > uitnodiging.vervalt_op:
        raise RegelFout(
            "Deze uitnodiging is al verlopen; de partij heeft er geen toegang meer mee.",
            "uitnodiging",
        )
    uitnodiging.ingetrokken = True
    await session.flush()
    await log(
        session,
        actor,
        Actie.UPDATE,
        "uitnodiging",
        "uitnodiging ingetrokken",
        casus_id=uitnodiging.casus_id,
        detail=f"uitnodiging={uitnodiging.id} organisatie={uitnodiging.organisatie_id}",
    )
    return uitnodiging


@dataclass(frozen=True, slots=True)
class UitnodigingRegel:
    """One invitation of a casus as the regie sees it: who, for which meeting, how far."""

    uitnodiging: Uitnodiging
    aantal_items: int
    status: str


def _status(uitnodiging: Uitnodiging, nu: datetime) -> str:
    if uitnodiging.ingetrokken:
        return "ingetrokken"
    if nu > uitnodiging.vervalt_op:
        return "verlopen"
    if uitnodiging.geaccepteerd_op is not None:
        return "geheimhouding geaccepteerd"
    return "uitgenodigd, geheimhouding nog niet geaccepteerd"


async def uitnodigingen_van_casus(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, *, nu: datetime | None = None
) -> list[UitnodigingRegel]:
    """The invitations made for this casus, newest first (for those who may see the casus)."""
    nu = nu or datetime.now(UTC)
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    rows = await session.execute(
        select(Uitnodiging, func.count(UitnodigingItem.id))
        .outerjoin(UitnodigingItem, UitnodigingItem.uitnodiging_id == Uitnodiging.id)
        .where(Uitnodiging.casus_id == casus.id)
        .group_by(Uitnodiging.id)
        .order_by(Uitnodiging.uitgenodigd_op.desc(), Uitnodiging.id)
    )
    regels = [UitnodigingRegel(u, int(n), _status(u, nu)) for u, n in rows.all()]
    await log(session, actor, Actie.READ, "uitnodiging", "casusoverleg", casus_id=casus.id)
    return regels
