"""The contactpunt's own screens (staff of the municipality): the queue and registering a
request received by letter, e-mail or at the desk. The request page and its actions are in
``verzoekscherm``, a participant's consultations in ``raadplegingen``.

The queue shows names: it is a logged read of personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.response import Template

from casushub.crosstenant.contactpunt import routeer
from casushub.platform import klok
from casushub.platform.fouten import RegelFouten
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken.models import Verzoek
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import Invoerfouten, lees_formulier
from casushub.tenants.verzoeken.wachtrij import SORTEERBAAR, Statusfilter, wachtrij
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.contactpunt.common import (
    KORTE_SOORT,
    SOORTEN,
    STAF,
    STAF_DEPS,
    STATUS_TEKST,
    TAKEN,
    Aanvraagvelden,
    datum_nl,
    hub_gemeenten,
    op_volgorde,
    waarden_van,
)
from casushub.web.contactpunt.raadplegingen import raadpleging_handlers
from casushub.web.contactpunt.verzoekscherm import verzoek_handlers
from casushub.web.formulieren import FORMULIER, of_opnieuw

__all__ = ["staf_handlers"]

KANALEN = [
    ("", "Kies hoe het binnenkwam"),
    ("brief", "Brief"),
    ("email", "E-mail"),
    ("balie", "Balie"),
]


STATUSFILTERS = [
    (Statusfilter.OPEN.value, "Lopend"),
    (Statusfilter.BESLOTEN.value, "Besloten, nog uit te voeren"),
    (Statusfilter.AFGEHANDELD.value, "Afgehandeld"),
    (Statusfilter.ALLE.value, "Alle"),
]
SOORTFILTERS = [("", "Alle soorten"), *KORTE_SOORT.items()]
KOLOMMEN = [
    {"key": "naam", "label": "Indiener", "sortable": True},
    {"key": "soort", "label": "Soort", "sortable": True},
    {"key": "ontvangen", "label": "Ontvangen", "sortable": True},
    {"key": "termijn", "label": "Uiterlijk beslissen", "sortable": True},
    {"key": "status", "label": "Status", "sortable": True},
    {"key": "nummer", "label": "Ontvangstnummer", "sortable": False},
]


def _termijn_tekst(v: Verzoek, vandaag: date) -> str:
    tekst = datum_nl(v.termijn)
    if v.status in {"ontvangen", "in_behandeling", "overdracht"}:
        dagen = (v.termijn - vandaag).days
        if dagen < 0:
            tekst += f" – {-dagen} dag{'en' if dagen != -1 else ''} te laat"
        elif dagen <= 7:
            tekst += f" – nog {dagen} dag{'en' if dagen != 1 else ''}"
    if v.verlengd_maanden:
        tekst += f" (verlengd met {v.verlengd_maanden} mnd)"
    return tekst


ANDERE_GEMEENTE = "elders"


@dataclass
class Registratie(Aanvraagvelden):
    kanaal: str = ""
    andere_gemeentecode: str = ""


# The registry's name of a field -> the registration form's.
VELD_VAN_REGISTER = {"gemeentecode": "andere_gemeentecode"}
REGISTRATIE_VOLGORDE = (
    "type",
    "kanaal",
    "gemeente_van_verblijf",
    "andere_gemeentecode",
    "naam",
    "geboortedatum",
    "email",
    "telefoon",
    "adres",
    "bericht",
)


async def _registratie_formulier(
    state: State,
    tenant: TenantRef,
    waarden: dict[str, str],
    fouten: dict[str, str],
    status_code: int = 200,
) -> Template:
    gemeenten = await hub_gemeenten(state, tenant_id=tenant.id)
    return Template(
        "contactpunt/registreren.html",
        context={
            "waarden": waarden,
            "fouten": fouten,
            "soorten": SOORTEN,
            "kanalen": KANALEN,
            "gemeenten": [
                ("", "Kies de gemeente"),
                *gemeenten,
                (ANDERE_GEMEENTE, "Een gemeente die niet op dit platform werkt"),
            ],
        },
        status_code=status_code,
    )


class StafController(Controller):
    """The queue and registering a request."""

    path = "/contactpunt-taken"
    opt = roles(*STAF)
    dependencies = STAF_DEPS

    @get("", name="contactpunt-taken")
    async def taken(
        self,
        scherm: NamedDependency[Scherm],
    ) -> Template:
        """The queue: overdue first, then sorted, filtered and searched as asked; names shown."""
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
        query = request.query_params
        zoek = str(query.get("zoek", ""))[:100]
        soort_raw = str(query.get("soort", ""))
        soort = VerzoekType(soort_raw) if soort_raw in KORTE_SOORT else None
        status_raw = str(query.get("status", ""))
        status = Statusfilter(status_raw) if status_raw in set(Statusfilter) else Statusfilter.OPEN
        sorteer = str(query.get("sorteer", ""))
        sorteer = sorteer if sorteer in SORTEERBAAR else "termijn"
        aflopend = query.get("richting") == "aflopend"
        vandaag = klok.vandaag()
        async with db.begin():
            lijst = await wachtrij(
                db,
                actor,
                vandaag=vandaag,
                sleutel=state.settings.secret_key,
                zoek=zoek,
                soort=soort,
                status=status,
                sorteer=sorteer,
                aflopend=aflopend,
            )
        rijen = [
            {
                "naam": {"text": v.indiener_naam, "href": f"{TAKEN}/verzoek/{v.id}"},
                "soort": KORTE_SOORT.get(v.type, v.type),
                "ontvangen": datum_nl(v.ontvangen_op),
                "termijn": _termijn_tekst(v, vandaag),
                "status": STATUS_TEKST.get(v.status, v.status),
                "nummer": v.ontvangstnummer,
            }
            for v in lijst.verzoeken
        ]
        filters = {"zoek": zoek, "soort": soort.value if soort else "", "status": status.value}
        return Template(
            "contactpunt/taken.html",
            context={
                "rijen": rijen,
                "kolommen": KOLOMMEN,
                "sorteer": sorteer,
                "richting": "aflopend" if aflopend else "oplopend",
                "url": f"{TAKEN}?{urlencode({k: v for k, v in filters.items() if v})}",
                "filters": filters,
                "statusfilters": STATUSFILTERS,
                "soortfilters": SOORTFILTERS,
                "te_laat": lijst.te_laat,
                "afgekapt": lijst.afgekapt,
                "gefilterd": bool(zoek or soort or status is not Statusfilter.OPEN),
            },
        )

    @get("/nieuw", name="contactpunt-registreren")
    async def registreren(self, tenant: NamedDependency[TenantRef], state: State) -> Template:
        return await _registratie_formulier(state, tenant, {}, {})

    @post("/nieuw", name="contactpunt-registreren-opslaan")
    async def registreren_opslaan(
        self,
        data: Annotated[Registratie, FORMULIER],
        tenant: NamedDependency[TenantRef],
        actor: NamedDependency[Actor],
        state: State,
    ) -> Template:
        """Staff register a request received by letter, e-mail or at the desk; it is routed to
        the contactpunt of the gemeente van verblijf (which may be another municipality)."""
        waarden = waarden_van(data)

        async def actie() -> Template:
            fouten: dict[str, str] = {}
            try:
                kanaal = Kanaal(waarden["kanaal"])
            except ValueError:
                fouten["kanaal"] = "Kies hoe het verzoek binnenkwam."
                kanaal = Kanaal.BRIEF
            try:
                aanvraag = lees_formulier(waarden, kanaal=kanaal, vandaag=klok.vandaag())
            except Invoerfouten as exc:
                fouten.update(exc.fouten)
                aanvraag = None
            code = waarden["gemeente_van_verblijf"].strip()
            if code == ANDERE_GEMEENTE:
                code = waarden["andere_gemeentecode"].strip()
                if not code:
                    fouten["andere_gemeentecode"] = (
                        "Vul de CBS-code in van de gemeente waar de betrokkene woont "
                        "(vier cijfers)."
                    )
            elif code not in dict(await hub_gemeenten(state, tenant_id=tenant.id)):
                fouten["gemeente_van_verblijf"] = "Kies de gemeente waar de betrokkene woont."
            if fouten or aanvraag is None:
                raise RegelFouten(fouten)
            routing = await routeer(
                state.engine,
                state.settings,
                actor,
                aanvraag,
                van=tenant,
                gemeente_van_verblijf=code,
            )
            namen = dict(await hub_gemeenten(state, tenant_id=tenant.id))
            return Template(
                "contactpunt/geregistreerd.html",
                context={
                    "routing": routing,
                    "uitkomst": routing.uitkomst.value,
                    "naar": namen.get(routing.gemeentecode, f"GM{routing.gemeentecode}"),
                },
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            # The registry names the code the staff typed "gemeentecode".
            fouten = {
                ("andere_gemeentecode" if k == "gemeentecode" else k): v for k, v in fouten.items()
            }
            return await _registratie_formulier(
                state, tenant, waarden, op_volgorde(fouten, REGISTRATIE_VOLGORDE)
            )

        return await of_opnieuw(actie, opnieuw, standaardveld="gemeente_van_verblijf")


staf_handlers: list[Any] = [StafController, *verzoek_handlers, *raadpleging_handlers]
