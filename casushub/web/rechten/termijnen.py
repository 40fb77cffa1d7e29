"""The municipality's retention periods (each change with its reason; placeholder periods
marked as such) and the deletion receipts, for the regie, the procesregisseur and the FG.

Only the municipality's own regie changes a period: the hub's procesregisseur acts for the
municipality but does not set its policy. A changed period applies from then on
(``wijzig_bewaartermijn``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
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
from casushub.tenants.casus.errors import RegelFout
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS

__all__ = ["termijn_handlers"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_NO_CACHE = {"Cache-Control": "no-store"}
_MAX_REDEN = 2000
BEWIJS_LIMIET = 200
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
    return Template(
        "rechten/bewaartermijnen.html",
        context={
            "tenant": tenant,
            "termijnen": await termijnen(db),
            "sleutels": [("", "Kies een termijn"), *LABELS.items()],
            "mag_wijzigen": actor.role == Role.GEMEENTE_REGIE,
            "voorlopig": PLACEHOLDER_NOTE,
            "max_jaren": MAX_YEARS,
            "waarden": waarden or {},
            "fouten": fouten or {},
            "melding": melding,
        },
        status_code=status_code,
        headers=_NO_CACHE,
    )


@get(
    "/bewaartermijnen",
    name="bewaartermijnen",
    opt=roles(Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.FG_AUDITOR),
    dependencies=DEPS,
)
async def bewaartermijnen_scherm(
    tenant: NamedDependency[TenantRef],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    gelukt: FromQuery[str | None] = None,
) -> Template:
    melding = "De bewaartermijn is gewijzigd." if gelukt == "gewijzigd" else None
    async with db.begin():
        return await _scherm(db, tenant, actor, melding=melding)


@post(
    "/bewaartermijnen",
    name="bewaartermijn-wijzigen",
    opt=roles(Role.GEMEENTE_REGIE),
    dependencies=DEPS,
)
async def bewaartermijn_wijzigen(
    data: Form,
    tenant: NamedDependency[TenantRef],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    waarden = {k: str(data.get(k, ""))[: _MAX_REDEN + 1] for k in ("sleutel", "jaren", "reden")}
    fouten: dict[str, str] = {}
    if waarden["sleutel"] not in LABELS:
        fouten["sleutel"] = "Kies welke bewaartermijn u wijzigt."
    raw = waarden["jaren"].strip()
    jaren = int(raw) if raw.isdigit() and len(raw) <= 3 else None
    if jaren is None:
        fouten["jaren"] = f"Vul een aantal jaren in (een heel getal van 0 tot {MAX_YEARS})."
    if not waarden["reden"].strip():
        fouten["reden"] = "Geef de reden van de wijziging op, bijvoorbeeld het juridisch advies."
    elif len(waarden["reden"]) > _MAX_REDEN:
        fouten["reden"] = "Houd de reden korter dan 2000 tekens."
    if not fouten and jaren is not None:
        soort, _, uitkomst = waarden["sleutel"].partition(":")
        try:
            async with db.begin():
                await wijzig_bewaartermijn(
                    db,
                    actor,
                    soort=soort,
                    uitkomst=uitkomst or None,
                    jaren=jaren,
                    reden=waarden["reden"],
                )
        except RegelFout as fout:
            veld = fout.field if fout.field in waarden else "sleutel"
            fouten[veld] = fout.message
    if fouten:
        async with db.begin():
            return await _scherm(db, tenant, actor, waarden=waarden, fouten=fouten, status_code=422)
    return Redirect("/bewaartermijnen?gelukt=gewijzigd", status_code=303)


@get(
    "/bewaartermijnen/vernietigingsbewijzen",
    name="vernietigingsbewijzen",
    # No personal data: the procesregisseur, who reaches it from the dry run, may read it too.
    opt=roles(Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.FG_AUDITOR),
    dependencies=DEPS,
)
async def vernietigingsbewijzen_scherm(
    tenant: NamedDependency[TenantRef], db: NamedDependency[AsyncSession]
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
        headers=_NO_CACHE,
    )


termijn_handlers: list[Any] = [
    bewaartermijnen_scherm,
    bewaartermijn_wijzigen,
    vernietigingsbewijzen_scherm,
]
