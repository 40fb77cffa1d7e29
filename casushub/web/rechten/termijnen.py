"""The municipality's retention periods (each change with its reason; placeholder periods
marked as such) and the deletion receipts, for the regie, the procesregisseur and the FG.

Only the municipality's own regie changes a period: the hub's procesregisseur acts for the
municipality but does not set its policy. A changed period applies from then on
(``wijzig_bewaartermijn``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.overzichten import (
    LABELS,
    termijnen,
    vernietigingsbewijzen,
)
from casushub.tenants.bewaartermijnen.rules import MAX_YEARS, PLACEHOLDER_NOTE
from casushub.tenants.bewaartermijnen.services import wijzig_bewaartermijn
from casushub.tenants.casus.errors import RegelFouten
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, formulierscherm, of_opnieuw
from casushub.web.rechten.invoer import reden_verplicht

__all__ = ["termijn_handlers"]

_MAX_REDEN = 2000
BEWIJS_LIMIET = 200


@dataclass
class Termijnwijziging(Formulier):
    sleutel: str = ""
    jaren: str = ""
    reden: str = ""


SOORTEN = {"casus": "Casus", "signaal": "Signaal", "verwerkingenlog": "Verwerkingenlog"}


async def _scherm(
    db: AsyncSession,
    tenant: TenantRef,
    actor: Actor,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    return formulierscherm(
        "rechten/bewaartermijnen.html",
        {
            "tenant": tenant,
            "termijnen": await termijnen(db),
            "sleutels": [("", "Kies een termijn"), *LABELS.items()],
            "mag_wijzigen": actor.role == Role.GEMEENTE_REGIE,
            "voorlopig": PLACEHOLDER_NOTE,
            "max_jaren": MAX_YEARS,
        },
        waarden=waarden,
        fouten=fouten,
        melding=melding,
        status_code=status_code,
    )


class TermijnenController(Controller):
    """The retention periods and the deletion receipts."""

    path = "/bewaartermijnen"
    opt = roles(Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.FG_AUDITOR)
    dependencies = DEPS

    @get("", name="bewaartermijnen")
    async def bewaartermijnen_scherm(
        self,
        scherm: NamedDependency[Scherm],
        gelukt: FromQuery[str | None] = None,
    ) -> Template:
        tenant, db, actor = scherm.tenant, scherm.db, scherm.actor
        melding = "De bewaartermijn is gewijzigd." if gelukt == "gewijzigd" else None
        async with db.begin():
            return await _scherm(db, tenant, actor, melding=melding)

    @post("", name="bewaartermijn-wijzigen", opt=roles(Role.GEMEENTE_REGIE))
    async def bewaartermijn_wijzigen(
        self,
        data: Annotated[Termijnwijziging, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        tenant, db, actor = scherm.tenant, scherm.db, scherm.actor
        waarden = {k: v[: _MAX_REDEN + 1] for k, v in data.waarden().items()}

        async def actie() -> Redirect:
            fouten: dict[str, str] = {}
            if waarden["sleutel"] not in LABELS:
                fouten["sleutel"] = "Kies welke bewaartermijn u wijzigt."
            raw = waarden["jaren"].strip()
            jaren = int(raw) if raw.isdigit() and len(raw) <= 3 else None
            if jaren is None:
                fouten["jaren"] = f"Vul een aantal jaren in (een heel getal van 0 tot {MAX_YEARS})."
            reden_fout = reden_verplicht(
                waarden["reden"],
                "Geef de reden van de wijziging op, bijvoorbeeld het juridisch advies.",
                _MAX_REDEN,
            )
            if reden_fout:
                fouten["reden"] = reden_fout
            if fouten or jaren is None:
                raise RegelFouten(fouten)
            soort, _, uitkomst = waarden["sleutel"].partition(":")
            async with db.begin():
                await wijzig_bewaartermijn(
                    db,
                    actor,
                    soort=soort,
                    uitkomst=uitkomst or None,
                    jaren=jaren,
                    reden=waarden["reden"],
                )
            return Redirect("/bewaartermijnen?gelukt=gewijzigd", status_code=303)

        async def opnieuw(fouten: dict[str, str]) -> Template:
            # A rule's refusal that names no field of this form sits at the choice of period.
            fouten = {(k if k in waarden else "sleutel"): v for k, v in fouten.items()}
            async with db.begin():
                return await _scherm(db, tenant, actor, waarden=waarden, fouten=fouten)

        return await of_opnieuw(actie, opnieuw, standaardveld="sleutel")

    # No personal data: the procesregisseur, who reaches it from the dry run, may read it too.
    @get("/vernietigingsbewijzen", name="vernietigingsbewijzen")
    async def vernietigingsbewijzen_scherm(
        self, tenant: NamedDependency[TenantRef], db: NamedDependency[AsyncSession]
    ) -> Template:
        async with db.begin():
            bewijzen = await vernietigingsbewijzen(db, limiet=BEWIJS_LIMIET)
        return Template(
            "rechten/vernietigingsbewijzen.html",
            context={
                "tenant": tenant,
                "bewijzen": bewijzen,
                "limiet": BEWIJS_LIMIET,
                "soorten": SOORTEN,
            },
        )


termijn_handlers: list[Any] = [TermijnenController]
