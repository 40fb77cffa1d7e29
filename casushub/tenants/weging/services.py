"""Recording and finalising a weging; its outcome moves the signal on."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen import services as bewaartermijnen
from casushub.tenants.bewaartermijnen.rules import destroy_on
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.toegang import log, vereis_weegploeg, zichtbare_casussen
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.signalen.models import Signaal, SignaalStatus
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.weging.models import Weging, WegingAanwezige
from casushub.tenants.weging.rules import Beoordeling, Uitkomst, controleer_vaststelling

__all__ = [
    "Aanwezige",
    "WegingInvoer",
    "controleer_wegingstekst",
    "lees_concept",
    "lees_weging",
    "weeg_signaal",
]


@dataclass(frozen=True, slots=True)
class Aanwezige:
    organisatie_id: uuid.UUID
    organisatie_type: str


@dataclass(frozen=True, slots=True)
class WegingInvoer:
    signaal_id: uuid.UUID
    datum: date
    aanwezigen: Sequence[Aanwezige]
    criteria: Mapping[str, Beoordeling]
    redenering: str
    uitkomst: str | None
    vervolgdatum: date | None = None


_KORTE_BEWARING = frozenset({Uitkomst.GEEN_ACTIE, Uitkomst.NIET_ONDER_WET})
_SIGNAAL_NA = {
    Uitkomst.GEEN_ACTIE: SignaalStatus.GEEN_ACTIE,
    Uitkomst.NIET_ONDER_WET: SignaalStatus.GEEN_ACTIE,
    # 'meer informatie nodig' sends the signal back to the queue with a follow-up date.
    Uitkomst.MEER_INFORMATIE: SignaalStatus.TE_WEGEN,
    Uitkomst.OPNAME: SignaalStatus.OPNAME,
    Uitkomst.STRAFRECHTELIJK: SignaalStatus.STRAFRECHTELIJK,
}


async def controleer_wegingstekst(
    session: AsyncSession, redenering: str, criteria: Mapping[str, Beoordeling]
) -> None:
    """Rule 5 for a weging's free text: its reasoning and each criterion's note, under the
    names of their form fields."""
    await controleer_persoonsvelden(
        session,
        {
            "redenering": redenering,
            **{f"criteria.{k}": v.toelichting for k, v in criteria.items()},
        },
    )


async def weeg_signaal(
    session: AsyncSession,
    actor: Actor,
    invoer: WegingInvoer,
    *,
    vaststellen: bool,
    bewaarparameters: Mapping[str, int] | None = None,
) -> Weging:
    """Record a weging; ``vaststellen`` finalises it, which only a complete weging can be."""
    vereis_weegploeg(actor)
    signaal = await session.get(Signaal, invoer.signaal_id)
    if signaal is None:
        raise NietGevonden("Dit signaal bestaat niet (meer).")
    if signaal.status != SignaalStatus.TE_WEGEN:
        raise RegelFout("Dit signaal is al gewogen.", "signaal")
    await controleer_wegingstekst(session, invoer.redenering, invoer.criteria)
    uitkomst: Uitkomst | None = None
    if vaststellen:
        uitkomst = controleer_vaststelling(
            datum=invoer.datum,
            aanwezige_types={a.organisatie_type for a in invoer.aanwezigen},
            criteria=invoer.criteria,
            uitkomst=invoer.uitkomst,
            redenering=invoer.redenering,
            vervolgdatum=invoer.vervolgdatum,
        )
    if uitkomst in _KORTE_BEWARING and bewaarparameters is None:
        # The tenant's own periods, read before anything changes (no half-written autoflush).
        bewaarparameters = await bewaartermijnen.bewaarparameters(session)
    # One open draft per signal: saving again updates it, finalising turns it into the weging.
    weging = await session.scalar(
        select(Weging).where(Weging.signaal_id == signaal.id, Weging.vastgesteld_op.is_(None))
    )
    if weging is None:
        weging = Weging(signaal_id=signaal.id)
        session.add(weging)
    weging.datum = invoer.datum
    weging.criteria = {
        k: {"beoordeling": v.beoordeling, "toelichting": v.toelichting}
        for k, v in invoer.criteria.items()
    }
    # A draft keeps the outcome chosen so far (if it is one); only ``vastgesteld_op`` makes it
    # count, and intake checks that.
    gekozen = uitkomst.value if uitkomst else invoer.uitkomst
    weging.uitkomst = gekozen if gekozen in set(Uitkomst) else None
    weging.redenering = invoer.redenering
    weging.vervolgdatum = invoer.vervolgdatum
    await session.flush()
    await session.execute(delete(WegingAanwezige).where(WegingAanwezige.weging_id == weging.id))
    for aanwezige in {a.organisatie_id: a for a in invoer.aanwezigen}.values():
        session.add(
            WegingAanwezige(
                weging_id=weging.id,
                organisatie_id=aanwezige.organisatie_id,
                organisatie_type=aanwezige.organisatie_type,
            )
        )
    if uitkomst is not None:
        weging.vastgesteld_op = datetime.now(UTC)
        weging.vastgesteld_door = actor.user_id
        signaal.status = _SIGNAAL_NA[uitkomst]
        signaal.vervolgdatum = invoer.vervolgdatum if uitkomst is Uitkomst.MEER_INFORMATIE else None
        if uitkomst in _KORTE_BEWARING:
            # Rule 7: 'geen actie' (and 'valt niet onder deze wet', which keeps no longer)
            # starts the signal's short retention clock.
            signaal.destroy_on = destroy_on(
                "signaal", Uitkomst.GEEN_ACTIE.value, invoer.datum, bewaarparameters
            )
    await session.flush()
    await log(
        session,
        actor,
        Actie.CREATE,
        "weging",
        "weging vaststellen" if vaststellen else "weging voorbereiden",
        persoon_id=signaal.persoon_id,
    )
    return weging


async def lees_weging(session: AsyncSession, actor: Actor, weging_id: uuid.UUID) -> Weging:
    """The weegploeg reads every weging; another participant only the weging a casus it takes
    part in came from."""
    weging = await session.get(Weging, weging_id)
    if weging is None:
        raise NietGevonden("Deze weging bestaat niet (meer).")
    try:
        vereis_weegploeg(actor)
    except GeenToegang:
        casus = await session.scalar(
            select(Casus.id).where(Casus.weging_id == weging.id, zichtbare_casussen(actor))
        )
        if casus is None:
            raise
    signaal = await session.get(Signaal, weging.signaal_id)
    await log(
        session,
        actor,
        Actie.READ,
        "weging",
        "weging inzien",
        persoon_id=signaal.persoon_id if signaal else None,
    )
    return weging


async def aanwezigen_van(session: AsyncSession, weging_id: uuid.UUID) -> list[WegingAanwezige]:
    rows = await session.execute(
        select(WegingAanwezige).where(WegingAanwezige.weging_id == weging_id)
    )
    return list(rows.scalars())


async def lees_concept(
    session: AsyncSession, actor: Actor, signaal_id: uuid.UUID
) -> tuple[Weging, list[WegingAanwezige]] | None:
    """The open draft of a signal's weging (what was saved so far), with its attendance: the
    form shows it again, so nothing typed is lost. The caller has read the signal (logged)."""
    vereis_weegploeg(actor)
    weging = await session.scalar(
        select(Weging).where(Weging.signaal_id == signaal_id, Weging.vastgesteld_op.is_(None))
    )
    if weging is None:
        return None
    return weging, await aanwezigen_van(session, weging.id)
