"""An invited partner brings information into the casus it was invited for (its own page).

Reached from the invitation page's "Informatie inbrengen" link, only when the invitation
allows it; the service (casushub.tenants.uitnodigingen.inbreng) checks the invitation again on
every request. The form asks the kind of data and the ground for sharing with nothing chosen
beforehand, and keeps what was typed when it is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from casushub.platform.identity.roles import Role
from casushub.tenants.casus.deelgronden import DEELGRONDEN
from casushub.tenants.uitnodigingen.inbreng import breng_in, mag_inbrengen, persoonsnaam_van_casus
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import CasusoverlegBasis
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw

__all__ = ["KEUZEVELDEN", "InbrengController", "samenvatting"]

CATEGORIEEN = [
    ("gewoon", "Gewone gegevens"),
    ("bijzonder", "Bijzondere gegevens (zoals gezondheid, religie, politieke opvattingen)"),
    ("strafrechtelijk", "Strafrechtelijke gegevens"),
]
# Radio groups: the error summary links to their first option (a fieldset takes no focus).
KEUZEVELDEN = {
    "categorie": f"categorie-{CATEGORIEEN[0][0]}",
    "deelgrond": f"deelgrond-{next(iter(DEELGRONDEN))}",
}


@dataclass
class Inbreng(Formulier):
    tekst: str = ""
    categorie: str = ""
    deelgrond: str = ""
    deelgrond_toelichting: str = ""
    deelbeperking: str = ""


def samenvatting(fouten: dict[str, str], keuzevelden: dict[str, str]) -> dict[str, str]:
    """The error summary's links: a radio group's message points at its first option."""
    return {keuzevelden.get(k, k): v for k, v in fouten.items()}


async def _pagina(
    scherm: Scherm, uitnodiging_id: uuid.UUID, waarden: dict[str, str], fouten: dict[str, str]
) -> Template:
    db = scherm.db
    async with db.begin():
        uitnodiging = await mag_inbrengen(db, scherm.actor, uitnodiging_id)
        naam = await persoonsnaam_van_casus(db, uitnodiging.casus_id)
    return Template(
        "casusoverleg/inbrengen.html",
        context={
            "uitnodiging_id": uitnodiging.id,
            "naam": naam,
            "categorieen": CATEGORIEEN,
            "deelgronden": list(DEELGRONDEN.items()),
            "waarden": waarden,
            "fouten": fouten,
            "samenvatting": samenvatting(fouten, KEUZEVELDEN),
        },
    )


class InbrengController(CasusoverlegBasis):
    opt = roles(Role.INVITED_PARTY)

    @get("/uitnodigingen/{uitnodiging_id:uuid}/inbrengen", name="uitnodiging-inbrengen-formulier")
    async def inbrengen_formulier(
        self, uitnodiging_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _pagina(scherm, uitnodiging_id, {}, {})

    @post("/uitnodigingen/{uitnodiging_id:uuid}/inbrengen", name="uitnodiging-inbrengen")
    async def inbrengen(
        self,
        uitnodiging_id: FromPath[uuid.UUID],
        data: Annotated[Inbreng, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        async def actie() -> Redirect:
            async with scherm.db.begin():
                item = await breng_in(
                    scherm.db,
                    scherm.actor,
                    uitnodiging_id,
                    tekst=data.tekst,
                    categorie=data.categorie,
                    deelgrond=data.deelgrond,
                    deelgrond_toelichting=data.deelgrond_toelichting,
                    deelbeperking=data.deelbeperking or None,
                )
                categorie = item.categorie
            return scherm.terug(
                f"/casusoverleg/uitnodigingen/{uitnodiging_id}",
                "Informatie ingebracht. Uw organisatie is als bron vastgelegd, met de grond "
                "waarop u deelt."
                + (
                    ""
                    if categorie == "gewoon"
                    else " Omdat het bijzondere of strafrechtelijke gegevens zijn, ziet u ze hier "
                    "niet."
                ),
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            return await _pagina(scherm, uitnodiging_id, data.waarden(), fouten)

        return await of_opnieuw(actie, opnieuw, standaardveld="tekst")
