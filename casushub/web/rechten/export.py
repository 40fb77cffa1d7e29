"""Export of casus data to another municipal system, for carrying out an intervention of the
plan van aanpak. The purpose and the intervention are chosen (nothing preselected); any other
purpose, or no intervention, is refused with the guard's Dutch explanation and the input kept.
An allowed export is logged (the export register and the access log) and downloaded as JSON.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.fouten import RegelFouten
from casushub.platform.identity.roles import Role
from casushub.tenants.actor import Actor
from casushub.tenants.exports.interventie import exporteer_voor_interventie, interventies_van
from casushub.tenants.exports.rules import ExportDoel, ExportGeweigerd
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, formulierscherm, of_opnieuw

__all__ = ["export_handlers"]

REGIE = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)
DOELEN = [
    ("", "Kies het doel van de export"),
    *((d.value, d.value.capitalize()) for d in ExportDoel),
]


@dataclass
class Exportkeuze(Formulier):
    doel: str = ""
    interventie: str = ""
    met_gevoelig: str = ""


_VELD = {"doel": "doel", "interventie": "interventie", "goedkeuring": "met_gevoelig"}


async def _scherm(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    casus, interventies = await interventies_van(db, actor, casus_id)
    keuzes = [("", "Kies de interventie")] + [
        (str(i.id), f"{i.omschrijving} ({i.domein}, {i.status})") for i in interventies
    ]
    return formulierscherm(
        "rechten/export.html",
        {
            "casus": casus,
            "interventies": keuzes,
            "heeft_interventies": bool(interventies),
            "doelen": DOELEN,
        },
        waarden=waarden,
        fouten=fouten,
        status_code=status_code,
    )


class ExportController(Controller):
    """The export for an intervention."""

    path = "/casusoverleg/casussen/{casus_id:uuid}/export"
    opt = roles(*REGIE)
    dependencies = DEPS

    @get("", name="casus-export")
    async def export_scherm(
        self,
        casus_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        db, actor = scherm.db, scherm.actor
        async with db.begin():
            return await _scherm(db, actor, casus_id)

    @post("", name="casus-export-maken", status_code=200)
    async def export_maken(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Exportkeuze, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Response[bytes]:
        db, actor = scherm.db, scherm.actor
        waarden = {k: v[:300] for k, v in data.waarden().items()}
        try:
            interventie_id = uuid.UUID(waarden["interventie"]) if waarden["interventie"] else None
        except ValueError:
            interventie_id = None

        async def actie() -> Response[bytes]:
            try:
                async with db.begin():
                    document = await exporteer_voor_interventie(
                        db,
                        actor,
                        casus_id,
                        doel=waarden["doel"] or None,
                        interventie_id=interventie_id,
                        met_gevoelig=waarden["met_gevoelig"] == "ja",
                    )
            except ExportGeweigerd as exc:
                # The guard's refusal, beside the choice it concerns.
                raise RegelFouten({_VELD.get(exc.field or "", "doel"): exc.message}) from exc
            naam = f"casus-export-{klok.vandaag().isoformat()}.json"
            return Response(
                json.dumps(document, ensure_ascii=False, indent=1).encode(),
                media_type="application/json",
                headers={"Content-Disposition": f'attachment; filename="{naam}"'},
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            async with db.begin():
                return await _scherm(db, actor, casus_id, waarden=waarden, fouten=fouten)

        return await of_opnieuw(actie, opnieuw, standaardveld="doel")


export_handlers: list[Any] = [ExportController]
