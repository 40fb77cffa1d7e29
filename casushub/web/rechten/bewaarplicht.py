"""The casus page's rights section and the legal-hold screen of a casus.

A legal hold (juridische blokkade) suspends destruction for an objection, a complaint at the
Autoriteit Persoonsgegevens or a court case, on one casus or on everything about its person.
Setting and lifting each take a ground and a reason; both are logged by the service. After a
change the screen is shown again (post/redirect/get) with a fixed confirmation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.crosstenant.overdracht import overdrachten
from casushub.platform import klok
from casushub.platform.identity.roles import Role
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Blokkadegrond
from casushub.tenants.bewaartermijnen.overzicht import (
    beperkbare_items,
    bewaarplicht,
    verhuisgeschiedenis,
)
from casushub.tenants.bewaartermijnen.services import (
    GRONDEN,
    hef_blokkade_op,
    lees_blokkade,
    stel_blokkade_in,
)
from casushub.tenants.casus.errors import NietGevonden, RegelFout, RegelFouten
from casushub.tenants.casus.toegang import is_regie
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, formulierscherm, of_opnieuw
from casushub.web.rechten.invoer import reden_verplicht

__all__ = ["bewaarplicht_handlers"]

WERKERS = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT)
REGIE = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)
REIKWIJDTE = [
    ("", "Kies waarop de blokkade ligt"),
    ("casus", "Alleen deze casus"),
    ("persoon", "Alles over deze persoon (ook andere casussen en signalen)"),
]
GRONDKEUZE = [("", "Kies een grond"), *((g.value, GRONDEN[g.value]) for g in Blokkadegrond)]


@dataclass
class Blokkade(Formulier):
    reikwijdte: str = ""
    grond: str = ""
    reden: str = ""


@dataclass
class Opheffing(Formulier):
    reden_opheffing: str = ""


MELDINGEN = {
    "ingesteld": "De juridische blokkade is ingesteld. Zolang die geldt, wordt niets vernietigd.",
    "opgeheven": "De blokkade is opgeheven. De vernietiging volgt weer de bewaartermijn.",
}
_MAX_REDEN = 2000


async def _scherm(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    plicht = await bewaarplicht(db, actor, casus_id)
    return formulierscherm(
        "rechten/bewaarplicht.html",
        {
            "plicht": plicht,
            "reikwijdte": REIKWIJDTE,
            "gronden": GRONDKEUZE,
        },
        waarden=waarden,
        fouten=fouten,
        melding=melding,
        status_code=status_code,
    )


class BewaarplichtController(Controller):
    """The casus's rights section and its legal holds."""

    path = "/casusoverleg/casussen/{casus_id:uuid}"
    opt = roles(*REGIE)
    dependencies = DEPS

    @get("/rechten", name="casus-rechten", opt=roles(*WERKERS))
    async def casus_rechten(
        self,
        casus_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        """The casus page's section: holds, items that may be withheld, moves and hand-overs."""
        db, actor = scherm.db, scherm.actor
        async with db.begin():
            plicht = await bewaarplicht(db, actor, casus_id)
            items = await beperkbare_items(db, actor, casus_id, vandaag=klok.vandaag())
            verhuizingen = await verhuisgeschiedenis(db, actor, casus_id)
        gemeld = {}
        if verhuizingen:
            # The hand-over notices of these moves: to whom, and which requests followed. A
            # platform read, after the tenant's transaction (casushub.platform.een_verbinding).
            async with scherm.state.engine.connect() as conn:
                uit = await overdrachten(conn, scherm.tenant.id, richting="uit")
            gemeld = {o.taak_id: o for o in uit}
        fragment = Template(
            "rechten/_casus.html",
            context={
                "plicht": plicht,
                "items": items,
                "verhuizingen": verhuizingen,
                "gemeld": gemeld,
                "regie": is_regie(actor),
            },
        )
        return await scherm.sectie(casus_id, "rechten", fragment)

    @get("/bewaarplicht", name="casus-bewaarplicht")
    async def bewaarplicht_scherm(
        self,
        casus_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
        gelukt: FromQuery[str | None] = None,
    ) -> Template:
        db, actor = scherm.db, scherm.actor
        async with db.begin():
            return await _scherm(db, actor, casus_id, melding=MELDINGEN.get(gelukt or ""))

    @post("/bewaarplicht", name="casus-bewaarplicht-instellen")
    async def bewaarplicht_instellen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Blokkade, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor
        waarden = {k: v[: _MAX_REDEN + 1] for k, v in data.waarden().items()}

        async def actie() -> Redirect:
            fouten: dict[str, str] = {}
            if waarden["reikwijdte"] not in {"casus", "persoon"}:
                fouten["reikwijdte"] = (
                    "Kies of de blokkade op deze casus of op de hele persoon ligt."
                )
            if waarden["grond"] not in GRONDEN:
                fouten["grond"] = "Kies de grond van de blokkade."
            reden_fout = reden_verplicht(
                waarden["reden"],
                "Geef de reden op, bijvoorbeeld het kenmerk van de zaak of de klacht.",
                _MAX_REDEN,
            )
            if reden_fout:
                fouten["reden"] = reden_fout
            if fouten:
                raise RegelFouten(fouten)
            async with db.begin():
                plicht = await bewaarplicht(db, actor, casus_id)
                await stel_blokkade_in(
                    db,
                    actor,
                    plicht.casus.persoon_id,
                    grond=waarden["grond"],
                    reden=waarden["reden"],
                    casus_id=casus_id if waarden["reikwijdte"] == "casus" else None,
                )
            return Redirect(
                f"/casusoverleg/casussen/{casus_id}/bewaarplicht?gelukt=ingesteld", status_code=303
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            fouten = {(k if k in waarden else "reden"): v for k, v in fouten.items()}
            async with db.begin():
                return await _scherm(db, actor, casus_id, waarden=waarden, fouten=fouten)

        return await of_opnieuw(actie, opnieuw, standaardveld="reden")

    @post("/bewaarplicht/{blokkade_id:uuid}/opheffen", name="casus-bewaarplicht-opheffen")
    async def bewaarplicht_opheffen(
        self,
        casus_id: FromPath[uuid.UUID],
        blokkade_id: FromPath[uuid.UUID],
        data: Annotated[Opheffing, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor
        veld = f"opheffen-{blokkade_id}"
        reden = data.reden_opheffing[: _MAX_REDEN + 1]

        async def actie() -> Redirect:
            async with db.begin():
                plicht = await bewaarplicht(db, actor, casus_id)
                blokkade = await lees_blokkade(db, blokkade_id)
                # Only a hold of this casus or its person is lifted from this casus's screen.
                if (
                    blokkade is None
                    or blokkade.persoon_id != plicht.casus.persoon_id
                    or blokkade.casus_id not in {None, casus_id}
                ):
                    raise NietGevonden("Deze blokkade bestaat niet (meer).")
                reden_fout = reden_verplicht(
                    reden, "Geef de reden van het opheffen op.", _MAX_REDEN
                )
                if reden_fout:
                    raise RegelFout(reden_fout, "reden")
                await hef_blokkade_op(db, actor, blokkade_id, reden=reden)
            return Redirect(
                f"/casusoverleg/casussen/{casus_id}/bewaarplicht?gelukt=opgeheven", status_code=303
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            # Each hold has its own form: the message sits at its reason.
            async with db.begin():
                return await _scherm(
                    db,
                    actor,
                    casus_id,
                    waarden={veld: reden},
                    fouten={veld: " ".join(fouten.values())},
                )

        return await of_opnieuw(actie, opnieuw, standaardveld=veld)


bewaarplicht_handlers: list[Any] = [BewaarplichtController]
