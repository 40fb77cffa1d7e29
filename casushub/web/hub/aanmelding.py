"""The onboarding of a municipality as the hub admin's wizard asks it: the form, its checks
before anything is queued (dates, the registry's rules, a slug or code already taken) and the
job that provisions it. Shared with the admin API (casushub.web.api)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import date

from litestar.datastructures import State

from casushub.crosstenant.onboarding import (
    GemeenteAanmelding,
    aanmelding_naar_params,
    valideer,
)
from casushub.platform.hub.gemeenten import gemeente_met
from casushub.platform.hub.models import Situatie, StapStatus
from casushub.platform.models import TenantStatus
from casushub.platform.registry import RegistryError, validate_gemeentecode
from casushub.web.formulieren import Formulier
from casushub.web.hub.deps import datum
from casushub.workers.enqueue import start_job_work

__all__ = [
    "DATUM_FOUT",
    "SITUATIES",
    "STAP_STATUS",
    "STATUS_LABELS",
    "VELDEN",
    "Aanmelding",
    "Deelnemerkeuze",
    "Stapformulier",
    "aanmelding_uit_formulier",
    "start_export",
    "start_onboarding",
    "tenant_clash",
]

STATUS_LABELS = {
    TenantStatus.PROVISIONING.value: "in aanmaak",
    TenantStatus.ACTIVE.value: "actief",
    TenantStatus.SUSPENDED.value: "opgeschort",
    TenantStatus.TERMINATING.value: "wordt beëindigd",
    TenantStatus.TERMINATED.value: "beëindigd",
}
SITUATIES = [
    (
        Situatie.ZVH.value,
        "De burgemeester gebruikt de faciliteiten van een Zorg- en Veiligheidshuis",
    ),
    (Situatie.GEEN_CONVENANT.value, "Geen convenant en geen Zorg- en Veiligheidshuis"),
    (Situatie.CONVENANT.value, "Wel een convenant, geen Zorg- en Veiligheidshuis"),
]
STAP_STATUS = [
    (StapStatus.OPEN.value, "open"),
    (StapStatus.BEZIG.value, "bezig"),
    (StapStatus.GEREED.value, "gereed"),
    (StapStatus.NVT.value, "niet van toepassing"),
]
DATUM_FOUT = "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-07-2025."


@dataclass
class Aanmelding(Formulier):
    """A new municipality: its registration and whether it may record a BSN."""

    naam: str = ""
    gemeentecode: str = ""
    slug: str = ""
    contactpunt_functie: str = ""
    contactpunt_postadres: str = ""
    contactpunt_email: str = ""
    verwerkersovereenkomst: str = ""
    verwerkersovereenkomst_start: str = ""
    verwerkersovereenkomst_eind: str = ""
    situatie: str = ""
    bsn_grondslag: str = ""
    bsn_toegestaan: str = ""


# The registration's fields in the form's order (the BSN choice is a checkbox of its own).
VELDEN = tuple(f.name for f in fields(Aanmelding) if f.name != "bsn_toegestaan")


@dataclass
class Stapformulier(Formulier):
    status: str = ""
    verplicht: str = ""
    datum: str = ""
    verantwoordelijke: str = ""
    documentreferentie: str = ""


@dataclass
class Deelnemerkeuze(Formulier):
    organisaties: list[str] | str = field(default_factory=list)


def aanmelding_uit_formulier(
    waarden: dict[str, str], bsn: bool
) -> tuple[GemeenteAanmelding, dict[str, str]]:
    fouten: dict[str, str] = {}
    datums: dict[str, date | None] = {}
    for veld in ("verwerkersovereenkomst_start", "verwerkersovereenkomst_eind"):
        try:
            datums[veld] = datum(waarden.get(veld, ""))
        except ValueError:
            datums[veld] = None
            fouten[veld] = DATUM_FOUT
    aanmelding = GemeenteAanmelding(
        naam=waarden.get("naam", "").strip(),
        gemeentecode=waarden.get("gemeentecode", "").strip(),
        slug=waarden.get("slug", "").strip(),
        contactpunt_functie=waarden.get("contactpunt_functie", ""),
        contactpunt_postadres=waarden.get("contactpunt_postadres", ""),
        contactpunt_email=waarden.get("contactpunt_email", ""),
        verwerkersovereenkomst=waarden.get("verwerkersovereenkomst", ""),
        verwerkersovereenkomst_start=datums["verwerkersovereenkomst_start"],
        verwerkersovereenkomst_eind=datums["verwerkersovereenkomst_eind"],
        situatie=waarden.get("situatie", ""),
        bsn_toegestaan=bsn,
        bsn_grondslag=waarden.get("bsn_grondslag", ""),
    )
    fouten = {**valideer(aanmelding), **fouten}
    # Keep the form order in the error summary.
    volgorde = [*VELDEN, "algemeen"]
    return aanmelding, {
        k: fouten[k]
        for k in sorted(
            fouten, key=lambda k: (k not in volgorde, volgorde.index(k) if k in volgorde else 0)
        )
    }


async def tenant_clash(state: State, a: GemeenteAanmelding) -> dict[str, str]:
    """Duplicate slug or gemeentecode, found before anything is queued."""
    try:
        code = validate_gemeentecode(a.gemeentecode)
    except RegistryError:
        code = a.gemeentecode
    async with state.engine.connect() as conn:
        row = await gemeente_met(conn, a.slug, code)
    if row is None:
        return {}
    if row.slug == a.slug:
        return {"slug": "Deze korte naam is al in gebruik bij een andere gemeente."}
    return {"gemeentecode": "Deze gemeentecode is al in gebruik bij een andere gemeente."}


async def start_onboarding(
    state: State, admin_user: uuid.UUID | None, hub_id: uuid.UUID, a: GemeenteAanmelding
) -> uuid.UUID:
    """Queue provisioning: parameters wait in the job row, the message carries the id only."""
    params = {
        "slug": a.slug,
        "name": a.naam,
        "gemeentecode": validate_gemeentecode(a.gemeentecode),
        "hub_id": str(hub_id),
        "aangevraagd_door": str(admin_user) if admin_user else None,
        "aanmelding": aanmelding_naar_params(a),
    }
    return await start_job_work(state.engine, "tenants.provision", params=params)


async def start_export(state: State, tenant_id: uuid.UUID) -> uuid.UUID:
    return await start_job_work(state.engine, "tenants.export", tenant_id=tenant_id)
