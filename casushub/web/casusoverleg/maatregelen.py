"""A national measure of the Minister of JenV, announced to the casusoverleg before it is taken.

The JenV participant announces it from the casus's section "Maatregelen van de minister"; the
gemeente (regie) sees the count in its werkruimte, opens the list of measures waiting for its
decision and decides on the measure's own page (take it into the plan van aanpak, or take
note), with a reason and with nothing chosen beforehand (casushub.tenants.maatregelen).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.identity.roles import Role
from casushub.tenants.actor import Actor
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
from casushub.web.casusoverleg.deps import CasusoverlegBasis
from casushub.web.casusoverleg.inbrengen import samenvatting
from casushub.web.casusoverleg.namen import organisatienamen
from casushub.web.casusoverleg.rollen import WERKERS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, datumveld, of_opnieuw

__all__ = ["MaatregelController"]

OPEN_LIJST = "/casusoverleg/maatregelen"  # also the werkruimte block's link
BESLUITEN_OPTIES = [(str(k), v) for k, v in BESLUITEN.items()]
KEUZEVELDEN = {"besluit": f"besluit-{BESLUITEN_OPTIES[0][0]}"}


@dataclass
class Aankondiging(Formulier):
    omschrijving: str = ""
    bevoegdheid: str = ""
    voorgenomen_op: str = ""


@dataclass
class Besluit(Formulier):
    besluit: str = ""
    reden: str = ""


def _sectie_pad(casus_id: uuid.UUID) -> str:
    return f"/casusoverleg/casussen/{casus_id}/maatregelen"


async def _aankondiging(
    scherm: Scherm, casus_id: uuid.UUID, waarden: dict[str, str], fouten: dict[str, str]
) -> Template:
    async with scherm.db.begin():
        vereis_jenv(scherm.actor)
        casus = await lees_casus(
            scherm.db, scherm.actor, casus_id, doel="maatregel minister aankondigen"
        )
    return Template(
        "casusoverleg/maatregel_aankondigen.html",
        context={"casus": casus, "waarden": waarden, "fouten": fouten},
    )


async def _besluitpagina(
    scherm: Scherm, maatregel_id: uuid.UUID, waarden: dict[str, str], fouten: dict[str, str]
) -> Template:
    async with scherm.db.begin():
        maatregel, naam = await lees_maatregel(scherm.db, scherm.actor, maatregel_id)
    orgnamen = await organisatienamen(scherm.state.engine, {maatregel.organisatie_id})
    return Template(
        "casusoverleg/maatregel_besluit.html",
        context={
            "maatregel": maatregel,
            "naam": naam,
            "orgnaam": orgnamen.get(
                str(maatregel.organisatie_id), "de minister van Justitie en Veiligheid"
            ),
            "besluiten": BESLUITEN_OPTIES,
            "besluit_labels": BESLUITEN,
            "waarden": waarden,
            "fouten": fouten,
            "samenvatting": samenvatting(fouten, KEUZEVELDEN),
        },
    )


class MaatregelController(CasusoverlegBasis):
    opt = roles(*WERKERS)

    @get("/casussen/{casus_id:uuid}/maatregelen", name="casus-maatregelen")
    async def casus_maatregelen(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        db, actor = scherm.db, scherm.actor
        async with db.begin():
            lijst = await maatregelen_van_casus(db, actor, casus_id)
            kop = await scherm.kop(casus_id)
        fragment = Template(
            "casusoverleg/_maatregelen.html",
            context={
                "maatregelen": lijst,
                "casus_id": casus_id,
                "jenv": is_jenv(actor),
                "beslisser": actor.role == Role.GEMEENTE_REGIE,
                "besluiten": BESLUITEN,
                "namen": await organisatienamen(
                    scherm.state.engine, {m.organisatie_id for m in lijst}
                ),
            },
        )
        return await scherm.sectie(casus_id, "maatregelen", fragment, kop)

    @get(
        "/casussen/{casus_id:uuid}/maatregelen/nieuw",
        name="maatregel-aankondigen-formulier",
        opt=roles(Role.PARTICIPANT),
    )
    async def aankondigen_formulier(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _aankondiging(scherm, casus_id, {}, {})

    @post(
        "/casussen/{casus_id:uuid}/maatregelen/nieuw",
        name="maatregel-aankondigen",
        opt=roles(Role.PARTICIPANT),
    )
    async def aankondigen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Aankondiging, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        async def actie() -> Redirect:
            voorgenomen_op = datumveld(
                data.voorgenomen_op,
                "voorgenomen_op",
                "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-03-2027.",
            )
            async with scherm.db.begin():
                await kondig_aan(
                    scherm.db,
                    scherm.actor,
                    casus_id,
                    omschrijving=data.omschrijving,
                    bevoegdheid=data.bevoegdheid,
                    voorgenomen_op=voorgenomen_op,
                )
            return scherm.terug(
                _sectie_pad(casus_id),
                "Maatregel aangekondigd. De gemeente ziet hem in haar werkruimte en besluit hoe "
                "hij in het plan van aanpak past.",
            )

        return await of_opnieuw(
            actie,
            lambda fouten: _aankondiging(scherm, casus_id, data.waarden(), fouten),
            standaardveld="omschrijving",
        )

    @get(
        OPEN_LIJST.removeprefix("/casusoverleg"),
        name="maatregelen-open",
        opt=roles(Role.GEMEENTE_REGIE),
    )
    async def open_lijst(
        self, state: State, db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
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

    @get(
        "/maatregelen/{maatregel_id:uuid}/besluit",
        name="maatregel-besluit-formulier",
        opt=roles(Role.GEMEENTE_REGIE),
    )
    async def besluit_formulier(
        self, maatregel_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _besluitpagina(scherm, maatregel_id, {}, {})

    @post(
        "/maatregelen/{maatregel_id:uuid}/besluit",
        name="maatregel-besluit",
        opt=roles(Role.GEMEENTE_REGIE),
    )
    async def besluit(
        self,
        maatregel_id: FromPath[uuid.UUID],
        data: Annotated[Besluit, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        async def actie() -> Redirect:
            async with scherm.db.begin():
                maatregel = await besluit_over(
                    scherm.db, scherm.actor, maatregel_id, besluit=data.besluit, reden=data.reden
                )
            return scherm.terug(
                _sectie_pad(maatregel.casus_id),
                "Besluit vastgelegd: de maatregel staat nu als interventie van de minister in "
                "het plan van aanpak."
                if maatregel.interventie_id is not None
                else "Besluit vastgelegd: de gemeente heeft kennisgenomen van de maatregel; hij "
                "staat niet in het plan van aanpak.",
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            # A refusal from the plan's own rules (e.g. JenV no longer takes part) sits at the
            # choice.
            fouten = {(k if k in {"besluit", "reden"} else "besluit"): v for k, v in fouten.items()}
            return await _besluitpagina(scherm, maatregel_id, data.waarden(), fouten)

        return await of_opnieuw(actie, opnieuw, standaardveld="besluit")
