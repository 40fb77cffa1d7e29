"""Information items on a casus (rule 4): source, category, onward-sharing restriction.

Items in ``bijzonder`` or ``strafrechtelijk`` are listed without their text; showing one is an
explicit action with a recorded purpose (``toon_item``), and never open to invited parties.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.deelgronden import deelgrond_label
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.models import Bijlage, InformatieItem
from casushub.tenants.casus.rules import UITGENODIGD_ROL, Categorie, direct_zichtbaar
from casushub.tenants.casus.toegang import laad_toegankelijke_casus, log
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.signalen.services import BijlageInvoer
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = [
    "ItemWeergave",
    "item_met_toegang",
    "lijst_items",
    "toon_item",
    "voeg_item_toe",
    "weergave",
]

GROEP = {
    Categorie.GEWOON: "informatie",
    Categorie.BIJZONDER: "informatie_bijzonder",
    Categorie.STRAFRECHTELIJK: "informatie_strafrechtelijk",
}


@dataclass(frozen=True, slots=True)
class ItemWeergave:
    item_id: uuid.UUID
    casus_id: uuid.UUID
    datum: date
    categorie: str
    bron_organisatie_id: uuid.UUID
    deelbeperking: str | None
    # None while a special or criminal item has not been opened with a purpose.
    tekst: str | None
    bijlagen: tuple[str, ...]
    # Same order as ``bijlagen``: the ids the download links use (empty where not offered).
    bijlage_ids: tuple[uuid.UUID, ...] = ()
    # Brought in by an invited partner: the ground on which it shares (see
    # casushub.tenants.uitnodigingen.deelgronden), and its explanation.
    deelgrond: str | None = None
    deelgrond_toelichting: str | None = None

    @property
    def verborgen(self) -> bool:
        return self.tekst is None

    @property
    def deelgrond_label(self) -> str:
        return deelgrond_label(self.deelgrond)


async def voeg_item_toe(
    session: AsyncSession,
    actor: Actor,
    *,
    casus_id: uuid.UUID,
    tekst: str,
    bron_organisatie_id: uuid.UUID,
    datum: date,
    categorie: str,
    deelbeperking: str | None = None,
    bijlagen: Sequence[BijlageInvoer] = (),
) -> InformatieItem:
    if actor.role == UITGENODIGD_ROL:
        raise GeenToegang("Een uitgenodigde partij kan geen informatie aan de casus toevoegen.")
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    if not tekst.strip():
        raise RegelFout("Vul de informatie in.", "tekst")
    try:
        soort = Categorie(categorie)
    except ValueError:
        raise RegelFout("Kies de soort gegevens.", "categorie") from None
    await controleer_persoonsvelden(
        session,
        {
            "tekst": tekst,
            "deelbeperking": deelbeperking,
            **{f"bijlage.{b.bestandsnaam}": b.bestandsnaam for b in bijlagen},
        },
    )
    item = InformatieItem(
        casus_id=casus.id,
        tekst=tekst.strip(),
        bron_organisatie_id=bron_organisatie_id,
        datum=datum,
        categorie=soort,
        deelbeperking=(deelbeperking or "").strip() or None,
        vastgelegd_door=actor.user_id,
    )
    session.add(item)
    await session.flush()
    for bijlage in bijlagen:
        session.add(bijlage.als_bijlage(item_id=item.id))
    await session.flush()
    await log(session, actor, Actie.CREATE, GROEP[soort], "informatie inbrengen", casus_id=casus.id)
    return item


async def _bijlagen(
    session: AsyncSession, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    if not item_ids:
        return {}
    rows = await session.execute(
        select(Bijlage.item_id, Bijlage.id, Bijlage.bestandsnaam)
        .where(Bijlage.item_id.in_(item_ids))
        .order_by(Bijlage.id)
    )
    result: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for item_id, bijlage_id, naam in rows:
        if item_id is not None:
            result.setdefault(item_id, []).append((bijlage_id, naam))
    return result


def _met_links(
    item: InformatieItem, bijlagen: Sequence[tuple[uuid.UUID, str]], *, open: bool
) -> ItemWeergave:
    basis = weergave(item, [naam for _, naam in bijlagen], open=open)
    if not open:
        return basis
    return replace(basis, bijlage_ids=tuple(i for i, _ in bijlagen))


def weergave(item: InformatieItem, bijlagen: Sequence[str], *, open: bool) -> ItemWeergave:
    return ItemWeergave(
        item_id=item.id,
        casus_id=item.casus_id,
        datum=item.datum,
        categorie=item.categorie,
        bron_organisatie_id=item.bron_organisatie_id,
        deelbeperking=item.deelbeperking,
        tekst=item.tekst if open else None,
        bijlagen=tuple(bijlagen) if open else (),
        deelgrond=item.deelgrond,
        deelgrond_toelichting=item.deelgrond_toelichting if open else None,
    )


async def lijst_items(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, *, doel: str = "casusoverleg"
) -> list[ItemWeergave]:
    """All items of a casus for regie and participants; special ones stay closed."""
    if actor.role == UITGENODIGD_ROL:
        raise GeenToegang("Een uitgenodigde partij ziet alleen de informatie uit de uitnodiging.")
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    items = list(
        (
            await session.execute(
                select(InformatieItem)
                .where(InformatieItem.casus_id == casus.id)
                .order_by(InformatieItem.datum.desc(), InformatieItem.id)
            )
        ).scalars()
    )
    bijlagen = await _bijlagen(session, [i.id for i in items])
    result = []
    for item in items:
        open_ = direct_zichtbaar(rol=actor.role, categorie=item.categorie)
        result.append(_met_links(item, bijlagen.get(item.id, []), open=open_))
    # One read of the ordinary items; the closed ones show only their category and source.
    await log(session, actor, Actie.READ, "informatie", doel, casus_id=casus.id)
    return result


async def item_met_toegang(
    session: AsyncSession, actor: Actor, item_id: uuid.UUID, *, weigering: str
) -> InformatieItem:
    """The item, when ``actor`` may see its casus; an invited party is refused (``weigering``)."""
    item = await session.get(InformatieItem, item_id)
    if item is None:
        raise NietGevonden("Deze informatie bestaat niet (meer).")
    if actor.role == UITGENODIGD_ROL:
        raise GeenToegang(weigering)
    await laad_toegankelijke_casus(session, actor, item.casus_id)
    return item


async def toon_item(
    session: AsyncSession, actor: Actor, item_id: uuid.UUID, *, doel: str
) -> ItemWeergave:
    """The explicit action that opens a special or criminal item; the purpose is logged."""
    item = await item_met_toegang(
        session,
        actor,
        item_id,
        weigering="Bijzondere en strafrechtelijke gegevens zijn niet voor u zichtbaar.",
    )
    if not doel.strip():
        raise RegelFout("Geef aan waarvoor u deze gegevens inziet.", "doel")
    await log(
        session,
        actor,
        Actie.READ,
        GROEP[Categorie(item.categorie)],
        doel.strip()[:200],
        casus_id=item.casus_id,
        detail=f"item={item.id}",
    )
    bijlagen = await _bijlagen(session, [item.id])
    return _met_links(item, bijlagen.get(item.id, []), open=True)
