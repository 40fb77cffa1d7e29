"""Partner organisations of the hub and their identity provider ("Verbinding testen")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from casushub.platform.hub import organisaties
from casushub.platform.hub.organisaties import alle_organisaties
from casushub.platform.identity.deactivation import (
    DeactivationRefused,
    check_deactivation,
    deactivate_organisation,
    deactivation_impact,
)
from casushub.platform.identity.discovery import ProviderMetadataCache
from casushub.platform.identity.errors import ProviderUnavailable
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import DEFAULT_ALGORITHMS, DEFAULT_SCOPES, save_provider
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.registry import RegistryError
from casushub.web.auth.guards import roles
from casushub.web.formulieren import FORMULIER, Formulier
from casushub.web.hub.deps import AnyRequest, HubAdmin, hub_admin, in_hub, render
from casushub.web.hub.verbinding import issuer_fout

__all__ = ["OrganisatiesController", "verbinding_testen"]

TYPES = [
    (OrganisationType.GEMEENTE.value, "Gemeente"),
    (OrganisationType.POLITIE.value, "Politie"),
    (OrganisationType.OM.value, "Openbaar Ministerie"),
    (OrganisationType.RECLASSERING.value, "Reclassering"),
    (OrganisationType.RVDK.value, "Raad voor de Kinderbescherming"),
    (OrganisationType.JENV.value, "Minister van JenV"),
    (OrganisationType.SATELLIETPARTNER.value, "Satellietpartner"),
    (OrganisationType.HUB.value, "Hub (eigen organisatie)"),
]


# The fields of the organisation's own form (its page); a checkbox left out keeps what is stored.
WIJZIGVELDEN = frozenset({"naam", "email_domeinen", "actief", "bevestigd"})
PROVIDER_VELDEN = (
    "issuer",
    "client_id",
    "scopes",
    "allowed_algorithms",
    "required_acr",
    "trusted_audiences",
    "claim_mappings",
    "post_logout_redirect_uri",
)


@dataclass
class Organisatieformulier(Formulier):
    naam: str = ""
    slug: str = ""
    type: str = ""
    email_domeinen: str = ""
    # Checkboxes: None when unticked (the browser leaves them out).
    actief: str | None = None
    bevestigd: str | None = None


@dataclass
class Inlogdienstformulier(Formulier):
    """A field the form did not send is None: it keeps what is stored; sent empty, it clears."""

    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    scopes: str | None = None
    allowed_algorithms: str | None = None
    required_acr: str | None = None
    trusted_audiences: str | None = None
    claim_mappings: str | None = None
    post_logout_redirect_uri: str | None = None


def _tekst(waarde: str | None) -> str | None:
    return None if waarde is None else waarde.strip()


def _lijst(waarde: str | None) -> tuple[str, ...] | None:
    return None if waarde is None else tuple(waarde.replace(",", " ").split())


def claimkoppelingen_uit_tekst(tekst: str) -> tuple[dict[str, Any], ...]:
    """One mapping a line: ``claim=waarde: rol`` with optionally ``, gemeente=slug`` or
    ``, hub=slug`` (e.g. ``groups=zvh-regie: procesregisseur, hub=zvh_noord``)."""
    koppelingen = []
    for nummer, regel in enumerate(tekst.splitlines(), start=1):
        if not regel.strip():
            continue
        voorwaarde, _, rest = regel.partition(":")
        claim, is_, waarde = voorwaarde.partition("=")
        rol, *bereik = [deel.strip() for deel in rest.split(",")]
        koppeling: dict[str, Any] = {"claim": claim.strip(), "value": waarde.strip(), "role": rol}
        for deel in bereik:
            sleutel, _, slug = deel.partition("=")
            if sleutel.strip() not in {"gemeente", "hub"} or not slug.strip():
                koppeling = {}
                break
            koppeling["tenant" if sleutel.strip() == "gemeente" else "hub"] = slug.strip()
        if not is_ or not koppeling or not claim.strip() or not waarde.strip() or not rol:
            msg = (
                f"Regel {nummer} van de claimkoppelingen klopt niet. Schrijf claim=waarde: rol, "
                "eventueel gevolgd door , gemeente=korte-naam of , hub=korte-naam."
            )
            raise ValueError(msg)
        koppelingen.append(koppeling)
    return tuple(koppelingen)


def claimkoppelingen_als_tekst(koppelingen: list[dict[str, Any]]) -> str:
    regels = []
    for k in koppelingen:
        bereik = "".join(
            f", {naam}={k[sleutel]}"
            for sleutel, naam in (("tenant", "gemeente"), ("hub", "hub"))
            if k.get(sleutel)
        )
        regels.append(f"{k.get('claim', '')}={k.get('value', '')}: {k.get('role', '')}{bereik}")
    return "\n".join(regels)


def _provider_waarden(provider: Any) -> dict[str, str]:
    if provider is None:
        return {
            "issuer": "",
            "client_id": "",
            "scopes": DEFAULT_SCOPES,
            "allowed_algorithms": " ".join(DEFAULT_ALGORITHMS),
        }
    return {
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "scopes": provider.scopes,
        "allowed_algorithms": " ".join(provider.allowed_algorithms),
        "required_acr": " ".join(provider.required_acr),
        "trusted_audiences": " ".join(provider.trusted_audiences or ()),
        "claim_mappings": claimkoppelingen_als_tekst(list(provider.claim_mappings)),
        "post_logout_redirect_uri": provider.post_logout_redirect_uri or "",
    }


def _domeinen(tekst: str) -> list[str]:
    return [d.strip().lower() for d in tekst.replace(",", " ").split() if d.strip()]


async def verbinding_testen(
    state: State, issuer: str, discovery_url: str | None = None
) -> list[str]:
    """Fetch discovery and JWKS; Dutch lines saying what was found or what is wrong."""
    if fout := issuer_fout(issuer):
        return [fout]
    issuer = issuer.strip()
    url = discovery_url or issuer.rstrip("/") + "/.well-known/openid-configuration"
    # A cache of its own: a test must really fetch, and must not fill the sign-in cache.
    cache = ProviderMetadataCache(ttl=0, timeout=state.settings.oidc_timeout_seconds)
    try:
        metadata = await cache.metadata(url, issuer)
    except ProviderUnavailable as exc:
        return [f"Het discovery-document op {url} kon niet worden gebruikt: {exc}."]
    regels = [
        f"Discovery-document gevonden; issuer {metadata.issuer} klopt.",
        f"Inlogadres: {metadata.authorization_endpoint}.",
    ]
    if metadata.end_session_endpoint:
        regels.append("Uitloggen bij de inlogdienst wordt ondersteund.")
    try:
        sleutels = await cache.keys_for(metadata.jwks_uri, None)
    except ProviderUnavailable as exc:
        regels.append(
            f"De sleutels (JWKS) op {metadata.jwks_uri} konden niet worden gelezen: {exc}."
        )
        return regels
    regels.append(f"{len(sleutels.keys)} ondertekeningssleutel(s) gevonden.")
    return regels


async def _organisatie(state: State, admin: HubAdmin, organisation_id: uuid.UUID) -> Any:
    async with state.engine.connect() as conn:
        org = await organisaties.organisatie(conn, organisation_id)
        if org is None:
            raise NotFoundException
        in_hub(org.hub_id, admin)
        provider = await organisaties.inlogdienst(conn, organisation_id)
    return org, provider


class OrganisatiesController(Controller):
    path = "/hub/organisaties"
    opt = roles(Role.HUB_ADMIN)

    @get("", name="hub-organisaties")
    async def overzicht(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        async with state.engine.connect() as conn:
            orgs = await alle_organisaties(conn, admin.hub_id)
        return render(
            request,
            "hub/organisaties.html",
            {"organisaties": orgs, "types": dict(TYPES)},
            fragment="hub/_organisaties_tabel.html",
        )

    @get("/nieuw", name="hub-organisatie-nieuw")
    async def nieuw(self, request: AnyRequest) -> Template:
        hub_admin(request)
        return render(
            request, "hub/organisatie_nieuw.html", {"waarden": {}, "fouten": {}, "types": TYPES}
        )

    @post("/nieuw", name="hub-organisatie-maken")
    async def maken(
        self, request: AnyRequest, state: State, data: Annotated[Organisatieformulier, FORMULIER]
    ) -> Template | Redirect:
        admin = hub_admin(request)
        waarden = {k: getattr(data, k) for k in ("naam", "slug", "type", "email_domeinen")}
        fouten: dict[str, str] = {}
        if not waarden["naam"].strip():
            fouten["naam"] = "Vul de naam van de organisatie in."
        if not fouten:
            try:
                async with state.engine.begin() as conn:
                    org_id = await create_organisation(
                        conn,
                        slug=waarden["slug"].strip(),
                        name=waarden["naam"],
                        type=waarden["type"],
                        email_domains=_domeinen(waarden["email_domeinen"]),
                        hub_id=admin.hub_id,
                    )
            except RegistryError as exc:
                veld = {"email_domains": "email_domeinen"}.get(exc.field or "", exc.field or "naam")
                fouten[veld] = exc.message
        if fouten:
            return render(
                request,
                "hub/organisatie_nieuw.html",
                {"waarden": waarden, "fouten": fouten, "types": TYPES},
                status_code=422,
            )
        return Redirect(f"/hub/organisaties/{org_id}", status_code=303)

    @get("/{organisation_id:uuid}", name="hub-organisatie")
    async def organisatie(
        self, request: AnyRequest, state: State, organisation_id: FromPath[uuid.UUID]
    ) -> Template:
        admin = hub_admin(request)
        org, provider = await _organisatie(state, admin, organisation_id)
        return render(request, "hub/organisatie.html", _context(org, provider))

    @post("/{organisation_id:uuid}", name="hub-organisatie-wijzigen")
    async def wijzigen(
        self,
        request: AnyRequest,
        state: State,
        organisation_id: FromPath[uuid.UUID],
        data: Annotated[Organisatieformulier, FORMULIER],
    ) -> Template:
        admin = hub_admin(request)
        org, provider = await _organisatie(state, admin, organisation_id)
        naam = data.naam.strip()
        domeinen = sorted(set(_domeinen(data.email_domeinen)))
        actief = data.actief == "ja"
        uitschakelen = org.active and not actief
        fouten: dict[str, str] = {}
        if not naam:
            fouten["naam"] = "Vul de naam van de organisatie in."
        if not domeinen:
            fouten["email_domeinen"] = "Geef een of meer e-maildomeinen op."
        try:
            async with state.engine.begin() as conn:
                clash = (
                    await organisaties.domein_in_gebruik(conn, domeinen, organisation_id)
                    if domeinen
                    else None
                )
                if clash is not None:
                    fouten["email_domeinen"] = (
                        f"Een van deze e-maildomeinen is al in gebruik bij {clash}."
                    )
                if uitschakelen and not fouten:
                    await check_deactivation(conn, organisation_id)
                    if data.bevestigd != "ja":
                        # Switching off ends sessions at once: say what, and ask first.
                        impact = await deactivation_impact(conn, organisation_id)
                        return render(
                            request,
                            "hub/organisatie_uitschakelen.html",
                            {
                                "organisatie": org,
                                "impact": impact,
                                "waarden": {"naam": naam, "email_domeinen": " ".join(domeinen)},
                            },
                        )
                if not fouten:
                    await organisaties.wijzig(conn, organisation_id, naam, domeinen)
                    if uitschakelen:
                        await deactivate_organisation(
                            conn, organisation_id, actor_user_id=admin.user_id, ip=admin.ip
                        )
                    elif actief and not org.active:
                        await organisaties.activeer(conn, organisation_id)
        except DeactivationRefused as exc:
            fouten["actief"] = exc.message
        if not fouten:
            org, provider = await _organisatie(state, admin, organisation_id)
        context = _context(org, provider)
        context["fouten"] = fouten
        if fouten:
            context["waarden"] = {
                **context["waarden"],
                **{k: v for k, v in data.waarden().items() if k in WIJZIGVELDEN},
            }
            if "actief" in fouten:
                context["waarden"]["actief"] = "ja"  # it stays on: show it as it is
        return render(request, "hub/organisatie.html", context, status_code=422 if fouten else 200)

    @post("/{organisation_id:uuid}/inlogdienst", name="hub-inlogdienst")
    async def inlogdienst(
        self,
        request: AnyRequest,
        state: State,
        organisation_id: FromPath[uuid.UUID],
        data: Annotated[Inlogdienstformulier, FORMULIER],
    ) -> Template:
        admin = hub_admin(request)
        org, provider = await _organisatie(state, admin, organisation_id)
        issuer = data.issuer.strip()
        client_id = data.client_id.strip()
        geheim = data.client_secret
        fouten: dict[str, str] = {}
        if fout := issuer_fout(issuer):
            fouten["issuer"] = fout
        if not client_id:
            fouten["client_id"] = "Vul de client-id in die de inlogdienst heeft uitgegeven."
        if not geheim and provider is None:
            fouten["client_secret"] = "Vul het clientgeheim in (wordt niet opnieuw getoond)."  # noqa: S105 - an error message, not a secret
        # A field the form did not send keeps what is stored (None); a field sent empty clears.
        mappings: tuple[dict[str, Any], ...] | None = None
        if (regels := data.claim_mappings) is not None:
            try:
                mappings = claimkoppelingen_uit_tekst(regels)
            except ValueError as exc:
                fouten["claim_mappings"] = str(exc)
        if not fouten:
            try:
                async with state.engine.begin() as conn:
                    await save_provider(
                        conn,
                        state.settings,
                        organisation_id=organisation_id,
                        issuer=issuer,
                        client_id=client_id,
                        client_secret=geheim or None,
                        scopes=_tekst(data.scopes),
                        allowed_algorithms=_lijst(data.allowed_algorithms),
                        required_acr=_lijst(data.required_acr),
                        trusted_audiences=_lijst(data.trusted_audiences),
                        claim_mappings=mappings,
                        post_logout_redirect_uri=_tekst(data.post_logout_redirect_uri),
                        actor_user_id=admin.user_id,
                    )
            except RegistryError as exc:
                fouten[exc.field or "issuer"] = exc.message
        if not fouten:
            org, provider = await _organisatie(state, admin, organisation_id)
        context = _context(org, provider)
        context["provider_fouten"] = fouten
        context["provider_opgeslagen"] = not fouten
        if fouten:
            context["provider_waarden"] = {
                **context["provider_waarden"],
                **{k: v for k, v in data.waarden().items() if k in PROVIDER_VELDEN},
            }
        return render(
            request,
            "hub/organisatie.html",
            context,
            fragment="hub/_inlogdienst.html",
            status_code=422 if fouten else 200,
        )

    @post("/{organisation_id:uuid}/inlogdienst/testen", name="hub-inlogdienst-testen")
    async def testen(
        self,
        request: AnyRequest,
        state: State,
        organisation_id: FromPath[uuid.UUID],
        data: Annotated[Inlogdienstformulier, FORMULIER],
    ) -> Template:
        admin = hub_admin(request)
        _, provider = await _organisatie(state, admin, organisation_id)
        issuer = data.issuer.strip() or (provider.issuer if provider else "")
        regels = await verbinding_testen(state, issuer)
        ok = len(regels) > 1 and "konden niet" not in regels[-1]
        return Template(
            "hub/_verbindingstest.html",
            context={"regels": regels, "ok": ok},
        )


def _context(org: Any, provider: Any) -> dict[str, Any]:
    return {
        "organisatie": org,
        "provider": provider,
        "types": dict(TYPES),
        "waarden": {
            "naam": org.name,
            "email_domeinen": " ".join(org.email_domains),
            "actief": "ja" if org.active else "",
        },
        "fouten": {},
        "provider_fouten": {},
        "provider_waarden": _provider_waarden(provider),
        "provider_opgeslagen": False,
    }
