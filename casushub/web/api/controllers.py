"""The admin API ``/api/v1``: tenants, organisations, providers and users of the token's hub.

The same services as the screens; errors as ``application/problem+json`` (casushub.web.errors).
Another hub's object does not exist here (404).
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody

from casushub.crosstenant.onboarding import GemeenteAanmelding, valideer
from casushub.platform.hub.beheer_api import (
    gebruikers_van_hub,
    gemeente_van_hub,
    organisatie_van_hub,
    schakel_gebruiker_uit,
    wijzig_organisatie,
)
from casushub.platform.hub.gebruikers import nodig_uit
from casushub.platform.hub.gemeenten import alle_gemeenten
from casushub.platform.hub.organisaties import alle_organisaties
from casushub.platform.identity.deactivation import DeactivationRefused
from casushub.platform.identity.organisations import OrganisationClash, create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.jobs import get_job
from casushub.platform.registry import RegistryError
from casushub.web.api.antwoorden import (
    PROBLEM_JSON,
    Aanmelding,
    ClaimkoppelingWeergave,
    Gebruiker,
    GebruikerRol,
    Gemeente,
    InlogdienstWeergave,
    Organisatie,
    Probleem,
    Taak,
    Uitgenodigd,
    Uitgeschakeld,
    probleem_antwoorden,
)
from casushub.web.api.auth import api_hub_id
from casushub.web.api.invoer import (
    Claimkoppeling,
    Inlogdienst,
    NieuweGemeente,
    NieuweOrganisatie,
    OrganisatieWijziging,
    Uitnodiging,
)
from casushub.web.hub.aanmelding import STATUS_LABELS, start_onboarding, tenant_clash

__all__ = ["OrganisationsApi", "TenantsApi", "UsersApi"]

AnyRequest = Request[Any, Any, State]


def _problem(
    status: int,
    detail: str,
    velden: dict[str, str] | None = None,
    title: str = "De invoer klopt niet",
) -> Response[Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if velden:
        body["fouten"] = velden
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def _tenant_json(t: Any) -> Gemeente:
    return Gemeente(
        id=t.id,
        slug=t.slug,
        naam=t.name,
        gemeentecode=t.gemeentecode,
        status=t.status,
        status_label=STATUS_LABELS.get(t.status, t.status),
        schema_revision=t.schema_revision,
        verwerkersovereenkomst=t.verwerkersovereenkomst,
    )


class TenantsApi(Controller):
    path = "/tenants"

    @get("", summary="Gemeenten van de hub", responses=probleem_antwoorden())
    async def lijst(self, request: AnyRequest, state: State) -> list[Gemeente]:
        hub_id = api_hub_id(request)
        async with state.engine.connect() as conn:
            rows = await alle_gemeenten(conn, hub_id)
        return [_tenant_json(t) for t in rows]

    @get("/{tenant_id:uuid}", summary="Eén gemeente", responses=probleem_antwoorden(400, 404))
    async def een(
        self, request: AnyRequest, state: State, tenant_id: FromPath[uuid.UUID]
    ) -> Gemeente:
        hub_id = api_hub_id(request)
        async with state.engine.connect() as conn:
            row = await gemeente_van_hub(conn, hub_id, tenant_id)
        if row is None:
            raise NotFoundException
        return _tenant_json(row)

    @post(
        "",
        summary="Gemeente aanmelden (provisioning als achtergrondtaak)",
        description=(
            "Een korte naam of gemeentecode die al in gebruik is: 409. De einddatum van de "
            "verwerkersovereenkomst moet na de ingangsdatum liggen (422; het schema kan dat "
            "niet uitdrukken)."
        ),
        status_code=202,
        responses=probleem_antwoorden(400, 409, 422),
    )
    async def aanmelden(
        self, request: AnyRequest, state: State, data: JSONBody[NieuweGemeente]
    ) -> Response[Aanmelding | Probleem]:
        hub_id = api_hub_id(request)
        if fouten := data.als_dan_fouten():
            return _problem(422, " ".join(fouten.values()), fouten)
        a = GemeenteAanmelding(
            naam=data.naam,
            gemeentecode=data.gemeentecode,
            slug=data.slug,
            contactpunt_functie=data.contactpunt_functie,
            contactpunt_postadres=data.contactpunt_postadres,
            contactpunt_email=data.contactpunt_email,
            verwerkersovereenkomst=data.verwerkersovereenkomst,
            verwerkersovereenkomst_start=data.verwerkersovereenkomst_start,
            verwerkersovereenkomst_eind=data.verwerkersovereenkomst_eind,
            situatie=data.situatie.value,
            bsn_toegestaan=data.bsn_toegestaan,
            bsn_grondslag=data.bsn_grondslag,
        )
        if fouten := valideer(a):
            return _problem(422, " ".join(fouten.values()), fouten)
        if fouten := await tenant_clash(state, a):
            return _problem(409, " ".join(fouten.values()), fouten, title=_BEZET)
        job_id = await start_onboarding(state, None, hub_id, a)
        return Response(
            Aanmelding(job=job_id),
            status_code=202,
            headers={"Location": f"/api/v1/jobs/{job_id}"},
        )


_BEZET = "Al in gebruik"


class JobsApi(Controller):
    path = "/jobs"

    @get(
        "/{job_id:uuid}",
        summary="Voortgang van een aanmelding",
        responses=probleem_antwoorden(400, 404),
    )
    async def taak(self, request: AnyRequest, state: State, job_id: FromPath[uuid.UUID]) -> Taak:
        hub_id = api_hub_id(request)
        job = await get_job(state.engine, job_id)
        if job is None or job.params.get("hub_id") != str(hub_id):
            raise NotFoundException
        return Taak(
            id=job.id, status=job.status, done=job.done, total=job.total, bericht=job.message
        )


def _of_none(values: list[Any] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(str(v) for v in values)


def _koppeling(k: Claimkoppeling) -> dict[str, Any]:
    bereik = {"tenant": k.gemeente, "hub": k.hub}
    return {
        "claim": k.claim,
        "value": k.waarde,
        "role": k.rol.value,
        **{sleutel: slug for sleutel, slug in bereik.items() if slug},
    }


def _inlogdienst_json(provider: Any) -> InlogdienstWeergave:
    return InlogdienstWeergave(
        issuer=provider.issuer,
        client_id=provider.client_id,
        scopes=provider.scopes,
        allowed_algorithms=list(provider.allowed_algorithms),
        required_acr=list(provider.required_acr),
        trusted_audiences=list(provider.trusted_audiences or ()),
        claim_mappings=[
            ClaimkoppelingWeergave(
                claim=str(k.get("claim", "")),
                waarde=str(k.get("value", "")),
                rol=str(k.get("role", "")),
                gemeente=k.get("tenant"),
                hub=k.get("hub"),
            )
            for k in provider.claim_mappings
        ],
        post_logout_redirect_uri=provider.post_logout_redirect_uri,
    )


def _org_json(o: Any, provider: Any = None) -> Organisatie:
    return Organisatie(
        id=o.id,
        slug=o.slug,
        naam=o.name,
        type=o.type,
        email_domeinen=list(o.email_domains),
        actief=o.active,
        # The client secret is never returned.
        inlogdienst=_inlogdienst_json(provider) if provider else None,
    )


async def _org(state: State, hub_id: uuid.UUID, organisation_id: uuid.UUID) -> tuple[Any, Any]:
    async with state.engine.connect() as conn:
        gevonden = await organisatie_van_hub(conn, hub_id, organisation_id)
    if gevonden is None:
        raise NotFoundException
    return gevonden


class OrganisationsApi(Controller):
    path = "/organisations"

    @get("", summary="Organisaties van de hub", responses=probleem_antwoorden())
    async def lijst(self, request: AnyRequest, state: State) -> list[Organisatie]:
        hub_id = api_hub_id(request)
        async with state.engine.connect() as conn:
            rows = await alle_organisaties(conn, hub_id)
        return [_org_json(o) for o in rows]

    @get(
        "/{organisation_id:uuid}",
        summary="Eén organisatie",
        responses=probleem_antwoorden(400, 404),
    )
    async def een(
        self, request: AnyRequest, state: State, organisation_id: FromPath[uuid.UUID]
    ) -> Organisatie:
        return _org_json(*await _org(state, api_hub_id(request), organisation_id))

    @post(
        "",
        summary="Organisatie toevoegen",
        description="Een korte naam of e-maildomein dat al in gebruik is: 409.",
        status_code=201,
        responses=probleem_antwoorden(400, 409, 422),
    )
    async def maak(
        self, request: AnyRequest, state: State, data: JSONBody[NieuweOrganisatie]
    ) -> Response[Organisatie | Probleem]:
        hub_id = api_hub_id(request)
        try:
            async with state.engine.begin() as conn:
                org_id = await create_organisation(
                    conn,
                    slug=data.slug,
                    name=data.naam,
                    type=data.type.value,
                    email_domains=data.email_domeinen,
                    hub_id=hub_id,
                )
        except OrganisationClash as exc:
            veld = {"email_domains": "email_domeinen"}.get(exc.field or "", exc.field or "slug")
            return _problem(409, exc.message, {veld: exc.message}, title=_BEZET)
        except RegistryError as exc:
            return _problem(422, exc.message, {exc.field or "algemeen": exc.message})
        return Response(_org_json(*await _org(state, hub_id, org_id)), status_code=201)

    @put(
        "/{organisation_id:uuid}",
        summary="Organisatie wijzigen",
        description=(
            "Met `actief: false` wordt de organisatie uitgeschakeld en eindigen alle sessies "
            "van haar gebruikers. De eigen organisatie van de hub en de laatste organisatie "
            "met een actieve hubbeheerder kunnen niet worden uitgeschakeld (409)."
        ),
        responses=probleem_antwoorden(400, 404, 409, 422),
    )
    async def wijzig(
        self,
        request: AnyRequest,
        state: State,
        organisation_id: FromPath[uuid.UUID],
        data: JSONBody[OrganisatieWijziging],
    ) -> Response[Organisatie | Probleem]:
        hub_id = api_hub_id(request)
        await _org(state, hub_id, organisation_id)
        try:
            # One transaction: when switching off is refused, the name is not changed either.
            async with state.engine.begin() as conn:
                await wijzig_organisatie(conn, organisation_id, actief=data.actief, naam=data.naam)
        except DeactivationRefused as exc:
            return _problem(
                409, exc.message, {"actief": exc.message}, title="Uitschakelen niet toegestaan"
            )
        return Response(_org_json(*await _org(state, hub_id, organisation_id)))

    @put(
        "/{organisation_id:uuid}/provider",
        summary="Inlogdienst instellen (het geheim wordt nooit teruggegeven)",
        responses=probleem_antwoorden(400, 404, 422),
    )
    async def provider(
        self,
        request: AnyRequest,
        state: State,
        organisation_id: FromPath[uuid.UUID],
        data: JSONBody[Inlogdienst],
    ) -> Response[Organisatie | Probleem]:
        from casushub.web.hub.verbinding import issuer_fout

        hub_id = api_hub_id(request)
        await _org(state, hub_id, organisation_id)
        if fout := issuer_fout(data.issuer):
            return _problem(422, fout, {"issuer": fout})
        try:
            async with state.engine.begin() as conn:
                await save_provider(
                    conn,
                    state.settings,
                    organisation_id=organisation_id,
                    issuer=data.issuer.strip(),
                    client_id=data.client_id.strip(),
                    client_secret=data.client_secret,
                    scopes=data.scopes,
                    allowed_algorithms=_of_none(data.allowed_algorithms),
                    required_acr=_of_none(data.required_acr),
                    trusted_audiences=_of_none(data.trusted_audiences),
                    claim_mappings=None
                    if data.claim_mappings is None
                    else tuple(_koppeling(k) for k in data.claim_mappings),
                    post_logout_redirect_uri=data.post_logout_redirect_uri,
                )
        except RegistryError as exc:
            return _problem(422, exc.message, {exc.field or "algemeen": exc.message})
        return Response(_org_json(*await _org(state, hub_id, organisation_id)))


class UsersApi(Controller):
    path = "/users"

    @get("", summary="Gebruikers van de organisaties van de hub", responses=probleem_antwoorden())
    async def lijst(self, request: AnyRequest, state: State) -> list[Gebruiker]:
        hub_id = api_hub_id(request)
        async with state.engine.connect() as conn:
            gebruikers = await gebruikers_van_hub(conn, hub_id)
        return [
            Gebruiker(
                id=r.id,
                naam=r.name,
                email=r.email,
                actief=r.active,
                organisatie=r.slug,
                laatst_ingelogd=r.last_login_at.isoformat() if r.last_login_at else None,
                rollen=[GebruikerRol(rol=m.role, gemeente=m.tenant_id) for m in rollen],
            )
            for r, rollen in gebruikers
        ]

    @post(
        "/invitations",
        summary="Gebruiker uitnodigen",
        description=(
            "Een organisatie of gemeente die niet bij de hub van het token hoort: 404. Een "
            "e-mailadres buiten de domeinen van de organisatie, of een rol in een gemeente voor "
            "een medewerker van de hub zelf: 409."
        ),
        status_code=201,
        responses=probleem_antwoorden(400, 404, 409, 422),
    )
    async def uitnodigen(
        self, request: AnyRequest, state: State, data: JSONBody[Uitnodiging]
    ) -> Response[Uitgenodigd | Probleem]:
        hub_id = api_hub_id(request)
        if fouten := data.als_dan_fouten():
            return _problem(422, " ".join(fouten.values()), fouten)
        fouten = await nodig_uit(
            state.engine,
            hub_id,
            None,
            data.organisatie_id,
            data.email,
            data.rol.value,
            data.gemeente_ids,
        )
        if fouten:
            # What the schema cannot know: objects outside this hub (they do not exist here)
            # and what clashes with the organisation as it is.
            status = 404 if {"organisatie", "gemeenten"} & set(fouten) else 409
            titel = "Bestaat niet in deze hub" if status == 404 else "Past niet bij de organisatie"
            return _problem(status, " ".join(fouten.values()), fouten, title=titel)
        return Response(Uitgenodigd(uitgenodigd=data.email.strip().lower()), status_code=201)

    @post(
        "/{user_id:uuid}/deactivate",
        summary="Gebruiker uitschakelen",
        status_code=200,
        responses=probleem_antwoorden(400, 404),
    )
    async def uitschakelen(
        self, request: AnyRequest, state: State, user_id: FromPath[uuid.UUID]
    ) -> Uitgeschakeld:
        hub_id = api_hub_id(request)
        async with state.engine.begin() as conn:
            beeindigd = await schakel_gebruiker_uit(conn, hub_id, user_id)
        if beeindigd is None:
            raise NotFoundException
        return Uitgeschakeld(id=user_id, actief=False, sessies_beeindigd=beeindigd)
