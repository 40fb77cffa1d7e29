"""Onboarding a municipality: validate everything first, then provision in one transaction.

Validation returns every problem at once (field → Dutch message) so the wizard can show them
inline; provisioning (registry row with its profile, role, schema, migrations, the tenant's own
settings and its implementation checklist) then commits as a whole or not at all.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from casushub.platform.fouten import RegelFouten
from casushub.platform.hub.checklist import maak_checklist
from casushub.platform.hub.gemeenten import gemeente_met
from casushub.platform.hub.models import Situatie
from casushub.platform.models import Hub
from casushub.platform.registry import (
    RegistryError,
    create_tenant,
    validate_gemeentecode,
    validate_slug,
)
from casushub.tenants.instellingen.models import Instelling

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings
    from casushub.platform.tenancy import TenantRef

__all__ = [
    "GemeenteAanmelding",
    "OnboardingInvalid",
    "aanmelding_naar_params",
    "aanmelding_uit_params",
    "meld_gemeente_aan",
    "valideer",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OnboardingInvalid(RegelFouten):
    """The municipality cannot be registered; ``fouten`` maps form field -> Dutch message."""


@dataclass(frozen=True)
class GemeenteAanmelding:
    naam: str
    gemeentecode: str
    slug: str
    contactpunt_functie: str
    contactpunt_postadres: str
    contactpunt_email: str
    verwerkersovereenkomst: str
    verwerkersovereenkomst_start: date | None
    verwerkersovereenkomst_eind: date | None
    situatie: str
    bsn_toegestaan: bool = False
    bsn_grondslag: str = ""


def aanmelding_naar_params(a: GemeenteAanmelding) -> dict[str, Any]:
    """JSON for the job row (the queue message itself carries the job id only)."""
    params = asdict(a)
    for veld in ("verwerkersovereenkomst_start", "verwerkersovereenkomst_eind"):
        waarde = params[veld]
        params[veld] = waarde.isoformat() if waarde else None
    return params


def aanmelding_uit_params(params: dict[str, Any]) -> GemeenteAanmelding:
    waarden = dict(params)
    for veld in ("verwerkersovereenkomst_start", "verwerkersovereenkomst_eind"):
        waarde = waarden.get(veld)
        waarden[veld] = date.fromisoformat(waarde) if waarde else None
    return GemeenteAanmelding(**waarden)


def valideer(a: GemeenteAanmelding) -> dict[str, str]:
    fouten: dict[str, str] = {}
    if not a.naam.strip():
        fouten["naam"] = "Vul de naam van de gemeente in."
    for veld, check in (("slug", validate_slug), ("gemeentecode", validate_gemeentecode)):
        try:
            check(getattr(a, veld))
        except RegistryError as exc:
            fouten[veld] = exc.message
    if not a.contactpunt_functie.strip():
        fouten["contactpunt_functie"] = (
            "Vul de functie van het contactpunt in, bijvoorbeeld ‘de burgemeester van Oostdam’."
        )
    if not a.contactpunt_postadres.strip():
        fouten["contactpunt_postadres"] = "Vul het postadres voor verzoeken van betrokkenen in."
    if not _EMAIL.match(a.contactpunt_email.strip()):
        fouten["contactpunt_email"] = "Vul een geldig e-mailadres in, zoals naam@gemeente.nl."
    if not a.verwerkersovereenkomst.strip():
        fouten["verwerkersovereenkomst"] = "Vul het kenmerk van de verwerkersovereenkomst in."
    if a.verwerkersovereenkomst_start is None:
        fouten["verwerkersovereenkomst_start"] = "Vul de ingangsdatum van de overeenkomst in."
    elif a.verwerkersovereenkomst_eind and a.verwerkersovereenkomst_eind <= (
        a.verwerkersovereenkomst_start
    ):
        fouten["verwerkersovereenkomst_eind"] = "De einddatum moet na de ingangsdatum liggen."
    if a.situatie not in {s.value for s in Situatie}:
        fouten["situatie"] = "Kies de situatie van de gemeente."
    if a.bsn_toegestaan and not a.bsn_grondslag.strip():
        fouten["bsn_grondslag"] = (
            "Het BSN mag alleen worden vastgelegd met een wettelijke grondslag: vul die in."
        )
    return fouten


async def meld_gemeente_aan(
    admin_engine: AsyncEngine, settings: Settings, hub_id: uuid.UUID, a: GemeenteAanmelding
) -> TenantRef:
    fouten = valideer(a)
    if fouten:
        raise OnboardingInvalid(fouten)
    async with admin_engine.connect() as conn:
        hub_slug = (await conn.execute(select(Hub.slug).where(Hub.id == hub_id))).scalar()
        clash = await gemeente_met(conn, a.slug, validate_gemeentecode(a.gemeentecode))
    if hub_slug is None:
        raise OnboardingInvalid({"hub": "Onbekende hub."})
    if clash is not None:
        veld = "slug" if clash.slug == a.slug else "gemeentecode"
        raise OnboardingInvalid({veld: "Deze waarde is al in gebruik bij een andere gemeente."})

    async def instellingen(conn: AsyncConnection, tenant: TenantRef) -> None:
        # Written as the owner into the new schema, inside the provisioning transaction.
        mapped = await conn.execution_options(schema_translate_map={None: tenant.schema})
        await mapped.execute(
            insert(Instelling).values(
                bsn_toegestaan=a.bsn_toegestaan,
                bsn_grondslag=a.bsn_grondslag.strip() or None,
            )
        )

    async def checklist(conn: AsyncConnection, tenant: TenantRef) -> None:
        await maak_checklist(conn, tenant.id, Situatie(a.situatie))

    try:
        return await create_tenant(
            admin_engine,
            settings,
            slug=a.slug,
            name=a.naam.strip(),
            gemeentecode=a.gemeentecode,
            hub_slug=hub_slug,
            profiel={
                "contactpunt_functie": a.contactpunt_functie.strip(),
                "contactpunt_postadres": a.contactpunt_postadres.strip(),
                "contactpunt_email": a.contactpunt_email.strip(),
                "verwerkersovereenkomst": a.verwerkersovereenkomst.strip(),
                "verwerkersovereenkomst_start": a.verwerkersovereenkomst_start,
                "verwerkersovereenkomst_eind": a.verwerkersovereenkomst_eind,
                "situatie": a.situatie,
            },
            na_provisioning=(instellingen, checklist),
        )
    except RegistryError as exc:
        raise OnboardingInvalid({exc.field or "algemeen": exc.message}) from exc
