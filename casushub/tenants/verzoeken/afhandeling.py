"""The contactpunt's one decision on a request, carried out in the same transaction.

One decision binds all joint controllers (Besluit art. 3), so what it grants is done at once:

- inzage: the decision records what is withheld (``Onthouding``, counted); the PDF and JSON
  export is then made from that record on request;
- rectificatie: the field is corrected with its history kept, and every recipient of the old
  value is notified (``rectificeer``);
- verwijdering: everything of the person is destroyed through the retention's services, with
  deletion receipts (``uitvoering.voer_uit``);
- beperking and bezwaar: a legal hold on the person's data until the contactpunt lifts it.

A request about a person who is not known here is answered with that fact: there is nothing
to carry out. Nothing is half done: a failing step rolls the decision back with it.
"""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Blokkadegrond, JuridischeBlokkade
from casushub.tenants.bewaartermijnen.services import hef_blokkade_op, stel_blokkade_in
from casushub.tenants.verzoeken import rectificatie, uitvoering
from casushub.tenants.verzoeken.besluit import neem_besluit
from casushub.tenants.verzoeken.models import Besluit, Verzoek
from casushub.tenants.verzoeken.rules import (
    Besluituitkomst,
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
)
from casushub.tenants.verzoeken.verzoek import verzoek as laad_verzoek

__all__ = ["Correctie", "beslis_en_voer_uit", "hef_verwerkingsbeperking_op", "open_blokkade"]


@dataclasses.dataclass(frozen=True)
class Correctie:
    """What a granted rectification corrects: one field of one item, and its right value."""

    item_soort: str
    item_id: uuid.UUID
    veld: str
    nieuwe_waarde: str


def _systeem(actor: Actor) -> Actor:
    # The hold follows from the decision the contactpunt took for all controllers.
    return dataclasses.replace(actor, role="systeem")


async def beslis_en_voer_uit(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    *,
    uitkomst: Besluituitkomst,
    motivering: str,
    correctie: Correctie | None = None,
) -> Besluit:
    found = await laad_verzoek(session, verzoek_id)
    bekend = found.persoon_id is not None
    if not bekend and found.persoon_onbekend_op is None:
        msg = (
            "Koppel het verzoek eerst aan de persoon, of leg vast dat de persoon niet bekend "
            "is; dan weet het besluit waarover het gaat."
        )
        raise VerzoekRegelFout(msg, "uitkomst")
    toegewezen = uitkomst is not Besluituitkomst.AFGEWEZEN
    soort = VerzoekType(found.type)
    if toegewezen and bekend and soort is VerzoekType.RECTIFICATIE and correctie is None:
        msg = "Kies welk gegeven wordt verbeterd."
        raise VerzoekRegelFout(msg, "gegeven")
    besluit = await neem_besluit(
        session, actor, verzoek_id, uitkomst=uitkomst, motivering=motivering
    )
    if toegewezen and bekend:
        if soort is VerzoekType.RECTIFICATIE and correctie is not None:
            await rectificatie.rectificeer(
                session,
                actor,
                item_soort=correctie.item_soort,
                item_id=correctie.item_id,
                veld=correctie.veld,
                nieuwe_waarde=correctie.nieuwe_waarde,
                verzoek_id=found.id,
            )
        elif soort is VerzoekType.VERWIJDERING:
            await uitvoering.voer_uit(session, actor, found.id)
            return besluit
        elif soort in {VerzoekType.BEPERKING, VerzoekType.BEZWAAR}:
            assert found.persoon_id is not None  # noqa: S101 - bekend
            blokkade = await stel_blokkade_in(
                session,
                _systeem(actor),
                found.persoon_id,
                grond=Blokkadegrond.BEPERKING
                if soort is VerzoekType.BEPERKING
                else Blokkadegrond.BEZWAAR,
                reden=(
                    f"Verzoek {found.ontvangstnummer} ({soort.value}) toegewezen: de gegevens "
                    "worden bewaard en niet vernietigd tot het contactpunt dit opheft."
                ),
                verzoek_id=found.id,
            )
            besluit.blokkade_id = blokkade.id
            # The request's own hold gave way to this one.
            await _laat_verzoekblokkade_los(session, actor, found, houd=blokkade.id)
    found.status = VerzoekStatus.UITGEVOERD.value
    besluit.uitgevoerd_op = klok.nu()
    await session.flush()
    return besluit


async def _laat_verzoekblokkade_los(
    session: AsyncSession, actor: Actor, found: Verzoek, *, houd: uuid.UUID
) -> None:
    open_ids = (
        await session.scalars(
            select(JuridischeBlokkade.id).where(
                JuridischeBlokkade.verzoek_id == found.id,
                JuridischeBlokkade.grond == Blokkadegrond.VERZOEK.value,
                JuridischeBlokkade.opgeheven_op.is_(None),
                JuridischeBlokkade.id != houd,
            )
        )
    ).all()
    for blokkade_id in open_ids:
        await hef_blokkade_op(
            session,
            _systeem(actor),
            blokkade_id,
            reden=f"Verzoek {found.ontvangstnummer} is besloten en uitgevoerd.",
        )


async def open_blokkade(session: AsyncSession, besluit: Besluit) -> JuridischeBlokkade | None:
    if besluit.blokkade_id is None:
        return None
    return await session.get(JuridischeBlokkade, besluit.blokkade_id)


async def hef_verwerkingsbeperking_op(
    session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID, *, reden: str
) -> JuridischeBlokkade:
    """The contactpunt lifts the hold a granted restriction or objection placed."""
    found = await laad_verzoek(session, verzoek_id)
    besluit = await session.scalar(select(Besluit).where(Besluit.verzoek_id == found.id))
    if besluit is None or besluit.blokkade_id is None:
        msg = "Bij dit verzoek hoort geen blokkade die kan worden opgeheven."
        raise VerzoekRegelFout(msg, "reden")
    if len(reden.strip()) < 10:
        msg = "Geef de reden waarom de beperking wordt opgeheven (ten minste 10 tekens)."
        raise VerzoekRegelFout(msg, "reden")
    blokkade = await session.get(JuridischeBlokkade, besluit.blokkade_id)
    if blokkade is None or blokkade.opgeheven_op is not None:
        msg = "Deze blokkade is al opgeheven."
        raise VerzoekRegelFout(msg, "reden")
    return await hef_blokkade_op(session, _systeem(actor), blokkade.id, reden=reden.strip())
