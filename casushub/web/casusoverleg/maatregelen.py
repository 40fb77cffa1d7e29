"""A national measure of the Minister of JenV, announced to the casusoverleg before it is taken.

The JenV participant announces it from the casus's section "Maatregelen van de minister"; the
gemeente (regie) sees the count in its werkruimte, opens the list of measures waiting for its
decision and decides on the measure's own page (take it into the plan van aanpak, or take
note), with a reason and with nothing chosen beforehand (casushub.tenants.maatregelen).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.identity.roles import Role
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import RegelFout, RegelFouten, alle_fouten
from casushub.tenants.casus.services import lees_casus
from casushub.tenants.maatregelen.rules import BESLUITEN, is_jenv, vereis_jenv
from casushub.tenants.maatregelen.services import (
    besluit_over,
    kondig_aan,
    lees_maatregel,
    maatregelen_van_casus,
    open_maatregelen,
)
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.casuspagina import sectie
from casushub.web.casusoverleg.deps import DEPS, datum
from casushub.web.casusoverleg.inbrengen import samenvatting
from casushub.web.casusoverleg.namen import organisatienamen
from casushub.web.meldingen import meld

__all__ = ["maatregel_handlers"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
WERKERS = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT)
OPEN_LIJST = "/casusoverleg/maatregelen"  # also the werkruimte block's link
BESLUITEN_OPTIES = [(str(k), v) for k, v in BESLUITEN.items()]
KEUZEVELDEN = {"besluit": f"besluit-{BESLUITEN_OPTIES[0][0]}"}


def _sectie_pad(casus_id: uuid.UUID) -> str:
    return f"/casusoverleg/casussen/{casus_id}/maatregelen"


@get(
    "/casusoverleg/casussen/{casus_id:uuid}/maatregelen",
    name="casus-maatregelen",
    opt=roles(*WERKERS),
    dependencies=DEPS,
)
async def casus_maatregelen(
    casus_id: FromPath[uuid.UUID],
    request: Request[Any, Any, Any],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    async with db.begin():
        lijst = await maatregelen_van_casus(db, actor, casus_id)
        fragment = Template(
            "casusoverleg/_maatregelen.html",
            context={
                "maatregelen": lijst,
                "casus_id": casus_id,
                "jenv": is_jenv(actor),
                "beslisser": actor.role == Role.GEMEENTE_REGIE,
                "besluiten": BESLUITEN,
                "namen": await organisatienamen(state.engine, {m.organisatie_id for m in lijst}),
            },
        )
        return await sectie(request, state, db, actor, casus_id, "maatregelen", fragment)


async def _aankondiging(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    waarden: dict[str, str],
    fouten: dict[str, str],
    status_code: int = 200,
) -> Template:
    vereis_jenv(actor)
    casus = await lees_casus(db, actor, casus_id, doel="maatregel minister aankondigen")
    return Template(
        "casusoverleg/maatregel_aankondigen.html",
        context={"casus": casus, "waarden": waarden, "fouten": fouten},
        status_code=status_code,
    )


@get(
    "/casusoverleg/casussen/{casus_id:uuid}/maatregelen/nieuw",
    name="maatregel-aankondigen-formulier",
    opt=roles(Role.PARTICIPANT),
    dependencies=DEPS,
)
async def aankondigen_formulier(
    casus_id: FromPath[uuid.UUID],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    async with db.begin():
        return await _aankondiging(db, actor, casus_id, {}, {})


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/maatregelen/nieuw",
    name="maatregel-aankondigen",
    opt=roles(Role.PARTICIPANT),
    dependencies=DEPS,
)
async def aankondigen(
    casus_id: FromPath[uuid.UUID],
    data: Form,
    request: Request[Any, Any, Any],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    waarden = {k: str(data.get(k, "")) for k in ("omschrijving", "bevoegdheid", "voorgenomen_op")}
    try:
        try:
            voorgenomen_op = datum(waarden["voorgenomen_op"])
        except ValueError:
            raise RegelFouten(
                {"voorgenomen_op": "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-03-2027."}
            ) from None
        async with db.begin():
            await kondig_aan(
                db,
                actor,
                casus_id,
                omschrijving=waarden["omschrijving"],
                bevoegdheid=waarden["bevoegdheid"],
                voorgenomen_op=voorgenomen_op,
            )
    except RegelFout as fout:
        fouten = {(k or "omschrijving"): v for k, v in alle_fouten(fout).items()}
        async with db.begin():
            return await _aankondiging(db, actor, casus_id, waarden, fouten, 422)
    meld(
        request,
        "Maatregel aangekondigd. De gemeente ziet hem in haar werkruimte en besluit hoe hij in "
        "het plan van aanpak past.",
    )
    return Redirect(_sectie_pad(casus_id), status_code=303)


@get(OPEN_LIJST, name="maatregelen-open", opt=roles(Role.GEMEENTE_REGIE), dependencies=DEPS)
async def open_lijst(
    state: State, db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> Template:
    async with db.begin():
        lijst = await open_maatregelen(db, actor)
    return Template(
        "casusoverleg/maatregelen.html",
        context={
            "lijst": lijst,
            "namen": await organisatienamen(
                state.engine, {o.maatregel.organisatie_id for o in lijst}
            ),
        },
    )


async def _besluitpagina(
    state: State,
    db: AsyncSession,
    actor: Actor,
    maatregel_id: uuid.UUID,
    waarden: dict[str, str],
    fouten: dict[str, str],
    status_code: int = 200,
) -> Template:
    maatregel, naam = await lees_maatregel(db, actor, maatregel_id)
    return Template(
        "casusoverleg/maatregel_besluit.html",
        context={
            "maatregel": maatregel,
            "naam": naam,
            "orgnaam": (await organisatienamen(state.engine, {maatregel.organisatie_id})).get(
                str(maatregel.organisatie_id), "de minister van Justitie en Veiligheid"
            ),
            "besluiten": BESLUITEN_OPTIES,
            "besluit_labels": BESLUITEN,
            "waarden": waarden,
            "fouten": fouten,
            "samenvatting": samenvatting(fouten, KEUZEVELDEN),
        },
        status_code=status_code,
    )


@get(
    "/casusoverleg/maatregelen/{maatregel_id:uuid}/besluit",
    name="maatregel-besluit-formulier",
    opt=roles(Role.GEMEENTE_REGIE),
    dependencies=DEPS,
)
async def besluit_formulier(
    maatregel_id: FromPath[uuid.UUID],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    async with db.begin():
        return await _besluitpagina(state, db, actor, maatregel_id, {}, {})


@post(
    "/casusoverleg/maatregelen/{maatregel_id:uuid}/besluit",
    name="maatregel-besluit",
    opt=roles(Role.GEMEENTE_REGIE),
    dependencies=DEPS,
)
async def besluit(
    maatregel_id: FromPath[uuid.UUID],
    data: Form,
    request: Request[Any, Any, Any],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    waarden = {k: str(data.get(k, "")) for k in ("besluit", "reden")}
    try:
        async with db.begin():
            maatregel = await besluit_over(
                db, actor, maatregel_id, besluit=waarden["besluit"], reden=waarden["reden"]
            )
            casus_id, opgenomen = maatregel.casus_id, maatregel.interventie_id is not None
    except RegelFout as fout:
        # A refusal from the plan's own rules (e.g. JenV no longer takes part) sits at the choice.
        fouten = {
            (k if k in {"besluit", "reden"} else "besluit"): v for k, v in alle_fouten(fout).items()
        }
        async with db.begin():
            return await _besluitpagina(state, db, actor, maatregel_id, waarden, fouten, 422)
    meld(
        request,
        "Besluit vastgelegd: de maatregel staat nu als interventie van de minister in het plan "
        "van aanpak."
        if opgenomen
        else "Besluit vastgelegd: de gemeente heeft kennisgenomen van de maatregel; hij staat "
        "niet in het plan van aanpak.",
    )
    return Redirect(_sectie_pad(casus_id), status_code=303)


maatregel_handlers = [
    casus_maatregelen,
    aankondigen_formulier,
    aankondigen,
    open_lijst,
    besluit_formulier,
    besluit,
]
