"""What the casus page's rights section shows: holds, items that may be withheld, moves.

Reads only; each read of a data group is written to the access log here, in the caller's
transaction, after the casus access check (need-to-know) passed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import JuridischeBlokkade
from casushub.tenants.bewaartermijnen.services import GRONDEN, blokkadegeschiedenis
from casushub.tenants.casus.errors import GeenToegang, NietGevonden
from casushub.tenants.casus.models import InformatieItem, Overdrachtstaak, Verhuizing
from casushub.tenants.casus.rules import direct_zichtbaar
from casushub.tenants.casus.services import CasusRegel, lees_casus
from casushub.tenants.casus.toegang import is_regie, log
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verzoeken.models import InzageBeperking
from casushub.tenants.verzoeken.rules import BEPERKING_GRONDEN, Beperkingsstatus

__all__ = [
    "Bewaarplicht",
    "Blokkaderegel",
    "ItemBeperking",
    "ItemInzage",
    "Verhuisregel",
    "beperkbare_items",
    "bewaarplicht",
    "item_inzage",
    "verhuisgeschiedenis",
]

_DOEL = "bewaarplicht en rechten van de betrokkene"


@dataclass(frozen=True, slots=True)
class Blokkaderegel:
    id: uuid.UUID
    op_casus: bool
    grond: str
    reden: str
    ingesteld_op: date
    opgeheven_op: date | None
    reden_opheffing: str | None

    @property
    def open(self) -> bool:
        return self.opgeheven_op is None


@dataclass(frozen=True, slots=True)
class Bewaarplicht:
    casus: CasusRegel
    open: list[Blokkaderegel]
    opgeheven: list[Blokkaderegel]

    @property
    def opgeschort(self) -> bool:
        return bool(self.open) or self.casus.legal_hold


def _regel(blokkade: JuridischeBlokkade) -> Blokkaderegel:
    return Blokkaderegel(
        id=blokkade.id,
        op_casus=blokkade.casus_id is not None,
        grond=GRONDEN.get(blokkade.grond, blokkade.grond),
        reden=blokkade.reden,
        ingesteld_op=blokkade.ingesteld_op.date(),
        opgeheven_op=blokkade.opgeheven_op.date() if blokkade.opgeheven_op else None,
        reden_opheffing=blokkade.reden_opheffing,
    )


async def bewaarplicht(session: AsyncSession, actor: Actor, casus_id: uuid.UUID) -> Bewaarplicht:
    """The casus with its open and lifted holds (on the casus and on its person)."""
    casus = await lees_casus(session, actor, casus_id, doel=_DOEL)
    rijen = [
        _regel(b) for b in await blokkadegeschiedenis(session, casus.persoon_id, casus.casus_id)
    ]
    await log(
        session,
        actor,
        Actie.READ,
        "juridische_blokkade",
        _DOEL,
        casus_id=casus.casus_id,
        persoon_id=casus.persoon_id,
    )
    return Bewaarplicht(
        casus=casus,
        open=[r for r in rijen if r.open],
        opgeheven=[r for r in rijen if not r.open],
    )


@dataclass(frozen=True, slots=True)
class ItemBeperking:
    item_id: uuid.UUID
    datum: date
    categorie: str
    eigen: bool
    """Supplied by the actor's own organisation: only then may it restrict the item."""
    status: str | None
    grond: str | None
    herzien_op: date | None


async def beperkbare_items(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, *, vandaag: date
) -> list[ItemBeperking]:
    """The casus's items with their "inzage beperkt" state: the regie sees every item's
    state, a participant only its own items (no contents here, so no read of them)."""
    query = (
        select(InformatieItem, InzageBeperking)
        .outerjoin(
            InzageBeperking,
            (InzageBeperking.item_soort == "informatie_item")
            & (InzageBeperking.item_id == InformatieItem.id),
        )
        .where(InformatieItem.casus_id == casus_id)
        .order_by(InformatieItem.datum.desc(), InformatieItem.id)
    )
    if not is_regie(actor):
        query = query.where(InformatieItem.bron_organisatie_id == actor.organisation_id)
    uit = []
    for item, beperking in (await session.execute(query)).all():
        status = None
        if beperking is not None:
            status = beperking.status
            if status == Beperkingsstatus.ACTIEF and beperking.herzien_op < vandaag:
                status = Beperkingsstatus.VERVALLEN.value
        uit.append(
            ItemBeperking(
                item_id=item.id,
                datum=item.datum,
                categorie=item.categorie,
                eigen=item.bron_organisatie_id == actor.organisation_id,
                status=status,
                grond=BEPERKING_GRONDEN.get(beperking.grond) if beperking else None,
                herzien_op=beperking.herzien_op if beperking else None,
            )
        )
    return uit


@dataclass(frozen=True, slots=True)
class Verhuisregel:
    taak_id: uuid.UUID | None
    datum: date
    van_gemeente: str
    naar_gemeente: str
    taak_status: str | None
    afgerond_op: date | None


async def verhuisgeschiedenis(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID
) -> list[Verhuisregel]:
    """The casus's moves with their hand-over tasks, newest first (regie only)."""
    if not is_regie(actor):
        return []
    rows = (
        await session.execute(
            select(Verhuizing, Overdrachtstaak)
            .outerjoin(Overdrachtstaak, Overdrachtstaak.verhuizing_id == Verhuizing.id)
            .where(Verhuizing.casus_id == casus_id)
            .order_by(Verhuizing.datum.desc(), Verhuizing.id)
        )
    ).all()
    if rows:
        await log(session, actor, Actie.READ, "verhuizing", _DOEL, casus_id=casus_id)
    return [
        Verhuisregel(
            taak_id=taak.id if taak else None,
            datum=verhuizing.datum,
            van_gemeente=verhuizing.van_gemeente,
            naar_gemeente=verhuizing.naar_gemeente,
            taak_status=taak.status if taak else None,
            afgerond_op=taak.afgerond_op if taak else None,
        )
        for verhuizing, taak in rows
    ]


@dataclass(frozen=True, slots=True)
class ItemInzage:
    """One item of a casus with its "inzage beperkt" restriction, for the restriction screen."""

    casus: CasusRegel
    item_id: uuid.UUID
    datum: date
    categorie: str
    tekst: str | None
    """Shown for ordinary items only; special ones are opened on the casus page with a purpose."""
    eigen: bool
    beperking: InzageBeperking | None
    vervallen: bool


async def item_inzage(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, item_id: uuid.UUID, *, vandaag: date
) -> ItemInzage:
    """The item (of this casus, which the actor may see) and its restriction, logged."""
    casus = await lees_casus(session, actor, casus_id, doel=_DOEL)
    item = await session.get(InformatieItem, item_id)
    if item is None or item.casus_id != casus.casus_id:
        raise NietGevonden("Deze informatie bestaat niet (meer).")
    beperking = await session.scalar(
        select(InzageBeperking).where(
            InzageBeperking.item_soort == "informatie_item", InzageBeperking.item_id == item.id
        )
    )
    eigen = item.bron_organisatie_id == actor.organisation_id
    if not eigen and not is_regie(actor):
        raise GeenToegang("Alleen de deelnemer die deze informatie aanleverde beperkt de inzage.")
    open_ = direct_zichtbaar(rol=actor.role, categorie=item.categorie)
    await log(
        session,
        actor,
        Actie.READ,
        "informatie" if open_ else "inzage_beperking",
        "beoordelen beperking van de inzage",
        casus_id=casus.casus_id,
        persoon_id=casus.persoon_id,
        detail=f"item={item.id}",
    )
    return ItemInzage(
        casus=casus,
        item_id=item.id,
        datum=item.datum,
        categorie=item.categorie,
        tekst=item.tekst if open_ else None,
        eigen=eigen,
        beperking=beperking,
        vervallen=beperking is not None
        and beperking.status == Beperkingsstatus.ACTIEF
        and beperking.herzien_op < vandaag,
    )
