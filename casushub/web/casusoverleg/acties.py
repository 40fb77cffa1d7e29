"""The legal and destructive actions on a casus, each on its own page that says what will
happen before it happens: the necessity review (herbeoordeling), a move (verhuizing),
closure (afsluiten, with the destruction date it sets) and reopening (heropenen).

A refused rule re-renders the page with every error in the summary and the input kept (422);
success goes back to the casus page with a confirmation (PRG, so a reload posts nothing).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.identity.roles import Role
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import RegelFout, RegelFouten, alle_fouten
from casushub.tenants.casus.rules import add_months
from casushub.tenants.casus.services import CasusRegel, lees_casus, registreer_herbeoordeling
from casushub.tenants.instellingen.services import lees_instellingen
from casushub.tenants.weging.rules import CRITERIA, Beoordeling, criteriafouten
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS, datum
from casushub.web.casusoverleg.weging import KEUZE_BEOORDELING
from casushub.web.casusoverleg.weigeringen import als_http
from casushub.web.meldingen import meld

__all__ = ["actie_handlers"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
REGIE = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)


def _vandaag() -> str:
    return date.today().strftime("%d-%m-%Y")


def casus_url(casus_id: uuid.UUID, sectie: str = "") -> str:
    return f"/casusoverleg/casussen/{casus_id}" + (f"/{sectie}" if sectie else "")


# --- herbeoordeling ------------------------------------------------------------------------


def _h_veld(naam: str) -> str:
    """The control a review rule's field belongs to (the summary links there)."""
    if naam.startswith("criteria."):
        deel = naam.split(".")
        return f"h_{deel[1]}_{'toelichting' if len(deel) > 2 else 'beoordeling'}"
    return {"redenering": "h_redenering"}.get(naam, "herbeoordeling_datum")


async def _herbeoordeling_pagina(
    db: AsyncSession,
    actor: Actor,
    casus: CasusRegel,
    waarden: dict[str, str],
    fouten: dict[str, str],
    status_code: int = 200,
) -> Template:
    instelling = await lees_instellingen(db)
    try:
        op = datum(waarden.get("herbeoordeling_datum", "")) or date.today()
    except ValueError:
        op = date.today()
    return Template(
        "casusoverleg/herbeoordeling.html",
        context={
            "casus": casus,
            "waarden": waarden,
            "fouten": fouten,
            "criteria": CRITERIA,
            "beoordelingen": KEUZE_BEOORDELING,
            "interval": instelling.review_interval_maanden,
            "volgende": add_months(op, instelling.review_interval_maanden),
        },
        status_code=status_code,
    )


@get(
    "/casusoverleg/casussen/{casus_id:uuid}/herbeoordeling",
    name="casus-herbeoordeling-formulier",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def herbeoordeling_formulier(
    casus_id: FromPath[uuid.UUID], db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> Template:
    async with als_http(), db.begin():
        casus = await lees_casus(db, actor, casus_id, doel="herbeoordeling")
        return await _herbeoordeling_pagina(
            db, actor, casus, {"herbeoordeling_datum": _vandaag()}, {}
        )


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/herbeoordeling",
    name="casus-herbeoordeling",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def herbeoordeling_opslaan(
    casus_id: FromPath[uuid.UUID],
    data: Form,
    request: Request[Any, Any, Any],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    """The periodic necessity review against the five criteria (moves the next review)."""
    waarden = {k: str(v) for k, v in data.items() if k != "_csrf_token"}
    criteria = {
        key: Beoordeling(
            waarden.get(f"h_{key}_beoordeling", ""), waarden.get(f"h_{key}_toelichting", "")
        )
        for key in CRITERIA
        if waarden.get(f"h_{key}_beoordeling") or waarden.get(f"h_{key}_toelichting")
    }
    fouten: dict[str, str] = {}
    try:
        op = datum(waarden.get("herbeoordeling_datum", ""))
        if op is None:
            fouten["datum"] = "Vul de datum van de herbeoordeling in."
    except ValueError:
        op = None
        fouten["datum"] = "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 05-03-2026."
    try:
        if fouten or op is None:
            fouten.update(criteriafouten(criteria))
            if not waarden.get("h_redenering", "").strip():
                fouten["redenering"] = "Leg de afweging vast (redenering)."
            raise RegelFouten(fouten)
        async with als_http(), db.begin():
            await registreer_herbeoordeling(
                db,
                actor,
                casus_id,
                datum=op,
                criteria=criteria,
                redenering=waarden.get("h_redenering", ""),
            )
    except RegelFout as fout:
        gemeld = {_h_veld(k): v for k, v in alle_fouten(fout).items()}
        async with als_http(), db.begin():
            casus = await lees_casus(db, actor, casus_id, doel="herbeoordeling")
            return await _herbeoordeling_pagina(db, actor, casus, waarden, gemeld, 422)
    meld(request, "Herbeoordeling vastgelegd. De volgende noodzaaktoets is verschoven.")
    return Redirect(casus_url(casus_id), status_code=303)


actie_handlers = [herbeoordeling_formulier, herbeoordeling_opslaan]
