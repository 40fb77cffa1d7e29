"""A participant's consultations by the contactpunt: answer whether it holds data on the
person, and withhold one of its own items from inzage on a legal ground.

Each view shows whom a request is about: a logged read of personal data.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import bronnen
from casushub.tenants.verzoeken.beperkingen import beperk_inzage
from casushub.tenants.verzoeken.consultaties import beantwoord_consultatie, open_consultaties
from casushub.tenants.verzoeken.rules import BEPERKING_GRONDEN, VerzoekRegelFout, VerzoekType
from casushub.tenants.verzoeken.verzoek import DOEL, GEGEVENSGROEP
from casushub.web.auth.guards import roles
from casushub.web.contactpunt.common import (
    DEELNEMERS,
    STAF_DEPS,
    TAKEN,
    FormData,
    datum_nl,
    lees_datum,
    waarden_van,
)

__all__ = ["RAADPLEGINGEN", "raadpleging_handlers"]

RAADPLEGINGEN = f"{TAKEN}/raadplegingen"


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
            await record(
                db,
                actor,
                actie=Actie.READ,
                gegevensgroep=GEGEVENSGROEP,
                doel=DOEL,
                persoon_id=found.persoon_id,
                detail=f"consultatie={taak.id}",
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


@get(
    RAADPLEGINGEN, name="contactpunt-raadplegingen", opt=roles(*DEELNEMERS), dependencies=STAF_DEPS
)
async def raadplegingen(
    db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> Template:
    return await _raadplegingen(db, actor)


@post(
    f"{RAADPLEGINGEN}/{{consultatie_id:uuid}}",
    name="contactpunt-raadpleging-antwoord",
    opt=roles(*DEELNEMERS),
    dependencies=STAF_DEPS,
)
async def raadpleging_beantwoorden(
    consultatie_id: FromPath[uuid.UUID],
    data: FormData,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    antwoord = str(data.get("antwoord", ""))
    veld = f"antwoord-{consultatie_id}"
    try:
        async with db.begin():
            await beantwoord_consultatie(db, actor, consultatie_id, antwoord)
    except VerzoekRegelFout as exc:
        return await _raadplegingen(
            db, actor, fouten={veld: exc.message}, waarden={veld: antwoord}, status_code=422
        )
    return Redirect(RAADPLEGINGEN, status_code=303)


@post(
    f"{RAADPLEGINGEN}/beperken",
    name="contactpunt-inzage-beperken",
    opt=roles(*DEELNEMERS),
    dependencies=STAF_DEPS,
)
async def inzage_beperken(
    data: FormData, db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> Template | Redirect:
    """The source withholds one of its items from inzage, on a legal ground, until review."""
    waarden = waarden_van(data)
    # Errors name the fields of the consultation the form belongs to (ids carry its id).
    try:
        taak = str(uuid.UUID(waarden.get("taak", "")))
    except ValueError:
        taak = ""
    waarden["taak"] = taak
    fouten: dict[str, str] = {}
    soort, _, raw_id = waarden.get("item", "").partition(":")
    try:
        item_id = uuid.UUID(raw_id)
    except ValueError:
        fouten[f"item-{taak}"] = "Kies het gegeven."
    if waarden.get("grond", "") not in BEPERKING_GRONDEN:
        fouten[f"grond-{taak}"] = "Kies een wettelijke grond om inzage te beperken."
    herzien_op = lees_datum(waarden.get("herzien_op", ""))
    if herzien_op is None:
        fouten[f"herzien-{taak}"] = "Vul de datum van herbeoordeling in, bijvoorbeeld 17-03-2027."
    if fouten or herzien_op is None:
        return await _raadplegingen(db, actor, fouten=fouten, waarden=waarden, status_code=422)
    try:
        async with db.begin():
            await beperk_inzage(
                db,
                actor,
                item_soort=soort,
                item_id=item_id,
                grond=waarden.get("grond", ""),
                herzien_op=herzien_op,
                toelichting=waarden.get("toelichting", ""),
            )
    except VerzoekRegelFout as exc:
        veld = "item" if exc.field == "item" else "herzien"
        return await _raadplegingen(
            db, actor, fouten={f"{veld}-{taak}": exc.message}, waarden=waarden, status_code=422
        )
    return Redirect(RAADPLEGINGEN, status_code=303)


raadpleging_handlers: list[Any] = [raadplegingen, raadpleging_beantwoorden, inzage_beperken]
