"""A participant's consultations by the contactpunt: answer whether it holds data on the
person, and withhold one of its own items from inzage on a legal ground.

Each view shows whom a request is about: a logged read of personal data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.fouten import RegelFouten
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verzoeken import bronnen, verzoek
from casushub.tenants.verzoeken.beperkingen import beperk_inzage
from casushub.tenants.verzoeken.consultaties import beantwoord_consultatie, open_consultaties
from casushub.tenants.verzoeken.rules import BEPERKING_GRONDEN, VerzoekRegelFout, VerzoekType
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.contactpunt.common import (
    DEELNEMERS,
    STAF_DEPS,
    TAKEN,
    datum_nl,
    lees_datum,
    waarden_van,
)
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw

__all__ = ["RAADPLEGINGEN", "raadpleging_handlers"]

RAADPLEGINGEN = f"{TAKEN}/raadplegingen"


@dataclass
class Antwoord(Formulier):
    antwoord: str = ""


@dataclass
class Beperking(Formulier):
    taak: str = ""
    item: str = ""
    grond: str = ""
    herzien_op: str = ""
    toelichting: str = ""


async def _raadplegingen(
    db: AsyncSession,
    actor: Actor,
    *,
    fouten: dict[str, str] | None = None,
    waarden: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """A participant's open consultations, each with its own items about the person."""
    if actor.organisation_id is None:
        raise NotAuthorizedException
    taken_: list[dict[str, Any]] = []
    async with db.begin():
        for taak, found in await open_consultaties(db, actor.organisation_id):
            items = (
                await bronnen.eigen_items(db, found.persoon_id, actor.organisation_id)
                if found.persoon_id
                else []
            )
            # The participant sees whom the request is about to answer it: a logged read.
            await verzoek.log(
                db, actor, f"consultatie={taak.id}", actie=Actie.READ, persoon_id=found.persoon_id
            )
            taken_.append(
                {
                    "id": taak.id,
                    "soort": VerzoekType(found.type).label,
                    "betrokkene": found.betrokkene_naam,
                    "termijn": datum_nl(taak.termijn.isoformat()),
                    "items": items,
                }
            )
    return Template(
        "contactpunt/raadplegingen.html",
        context={
            "taken": taken_,
            "gronden": [("", "Kies een grond"), *BEPERKING_GRONDEN.items()],
            "fouten": fouten or {},
            "waarden": waarden or {},
        },
        status_code=status_code,
    )


class RaadplegingController(Controller):
    """A participant's consultations."""

    path = "/contactpunt-taken/raadplegingen"
    opt = roles(*DEELNEMERS)
    dependencies = STAF_DEPS

    @get("", name="contactpunt-raadplegingen")
    async def raadplegingen(
        self, db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
    ) -> Template:
        return await _raadplegingen(db, actor)

    @post("/{consultatie_id:uuid}", name="contactpunt-raadpleging-antwoord")
    async def raadpleging_beantwoorden(
        self,
        consultatie_id: FromPath[uuid.UUID],
        data: Annotated[Antwoord, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor
        veld = f"antwoord-{consultatie_id}"

        async def actie() -> Redirect:
            async with db.begin():
                await beantwoord_consultatie(db, actor, consultatie_id, data.antwoord)
            return Redirect(RAADPLEGINGEN, status_code=303)

        # Each consultation has its own answer field (its id carries the consultation's id).
        return await of_opnieuw(
            actie,
            lambda fouten: _raadplegingen(
                db, actor, fouten={veld: " ".join(fouten.values())}, waarden={veld: data.antwoord}
            ),
            standaardveld=veld,
        )

    @post("/beperken", name="contactpunt-inzage-beperken")
    async def inzage_beperken(
        self,
        data: Annotated[Beperking, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """The source withholds one of its items from inzage, on a legal ground, until review."""
        db, actor = scherm.db, scherm.actor
        waarden = waarden_van(data)
        # Errors name the fields of the consultation the form belongs to (ids carry its id).
        try:
            taak = str(uuid.UUID(waarden["taak"]))
        except ValueError:
            taak = ""
        waarden["taak"] = taak

        async def actie() -> Redirect:
            fouten: dict[str, str] = {}
            soort, _, raw_id = waarden["item"].partition(":")
            try:
                item_id = uuid.UUID(raw_id)
            except ValueError:
                fouten["item"] = "Kies het gegeven."
            if waarden["grond"] not in BEPERKING_GRONDEN:
                fouten["grond"] = "Kies een wettelijke grond om inzage te beperken."
            # Dates as people type them, with a slash too (lees_datum), as this form always took.
            herzien_op = lees_datum(waarden["herzien_op"])
            if herzien_op is None:
                fouten["herzien"] = "Vul de datum van herbeoordeling in, bijvoorbeeld 17-03-2027."
            if fouten or herzien_op is None:
                raise RegelFouten(fouten)
            try:
                async with db.begin():
                    await beperk_inzage(
                        db,
                        actor,
                        item_soort=soort,
                        item_id=item_id,
                        grond=waarden["grond"],
                        herzien_op=herzien_op,
                        toelichting=waarden["toelichting"],
                    )
            except VerzoekRegelFout as exc:
                # The rule's own refusal sits at the item it names, else at the review date.
                raise RegelFouten(
                    {"item" if exc.field == "item" else "herzien": exc.message}
                ) from exc
            return Redirect(RAADPLEGINGEN, status_code=303)

        return await of_opnieuw(
            actie,
            lambda fouten: _raadplegingen(
                db, actor, fouten={f"{k}-{taak}": v for k, v in fouten.items()}, waarden=waarden
            ),
            standaardveld="herzien",
        )


raadpleging_handlers: list[Any] = [RaadplegingController]
