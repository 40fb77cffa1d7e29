"""Attachments (bijlagen) on an information item: adding one, and reading one back.

The upload is checked here, not in the web layer: size first (before anything is sniffed), the
type from the content (``bestandstypen``), the client's name only as a sanitized display name.
Both directions follow the item's own access rules (rule 3 and 4) and are logged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.bestandstypen import OngeldigBestand, herken, veilige_naam
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.items import GROEP, item_met_toegang
from casushub.tenants.casus.models import Bijlage, InformatieItem
from casushub.tenants.casus.rules import Categorie
from casushub.tenants.casus.toegang import is_regie, log
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = [
    "VELD",
    "BijlageBestand",
    "casus_van_item",
    "lees_bijlage",
    "mag_bijlage_toevoegen",
    "te_groot",
    "voeg_bijlage_toe",
]

VELD = "bestand"


@dataclass(frozen=True, slots=True)
class BijlageBestand:
    bijlage_id: uuid.UUID
    casus_id: uuid.UUID
    bestandsnaam: str
    mediatype: str
    inhoud: bytes


def te_groot(max_bytes: int) -> str:
    """The Dutch refusal for an upload over the limit (also used by the web layer's early
    check on Content-Length, so both say the same)."""
    megabytes = max_bytes / (1024 * 1024)
    grens = f"{megabytes:.0f} MB" if megabytes >= 1 else f"{max_bytes} bytes"
    return f"Het bestand is groter dan {grens}. Kies een kleiner bestand."


def mag_bijlage_toevoegen(actor: Actor, bron_organisatie_id: uuid.UUID) -> bool:
    """The item records its source (rule 4): only that source, or regie, adds files to it."""
    return is_regie(actor) or bron_organisatie_id == actor.organisation_id


async def _item_met_toegang(
    session: AsyncSession, actor: Actor, item_id: uuid.UUID
) -> InformatieItem:
    weigering = "Een uitgenodigde partij kan geen bijlagen van de casus openen."
    return await item_met_toegang(session, actor, item_id, weigering=weigering)


async def casus_van_item(session: AsyncSession, actor: Actor, item_id: uuid.UUID) -> uuid.UUID:
    """The casus an item belongs to, for whoever may see that item (to re-render its page)."""
    return (await _item_met_toegang(session, actor, item_id)).casus_id


async def voeg_bijlage_toe(
    session: AsyncSession,
    actor: Actor,
    *,
    item_id: uuid.UUID,
    bestandsnaam: str,
    inhoud: bytes,
    max_bytes: int,
) -> Bijlage:
    """Store a file on an item of the actor's own organisation (or any item, for regie).

    Raises ``RegelFout`` (field ``bestand``) with a Dutch message for a refused file; nothing
    is stored then.
    """
    item = await _item_met_toegang(session, actor, item_id)
    if not mag_bijlage_toevoegen(actor, item.bron_organisatie_id):
        raise GeenToegang(
            "Alleen de organisatie die deze informatie inbracht kan er iets aan toevoegen."
        )
    if not inhoud and not bestandsnaam:
        raise RegelFout("Kies een bestand om toe te voegen.", VELD)
    if len(inhoud) > max_bytes:
        raise RegelFout(te_groot(max_bytes), VELD)
    try:
        soort = herken(inhoud)
        naam = veilige_naam(bestandsnaam, soort)
    except OngeldigBestand as exc:
        raise RegelFout(exc.message, VELD) from None
    # The display name is free text typed by a person: the same BSN check as every field.
    await controleer_persoonsvelden(session, {VELD: naam})
    bijlage = Bijlage(item_id=item.id, bestandsnaam=naam, mediatype=soort.mediatype, inhoud=inhoud)
    session.add(bijlage)
    await session.flush()
    await log(
        session,
        actor,
        Actie.CREATE,
        GROEP[Categorie(item.categorie)],
        "bijlage toevoegen",
        casus_id=item.casus_id,
        detail=f"item={item.id} bijlage={bijlage.id}",
    )
    return bijlage


async def lees_bijlage(
    session: AsyncSession, actor: Actor, bijlage_id: uuid.UUID, *, doel: str = "casusoverleg"
) -> BijlageBestand:
    """The stored bytes of one attachment; the read is logged with the item's data group."""
    bijlage = await session.get(Bijlage, bijlage_id)
    if bijlage is None or bijlage.item_id is None:
        # Signal attachments are read through the signal's own screens, not here.
        raise NietGevonden("Deze bijlage bestaat niet (meer).")
    item = await _item_met_toegang(session, actor, bijlage.item_id)
    await log(
        session,
        actor,
        Actie.READ,
        GROEP[Categorie(item.categorie)],
        f"{doel}: bijlage downloaden"[:200],
        casus_id=item.casus_id,
        detail=f"item={item.id} bijlage={bijlage.id}",
    )
    return BijlageBestand(
        bijlage_id=bijlage.id,
        casus_id=item.casus_id,
        bestandsnaam=bijlage.bestandsnaam,
        mediatype=bijlage.mediatype,
        inhoud=bijlage.inhoud,
    )
