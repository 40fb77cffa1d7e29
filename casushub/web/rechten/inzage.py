""" "Inzage beperkt" on an item of a casus: the participant that supplied it withholds it
from a data subject's inzage on a legal ground (art. 41 UAVG), with a review date. On that
date it must be confirmed with a new review date, or it lapses (the daily watch); the owner
is reminded by e-mail beforehand. Lifting shows the item in inzage again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.fouten import RegelFouten
from casushub.platform.identity.roles import Role
from casushub.platform.klok import vandaag
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.overzicht import item_inzage
from casushub.tenants.verzoeken.beperkingen import (
    beperk_inzage,
    bevestig_beperking,
    hef_beperking_op,
)
from casushub.tenants.verzoeken.rules import (
    BEPERKING_GRONDEN,
    MAX_BEPERKING_DAGEN,
    VerzoekRegelFout,
)
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, formulierscherm, of_opnieuw
from casushub.web.rechten.invoer import datum_verplicht

__all__ = ["inzage_handlers"]

WERKERS = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT)
_PAD = "/casusoverleg/casussen/{casus_id:uuid}/informatie/{item_id:uuid}/inzage"
GRONDKEUZE = [("", "Kies een wettelijke grond"), *BEPERKING_GRONDEN.items()]


@dataclass
class Inzagebeperking(Formulier):
    grond: str = ""
    herzien_op: str = ""
    toelichting: str = ""


@dataclass
class Herbeoordeling(Formulier):
    nieuw_herzien_op: str = ""


MELDINGEN = {
    "beperkt": "De inzage in deze informatie is beperkt tot de datum van herbeoordeling.",
    "bevestigd": "De beperking is bevestigd met een nieuwe datum van herbeoordeling.",
    "opgeheven": "De beperking is opgeheven: bij een inzageverzoek wordt dit gegeven getoond.",
}


def _pad(casus_id: uuid.UUID, item_id: uuid.UUID) -> str:
    return f"/casusoverleg/casussen/{casus_id}/informatie/{item_id}/inzage"


async def _scherm(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    item_id: uuid.UUID,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    item = await item_inzage(db, actor, casus_id, item_id, vandaag=vandaag())
    return formulierscherm(
        "rechten/inzage.html",
        {
            "item": item,
            "actor": actor,
            "gronden": GRONDKEUZE,
            "grondteksten": BEPERKING_GRONDEN,
            "max_dagen": MAX_BEPERKING_DAGEN,
            "pad": _pad(casus_id, item_id),
        },
        waarden=waarden,
        fouten=fouten,
        melding=melding,
        status_code=status_code,
    )


def _datum(waarde: str, veld: str, fouten: dict[str, str]) -> date | None:
    """The review date, or None with its message in ``fouten``."""
    try:
        return datum_verplicht(waarde, veld, "Vul de datum van herbeoordeling in.")
    except RegelFouten as fout:
        fouten.update(fout.fouten)
        return None


async def _schrijf(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    item_id: uuid.UUID,
    actie: Callable[[AsyncSession], Awaitable[None]],
    waarden: dict[str, str],
    fouten: dict[str, str],
    veld: str,
    gelukt: str,
) -> Template | Redirect:
    """Run ``actie`` after the item check; a broken rule re-renders with the input kept."""

    async def uitvoeren() -> Redirect:
        if fouten:
            raise RegelFouten(fouten)
        try:
            async with db.begin():
                await item_inzage(db, actor, casus_id, item_id, vandaag=vandaag())
                await actie(db)
        except VerzoekRegelFout as fout:
            raise RegelFouten({veld: fout.message}) from fout
        return Redirect(f"{_pad(casus_id, item_id)}?gelukt={gelukt}", status_code=303)

    async def opnieuw(alle: dict[str, str]) -> Template:
        async with db.begin():
            return await _scherm(db, actor, casus_id, item_id, waarden=waarden, fouten=alle)

    return await of_opnieuw(uitvoeren, opnieuw, standaardveld=veld)


class InzageController(Controller):
    """Inzage beperkt on one item of a casus."""

    path = "/casusoverleg/casussen/{casus_id:uuid}/informatie/{item_id:uuid}/inzage"
    opt = roles(*WERKERS)
    dependencies = DEPS

    @get("", name="item-inzage")
    async def inzage_scherm(
        self,
        casus_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
        gelukt: FromQuery[str | None] = None,
    ) -> Template:
        db, actor = scherm.db, scherm.actor
        async with db.begin():
            return await _scherm(db, actor, casus_id, item_id, melding=MELDINGEN.get(gelukt or ""))

    @post("", name="item-inzage-beperken")
    async def inzage_beperken(
        self,
        casus_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID],
        data: Annotated[Inzagebeperking, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor
        waarden = {k: v[:2001] for k, v in data.waarden().items()}
        fouten: dict[str, str] = {}
        if waarden["grond"] not in BEPERKING_GRONDEN:
            fouten["grond"] = "Kies de wettelijke grond om de inzage te beperken."
        herzien = _datum(waarden["herzien_op"], "herzien_op", fouten)
        if len(waarden["toelichting"]) > 2000:
            fouten["toelichting"] = "Houd de toelichting korter dan 2000 tekens."

        async def actie(session: AsyncSession) -> None:
            if herzien is None:  # refused above already; keeps the type checker informed
                raise VerzoekRegelFout("Vul de datum van herbeoordeling in.")
            await beperk_inzage(
                session,
                actor,
                item_soort="informatie_item",
                item_id=item_id,
                grond=waarden["grond"],
                herzien_op=herzien,
                toelichting=waarden["toelichting"],
            )

        return await _schrijf(
            db, actor, casus_id, item_id, actie, waarden, fouten, "herzien_op", "beperkt"
        )

    @post("/bevestigen", name="item-inzage-bevestigen")
    async def inzage_bevestigen(
        self,
        casus_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID],
        data: Annotated[Herbeoordeling, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor
        waarden = {"nieuw_herzien_op": data.nieuw_herzien_op[:20]}
        fouten: dict[str, str] = {}
        herzien = _datum(waarden["nieuw_herzien_op"], "nieuw_herzien_op", fouten)

        async def actie(session: AsyncSession) -> None:
            if herzien is None:  # refused above already; keeps the type checker informed
                raise VerzoekRegelFout("Vul de datum van herbeoordeling in.")
            item = await item_inzage(session, actor, casus_id, item_id, vandaag=vandaag())
            if item.beperking is None:
                raise VerzoekRegelFout("De inzage in deze informatie is niet beperkt.")
            await bevestig_beperking(session, actor, item.beperking.id, herzien_op=herzien)

        return await _schrijf(
            db, actor, casus_id, item_id, actie, waarden, fouten, "nieuw_herzien_op", "bevestigd"
        )

    @post("/opheffen", name="item-inzage-opheffen")
    async def inzage_opheffen(
        self,
        casus_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor

        async def actie(session: AsyncSession) -> None:
            item = await item_inzage(session, actor, casus_id, item_id, vandaag=vandaag())
            if item.beperking is None or item.beperking.status != "actief":
                raise VerzoekRegelFout("De inzage in deze informatie is niet (meer) beperkt.")
            await hef_beperking_op(session, actor, item.beperking.id)

        return await _schrijf(db, actor, casus_id, item_id, actie, {}, {}, "opheffen", "opgeheven")


inzage_handlers: list[Any] = [InzageController]
