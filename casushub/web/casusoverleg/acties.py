"""The legal and destructive actions on a casus, each on its own page that says what will
happen before it happens: the necessity review (herbeoordeling), a move (verhuizing),
closure (afsluiten, with the destruction date it sets) and reopening (heropenen).

A refused rule re-renders the page with every error in the summary and the input kept (422);
success goes back to the casus page with a confirmation (PRG, so a reload posts nothing).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from casushub.crosstenant.overdracht import meld_overdracht
from casushub.platform import klok
from casushub.tenants.bewaartermijnen.rules import destroy_on
from casushub.tenants.bewaartermijnen.services import bewaarparameters
from casushub.tenants.casus.errors import RegelFout, RegelFouten
from casushub.tenants.casus.rules import add_months
from casushub.tenants.casus.services import (
    heropen,
    lees_casus,
    registreer_herbeoordeling,
    sluit_af,
    verhuis,
)
from casushub.tenants.instellingen.services import lees_instellingen
from casushub.tenants.weging.rules import CRITERIA, Beoordeling, criteriafouten
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import CasusoverlegBasis, datum, datum_in
from casushub.web.casusoverleg.namen import ANDERE_GEMEENTE, gekozen_gemeentecode, gemeenten
from casushub.web.casusoverleg.rollen import REGIE
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.casusoverleg.weging import KEUZE_BEOORDELING
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw

__all__ = ["ActieController"]


@dataclass
class Herbeoordeling(Formulier):
    herbeoordeling_datum: str = ""
    h_geweld_beoordeling: str = ""
    h_geweld_toelichting: str = ""
    h_denkbeelden_beoordeling: str = ""
    h_denkbeelden_toelichting: str = ""
    h_sociale_relaties_beoordeling: str = ""
    h_sociale_relaties_toelichting: str = ""
    h_identificatie_beoordeling: str = ""
    h_identificatie_toelichting: str = ""
    h_zelfredzaamheid_beoordeling: str = ""
    h_zelfredzaamheid_toelichting: str = ""
    h_redenering: str = ""

    def criteria(self) -> dict[str, Beoordeling]:
        """Each criterion that was assessed or noted (a note alone is refused, not dropped)."""
        waarden = self.waarden()
        return {
            key: Beoordeling(
                waarden.get(f"h_{key}_beoordeling", ""), waarden.get(f"h_{key}_toelichting", "")
            )
            for key in CRITERIA
            if waarden.get(f"h_{key}_beoordeling") or waarden.get(f"h_{key}_toelichting")
        }


@dataclass
class Verhuizing(Formulier):
    naar_gemeente: str = ""
    andere_gemeentecode: str = ""
    verhuis_datum: str = ""


@dataclass
class Afsluiting(Formulier):
    afsluit_reden: str = ""
    afsluit_datum: str = ""


def _vandaag() -> str:
    return klok.vandaag().strftime("%d-%m-%Y")


def _dag_of_vandaag(waarde: str) -> date:
    """The day typed in, or today while it is empty or not yet a date (the page's preview)."""
    try:
        return datum(waarde) or klok.vandaag()
    except ValueError:
        return klok.vandaag()


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
    scherm: Scherm, casus_id: uuid.UUID, waarden: dict[str, str], fouten: dict[str, str]
) -> Template:
    """The page with the casus (a logged read) and the review interval, in one transaction."""
    db = scherm.db
    async with db.begin():
        casus = await lees_casus(db, scherm.actor, casus_id, doel="herbeoordeling")
        instelling = await lees_instellingen(db)
    op = _dag_of_vandaag(waarden.get("herbeoordeling_datum", ""))
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
    )


# --- verhuizing ------------------------------------------------------------------------------


async def _verhuizing_pagina(
    scherm: Scherm, casus_id: uuid.UUID, waarden: dict[str, str], fouten: dict[str, str]
) -> Template:
    """The casus in a transaction of its own, the municipalities (platform) after it."""
    async with scherm.db.begin():
        casus = await lees_casus(scherm.db, scherm.actor, casus_id, doel="verhuizing")
    namen = await gemeenten(scherm.state.engine)
    return Template(
        "casusoverleg/verhuizing.html",
        context={
            "casus": casus,
            "huidige_gemeente": namen.naam(casus.gemeente_van_verblijf),
            "gemeenten": namen.opties(zonder=casus.gemeente_van_verblijf),
            "waarden": waarden,
            "fouten": fouten,
        },
    )


# --- afsluiten en heropenen -------------------------------------------------------------------


async def _afsluiten_pagina(
    scherm: Scherm, casus_id: uuid.UUID, waarden: dict[str, str], fouten: dict[str, str]
) -> Template:
    db = scherm.db
    async with db.begin():
        casus = await lees_casus(db, scherm.actor, casus_id, doel="afsluiten")
        parameters = await bewaarparameters(db)
    op = _dag_of_vandaag(waarden.get("afsluit_datum", ""))
    return Template(
        "casusoverleg/afsluiten.html",
        context={
            "casus": casus,
            "waarden": waarden,
            "fouten": fouten,
            "afsluitdatum": op,
            "vernietigen_op": destroy_on("casus", None, op, parameters),
        },
    )


async def _heropenen_pagina(
    scherm: Scherm, casus_id: uuid.UUID, fout: str | None = None, status_code: int = 200
) -> Template:
    db = scherm.db
    async with db.begin():
        casus = await lees_casus(db, scherm.actor, casus_id, doel="heropenen")
        instelling = await lees_instellingen(db)
    return Template(
        "casusoverleg/heropenen.html",
        context={
            "casus": casus,
            "termijn": instelling.heropen_termijn_dagen,
            "fouten": {"heropenen": fout} if fout else {},
        },
        status_code=status_code,
    )


class ActieController(CasusoverlegBasis):
    opt = roles(*REGIE)

    @get("/casussen/{casus_id:uuid}/herbeoordeling", name="casus-herbeoordeling-formulier")
    async def herbeoordeling_formulier(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _herbeoordeling_pagina(
            scherm, casus_id, {"herbeoordeling_datum": _vandaag()}, {}
        )

    @post("/casussen/{casus_id:uuid}/herbeoordeling", name="casus-herbeoordeling")
    async def herbeoordeling_opslaan(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Herbeoordeling, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """The periodic necessity review against the five criteria (moves the next review)."""
        criteria = data.criteria()

        async def actie() -> Redirect:
            fouten: dict[str, str] = {}
            op = datum_in(
                data.herbeoordeling_datum,
                "datum",
                fouten,
                verplicht="Vul de datum van de herbeoordeling in.",
            )
            if fouten or op is None:
                fouten.update(criteriafouten(criteria))
                if not data.h_redenering.strip():
                    fouten["redenering"] = "Leg de afweging vast (redenering)."
                raise RegelFouten(fouten)
            async with scherm.db.begin():
                await registreer_herbeoordeling(
                    scherm.db,
                    scherm.actor,
                    casus_id,
                    datum=op,
                    criteria=criteria,
                    redenering=data.h_redenering,
                )
            return scherm.terug(
                casus_url(casus_id),
                "Herbeoordeling vastgelegd. De volgende noodzaaktoets is verschoven.",
            )

        return await of_opnieuw(
            actie,
            lambda fouten: _herbeoordeling_pagina(
                scherm, casus_id, data.waarden(), {_h_veld(k): v for k, v in fouten.items()}
            ),
            standaardveld="datum",
        )

    @get("/casussen/{casus_id:uuid}/verhuizing", name="casus-verhuizing-formulier")
    async def verhuizing_formulier(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _verhuizing_pagina(scherm, casus_id, {"verhuis_datum": _vandaag()}, {})

    @post("/casussen/{casus_id:uuid}/verhuizing", name="casus-verhuizing")
    async def verhuizing_opslaan(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Verhuizing, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """Rule 10: the gemeente van verblijf changes, the contactpunt with it; a hand-over task."""
        waarden = data.waarden()
        anders = data.naar_gemeente == ANDERE_GEMEENTE
        code = gekozen_gemeentecode(data.naar_gemeente, data.andere_gemeentecode)
        state = scherm.state

        async def actie() -> Redirect:
            fouten: dict[str, str] = {}
            if not code:
                fouten["naar_gemeente"] = "Kies de nieuwe gemeente van verblijf."
            elif anders and not (len(code) == 4 and code.isdigit()):
                fouten["andere_gemeentecode"] = (
                    "Vul de CBS-code van de andere gemeente in: vier cijfers, bijvoorbeeld 0363."
                )
            op = datum_in(
                data.verhuis_datum,
                "verhuis_datum",
                fouten,
                verplicht="Vul de datum van de verhuizing in.",
            )
            if fouten or op is None:
                raise RegelFouten(fouten)
            async with scherm.db.begin():
                taak = await verhuis(
                    scherm.db, scherm.actor, casus_id, naar_gemeente=code, datum=op
                )
            # The new municipality sees the task when it is on the hub (a platform-level notice).
            naar = await meld_overdracht(
                state.engine, state.settings, scherm.actor, van=scherm.tenant, taak_id=taak.id
            )
            nieuwe = (await gemeenten(state.engine)).naam(code)
            return scherm.terug(
                casus_url(casus_id),
                f"Verhuizing vastgelegd: de gemeente van verblijf is nu {nieuwe}. "
                + (
                    "De nieuwe gemeente ziet de overdrachtstaak op haar overzicht."
                    if naar is not None
                    else "De nieuwe gemeente werkt niet op deze hub: draag de casus buiten het "
                    "platform over."
                ),
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            gemeld = {(k if k in waarden else "naar_gemeente"): v for k, v in fouten.items()}
            if anders and "naar_gemeente" in gemeld:
                gemeld["andere_gemeentecode"] = gemeld.pop("naar_gemeente")
            return await _verhuizing_pagina(scherm, casus_id, waarden, gemeld)

        return await of_opnieuw(actie, opnieuw, standaardveld="naar_gemeente")

    @get("/casussen/{casus_id:uuid}/afsluiten", name="casus-afsluiten-formulier")
    async def afsluiten_formulier(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _afsluiten_pagina(scherm, casus_id, {"afsluit_datum": _vandaag()}, {})

    @post("/casussen/{casus_id:uuid}/afsluiten", name="casus-afsluiten")
    async def afsluiten_opslaan(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Afsluiting, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        waarden = data.waarden()

        async def actie() -> Redirect:
            fouten: dict[str, str] = {}
            if not data.afsluit_reden.strip():
                fouten["afsluit_reden"] = "Geef de reden van afsluiting."
            op = datum_in(
                data.afsluit_datum,
                "afsluit_datum",
                fouten,
                verplicht="Geef de datum van afsluiting.",
            )
            if fouten:
                raise RegelFouten(fouten)
            async with scherm.db.begin():
                casus = await sluit_af(
                    scherm.db, scherm.actor, casus_id, reden=data.afsluit_reden, datum=op
                )
                vernietigen = casus.destroy_on
            return scherm.terug(
                casus_url(casus_id),
                "Casus afgesloten."
                + (
                    f" De gegevens worden vernietigd op {vernietigen:%d-%m-%Y}."
                    if vernietigen
                    else ""
                ),
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            veld = {"reden": "afsluit_reden", "datum": "afsluit_datum"}
            gemeld = {
                veld.get(k, k if k in waarden else "afsluit_reden"): v for k, v in fouten.items()
            }
            return await _afsluiten_pagina(scherm, casus_id, waarden, gemeld)

        return await of_opnieuw(actie, opnieuw, standaardveld="afsluit_reden")

    @get("/casussen/{casus_id:uuid}/heropenen", name="casus-heropenen-formulier")
    async def heropenen_formulier(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _heropenen_pagina(scherm, casus_id)

    @post("/casussen/{casus_id:uuid}/heropenen", name="casus-heropenen")
    async def heropenen_opslaan(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template | Redirect:
        try:
            async with scherm.db.begin():
                casus = await heropen(scherm.db, scherm.actor, casus_id)
        except RegelFout as fout:
            return await _heropenen_pagina(scherm, casus_id, fout.message, 422)
        return scherm.terug(
            casus_url(casus_id),
            f"Casus heropend met status '{casus.status}'. De vernietigingsdatum is vervallen.",
        )
