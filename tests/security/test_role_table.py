"""Authorization by role: every route's declared audience, pinned in a table here.

A changed or new declaration fails ``test_declarations_match_the_table`` until this table is
updated in the same change (so a widened audience is always a reviewed diff). The guard is then
exercised for real: every role a route does not admit is refused, and so is an anonymous visitor.
"""

# The table keys are whole route paths, some longer than a line: kept greppable, not split.
# ruff: noqa: E501
from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import (
    PUBLIC,
    SIGNED_IN,
    UNSAFE,
    csrf_token,
    declaration,
    enumerate_routes,
    fill_path,
    use_session,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.signalen.models import Signaal, SignaalStatus
from casushub.web.app import CSRF_HEADER, session_config

REGIE, PR, DEELN, DERDE = (
    Role.GEMEENTE_REGIE,
    Role.PROCESREGISSEUR,
    Role.PARTICIPANT,
    Role.INVITED_PARTY,
)
FG, CP, HUB, OPS = Role.FG_AUDITOR, Role.CONTACTPUNT, Role.HUB_ADMIN, Role.PLATFORM_OPERATOR
API = "api:hub_admin"  # bearer API token of a hub (casushub.web.auth.guards.api_token)

EXPECTED: dict[str, frozenset[Role] | str] = {
    "GET /": PUBLIC,
    "GET /contactpunt": PUBLIC,
    "GET /api/v1/jobs/{job_id:uuid}": API,
    "GET /api/v1/organisations": API,
    "POST /api/v1/organisations": API,
    "GET /api/v1/organisations/{organisation_id:uuid}": API,
    "PUT /api/v1/organisations/{organisation_id:uuid}": API,
    "PUT /api/v1/organisations/{organisation_id:uuid}/provider": API,
    "GET /api/v1/schema": PUBLIC,
    "GET /api/v1/schema/openapi.json": PUBLIC,
    "GET /api/v1/schema/{path:str}": PUBLIC,
    "GET /api/v1/tenants": API,
    "POST /api/v1/tenants": API,
    "GET /api/v1/tenants/{tenant_id:uuid}": API,
    "GET /api/v1/users": API,
    "POST /api/v1/users/invitations": API,
    "POST /api/v1/users/{user_id:uuid}/deactivate": API,
    "GET /auth/callback": PUBLIC,
    "GET /auth/context": SIGNED_IN,
    "POST /auth/context": SIGNED_IN,
    "GET /auth/geen-toegang": SIGNED_IN,
    "GET /auth/login": PUBLIC,
    "POST /auth/login": PUBLIC,
    "POST /auth/logout": PUBLIC,
    "GET /auth/session": PUBLIC,
    "POST /auth/session/verlengen": SIGNED_IN,
    "GET /auth/uitgelogd": PUBLIC,
    "GET /beheer/gebruikers/{user_id:uuid}/sessies": frozenset({HUB, OPS}),
    "POST /beheer/sessies/{session_id:uuid}/intrekken": frozenset({HUB, OPS}),
    "GET /bewaartermijnen": frozenset({FG, PR, REGIE}),
    "POST /bewaartermijnen": frozenset({REGIE}),
    "GET /bewaartermijnen/proefrun": frozenset({FG, PR, REGIE}),
    "GET /bewaartermijnen/vernietigingsbewijzen": frozenset({FG, PR, REGIE}),
    "GET /casusoverleg": frozenset({DEELN, DERDE, PR, REGIE}),
    "GET /casusoverleg/agendapunten/{agendapunt_id:uuid}": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/agendapunten/{agendapunt_id:uuid}/acties": frozenset({PR, REGIE}),
    "POST /casusoverleg/agendapunten/{agendapunt_id:uuid}/acties/{actie_id:uuid}/interventie": frozenset(
        {PR, REGIE}
    ),
    "POST /casusoverleg/agendapunten/{agendapunt_id:uuid}/notulen": frozenset({PR, REGIE}),
    "GET /casusoverleg/agendapunten/{agendapunt_id:uuid}/notulen.pdf": frozenset(
        {DEELN, PR, REGIE}
    ),
    "GET /casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}": frozenset({DEELN, DERDE, PR, REGIE}),
    "GET /casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}/aanwezigheid": frozenset({PR, REGIE}),
    "POST /casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}/aanwezigheid": frozenset({PR, REGIE}),
    "GET /casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}/agenda.pdf": frozenset(
        {DEELN, PR, REGIE}
    ),
    "GET /casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}/uitnodiging.ics": frozenset(
        {DEELN, DERDE, PR, REGIE}
    ),
    "GET /casusoverleg/bijlagen/{bijlage_id:uuid}": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/afsluiten": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/afsluiten": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/bewaarplicht": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/bewaarplicht": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/bewaarplicht/{blokkade_id:uuid}/opheffen": frozenset(
        {PR, REGIE}
    ),
    "POST /casusoverleg/casussen/{casus_id:uuid}/agenderen": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/bijeenkomsten": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/derden": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/derden": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/export": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/export": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/herbeoordeling": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/herbeoordeling": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/heropenen": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/heropenen": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/informatie": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/informatie": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/informatie/{item_id:uuid}/inzage": frozenset(
        {DEELN, PR, REGIE}
    ),
    "POST /casusoverleg/casussen/{casus_id:uuid}/informatie/{item_id:uuid}/inzage": frozenset(
        {DEELN, PR, REGIE}
    ),
    "POST /casusoverleg/casussen/{casus_id:uuid}/informatie/{item_id:uuid}/inzage/bevestigen": frozenset(
        {DEELN, PR, REGIE}
    ),
    "POST /casusoverleg/casussen/{casus_id:uuid}/informatie/{item_id:uuid}/inzage/opheffen": frozenset(
        {DEELN, PR, REGIE}
    ),
    "POST /casusoverleg/casussen/{casus_id:uuid}/interventies": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/interventies/{interventie_id:uuid}": frozenset(
        {PR, REGIE}
    ),
    "GET /casusoverleg/casussen/{casus_id:uuid}/plan": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/maatregelen": frozenset({DEELN, PR, REGIE}),
    # A participant of the Minister of JenV only (checked by organisation type in the service).
    "GET /casusoverleg/casussen/{casus_id:uuid}/maatregelen/nieuw": frozenset({DEELN}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/maatregelen/nieuw": frozenset({DEELN}),
    # The municipality decides how a measure of the minister fits its plan: not the hub.
    "GET /casusoverleg/maatregelen": frozenset({REGIE}),
    "GET /casusoverleg/maatregelen/{maatregel_id:uuid}/besluit": frozenset({REGIE}),
    "POST /casusoverleg/maatregelen/{maatregel_id:uuid}/besluit": frozenset({REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/rechten": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/plan/vaststellen": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/status": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/uitnodigen": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/uitnodigen": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/verhuizing": frozenset({PR, REGIE}),
    "POST /casusoverleg/casussen/{casus_id:uuid}/verhuizing": frozenset({PR, REGIE}),
    "GET /casusoverleg/casussen/{casus_id:uuid}/verloop": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/informatie/{item_id:uuid}/bijlagen": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/informatie/{item_id:uuid}/tonen": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/overdrachten/{melding_id:uuid}/afgehandeld": frozenset({PR, REGIE}),
    "GET /casusoverleg/signalen/nieuw": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/signalen/nieuw": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/signalen/{signaal_id:uuid}/weging": frozenset({DEELN, PR, REGIE}),
    "POST /casusoverleg/signalen/{signaal_id:uuid}/weging": frozenset({DEELN, PR, REGIE}),
    "GET /casusoverleg/uitnodigingen/{uitnodiging_id:uuid}": frozenset({DERDE}),
    "POST /casusoverleg/uitnodigingen/{uitnodiging_id:uuid}/intrekken": frozenset({PR, REGIE}),
    "POST /casusoverleg/uitnodigingen/{uitnodiging_id:uuid}/accepteren": frozenset({DERDE}),
    "GET /casusoverleg/uitnodigingen/{uitnodiging_id:uuid}/inbrengen": frozenset({DERDE}),
    "POST /casusoverleg/uitnodigingen/{uitnodiging_id:uuid}/inbrengen": frozenset({DERDE}),
    "GET /casusoverleg/op-te-nemen": frozenset({PR, REGIE}),
    "GET /casusoverleg/wegingen/{weging_id:uuid}/opname": frozenset({PR, REGIE}),
    "POST /casusoverleg/wegingen/{weging_id:uuid}/opname": frozenset({PR, REGIE}),
    "GET /casusoverleg/zoeken": frozenset({DEELN, PR, REGIE}),
    "GET /cijfers": frozenset({REGIE}),
    "GET /cijfers/download": frozenset({REGIE}),
    "GET /contactpunt-taken": frozenset({CP, REGIE}),
    "GET /contactpunt-taken/nieuw": frozenset({CP, REGIE}),
    "POST /contactpunt-taken/nieuw": frozenset({CP, REGIE}),
    "GET /contactpunt-taken/overdrachten": frozenset({CP, REGIE}),
    "GET /contactpunt-taken/raadplegingen": frozenset({DEELN, REGIE, DERDE}),
    "POST /contactpunt-taken/raadplegingen/beperken": frozenset({DEELN, REGIE, DERDE}),
    "POST /contactpunt-taken/raadplegingen/{consultatie_id:uuid}": frozenset({DEELN, REGIE, DERDE}),
    "GET /contactpunt-taken/verzoek/{verzoek_id:uuid}": frozenset({CP, REGIE}),
    "POST /contactpunt-taken/verzoek/{verzoek_id:uuid}/koppelen": frozenset({CP, REGIE}),
    "POST /contactpunt-taken/verzoek/{verzoek_id:uuid}/onbekend": frozenset({CP, REGIE}),
    "GET /contactpunt-taken/verzoek/{verzoek_id:uuid}/besluit": frozenset({CP, REGIE}),
    "POST /contactpunt-taken/verzoek/{verzoek_id:uuid}/besluit": frozenset({CP, REGIE}),
    "POST /contactpunt-taken/verzoek/{verzoek_id:uuid}/opheffen": frozenset({CP, REGIE}),
    "GET /contactpunt-taken/rectificatie/{rectificatie_id:uuid}": frozenset(
        {REGIE, PR, CP, DEELN, DERDE, FG}
    ),
    "GET /contactpunt-taken/verbeteringen": frozenset({REGIE, PR, CP, DEELN, DERDE, FG}),
    "GET /contactpunt-taken/verzoek/{verzoek_id:uuid}/inzage/{formaat:str}": frozenset({CP, REGIE}),
    "POST /contactpunt-taken/verzoek/{verzoek_id:uuid}/verlengen": frozenset({CP, REGIE}),
    "GET /contactpunt/{gemeente:str}": PUBLIC,
    "POST /contactpunt/{gemeente:str}": PUBLIC,
    "GET /contactpunt/{gemeente:str}/ontvangen": PUBLIC,
    "GET /contactpunt/{gemeente:str}/huisstijl.css": PUBLIC,
    "GET /contactpunt/{gemeente:str}/logo": PUBLIC,
    "GET /fg": frozenset({FG}),
    "GET /fg/casus": frozenset({FG}),
    "GET /fg/export": frozenset({FG}),
    "GET /fg/gebruiker": frozenset({FG}),
    "GET /fg/instructies": frozenset({FG}),
    "GET /gemeente/beeindiging": frozenset({REGIE}),
    "GET /gemeente/export": frozenset({REGIE}),
    "GET /grens-van-de-wet": frozenset({DEELN, PR, REGIE}),
    "GET /healthz": PUBLIC,
    "GET /hub/api-tokens": frozenset({HUB}),
    "POST /hub/api-tokens": frozenset({HUB}),
    "POST /hub/api-tokens/{token_id:uuid}/intrekken": frozenset({HUB}),
    "GET /hub/audit": frozenset({HUB}),
    "GET /hub/casusoverleggen": frozenset({HUB}),
    "POST /hub/casusoverleggen": frozenset({HUB}),
    "GET /hub/casusoverleggen/{overleg_id:uuid}": frozenset({HUB}),
    "POST /hub/casusoverleggen/{overleg_id:uuid}/bijeenkomsten": frozenset({HUB}),
    "GET /hub/cijfers": frozenset({HUB}),
    "GET /hub/cijfers/download": frozenset({HUB}),
    "GET /hub/cijfers/{tenant_id:uuid}": frozenset({HUB}),
    "GET /hub/cijfers/{tenant_id:uuid}/download": frozenset({HUB}),
    "GET /hub/gebruikers": frozenset({HUB}),
    "GET /hub/gebruikers/review": frozenset({HUB}),
    "POST /hub/gebruikers/review": frozenset({HUB}),
    "POST /hub/gebruikers/uitnodigen": frozenset({HUB}),
    "POST /hub/gebruikers/uitnodigingen/{invitation_id:uuid}/opnieuw": frozenset({HUB}),
    "POST /hub/gebruikers/uitnodigingen/{invitation_id:uuid}/intrekken": frozenset({HUB}),
    "POST /hub/gebruikers/{user_id:uuid}/uitschakelen": frozenset({HUB}),
    "GET /hub/gemeenten": frozenset({HUB}),
    "GET /hub/gemeenten/nieuw": frozenset({HUB}),
    "POST /hub/gemeenten/nieuw": frozenset({HUB}),
    "GET /hub/gemeenten/taken/{job_id:uuid}": frozenset({HUB}),
    "GET /hub/gemeenten/{tenant_id:uuid}": frozenset({HUB}),
    "POST /hub/gemeenten/{tenant_id:uuid}/beeindigen": frozenset({HUB}),
    "POST /hub/gemeenten/{tenant_id:uuid}/deelnemers": frozenset({HUB}),
    "POST /hub/gemeenten/{tenant_id:uuid}/hervatten": frozenset({HUB}),
    "POST /hub/gemeenten/{tenant_id:uuid}/opschorten": frozenset({HUB}),
    "POST /hub/gemeenten/{tenant_id:uuid}/stappen/{stap_id:uuid}": frozenset({HUB}),
    "GET /hub/gemeenten/{tenant_id:uuid}/overgang": frozenset({HUB}),
    "GET /hub/gemeenten/{tenant_id:uuid}/overgang/bestanden/{naam:str}": frozenset({HUB}),
    "GET /hub/gemeenten/{tenant_id:uuid}/overgang/imports/{import_id:uuid}": frozenset({HUB}),
    "POST /hub/gemeenten/{tenant_id:uuid}/overgang/imports/{import_id:uuid}/bevestigen": frozenset(
        {HUB}
    ),
    "POST /hub/gemeenten/{tenant_id:uuid}/overgang/imports/{import_id:uuid}/verwerpen": frozenset(
        {HUB}
    ),
    "POST /hub/gemeenten/{tenant_id:uuid}/overgang/proef": frozenset({HUB}),
    "GET /hub/huisstijl": frozenset({HUB}),
    "POST /hub/huisstijl": frozenset({HUB}),
    "GET /hub/instructies": frozenset({HUB}),
    "POST /hub/instructies": frozenset({HUB}),
    "POST /hub/instructies/training": frozenset({HUB}),
    "GET /hub/organisaties": frozenset({HUB}),
    "GET /hub/overgang/formaat": frozenset({HUB}),
    "GET /hub/organisaties/nieuw": frozenset({HUB}),
    "POST /hub/organisaties/nieuw": frozenset({HUB}),
    "GET /hub/organisaties/{organisation_id:uuid}": frozenset({HUB}),
    "POST /hub/organisaties/{organisation_id:uuid}": frozenset({HUB}),
    "POST /hub/organisaties/{organisation_id:uuid}/inlogdienst": frozenset({HUB}),
    "POST /hub/organisaties/{organisation_id:uuid}/inlogdienst/testen": frozenset({HUB}),
    "GET /huisstijl/{hub_id:uuid}/logo": SIGNED_IN,
    "GET /huisstijl/{hub_id:uuid}/stijl.css": SIGNED_IN,
    "GET /instructies": SIGNED_IN,
    "POST /instructies/accepteren": SIGNED_IN,
    "GET /jobs/{job_id:uuid}": frozenset({CP, DEELN, DERDE, FG, HUB, PR, REGIE}),
    "GET /metrics": PUBLIC,
    "GET /ontwikkeling/patronen": PUBLIC,
    "POST /ontwikkeling/patronen": PUBLIC,
    "POST /ontwikkeling/patronen/verwijderen": PUBLIC,
    "GET /overgang": frozenset({PR, REGIE}),
    "GET /overgang/bestanden/{naam:str}": frozenset({PR, REGIE}),
    "GET /overgang/formaat": frozenset({PR, REGIE}),
    "GET /overgang/imports/{import_id:uuid}": frozenset({REGIE}),
    "POST /overgang/imports/{import_id:uuid}/bevestigen": frozenset({REGIE}),
    "POST /overgang/imports/{import_id:uuid}/verwerpen": frozenset({REGIE}),
    "POST /overgang/proef": frozenset({REGIE}),
    "POST /overgang/termijn": frozenset({REGIE}),
    "GET /overgang/zaken/{zaak_id:uuid}/weging": frozenset({PR, REGIE}),
    "POST /overgang/zaken/{zaak_id:uuid}/weging": frozenset({PR, REGIE}),
    "GET /platform/hubs": frozenset({OPS}),
    "POST /platform/hubs": frozenset({OPS}),
    "GET /platform/hubs/{hub_id:uuid}": frozenset({OPS}),
    "POST /platform/hubs/{hub_id:uuid}": frozenset({OPS}),
    "POST /platform/hubs/{hub_id:uuid}/beheerder": frozenset({OPS}),
    "GET /privacy": PUBLIC,
    "GET /readyz": PUBLIC,
    "GET /static/{file_path:path}": PUBLIC,
    "GET /toegankelijkheid": PUBLIC,
    "GET /werkruimte": SIGNED_IN,
}

# A participant's organisation narrows these routes further: only the weegploeg (the
# kernpartijen gemeente, politie and OM) sees and weighs signals, so a reclassering, Raad voor
# de Kinderbescherming or JenV participant is refused them (the services decide; see
# test_scopes.py for what each screen shows). Route -> the participant organisation types it
# admits; every other route admitted to participants admits every organisation type.
WEEGPLOEG = frozenset({OrganisationType.GEMEENTE, OrganisationType.POLITIE, OrganisationType.OM})
PARTICIPANT_TYPES: dict[str, frozenset[OrganisationType]] = {
    "GET /casusoverleg/signalen/{signaal_id:uuid}/weging": WEEGPLOEG,
    "POST /casusoverleg/signalen/{signaal_id:uuid}/weging": WEEGPLOEG,
}
PARTICIPANT_ORGANISATIONS = [
    t
    for t in OrganisationType
    if t not in {OrganisationType.HUB, OrganisationType.SATELLIETPARTNER}
]


def test_declarations_match_the_table(app: Litestar) -> None:
    routes = enumerate_routes(app)
    undeclared = [r.key for r in routes if declaration(r.opt) == "undeclared"]
    assert not undeclared, f"routes without an access declaration: {undeclared}"
    missing = [r.key for r in routes if r.key not in EXPECTED]
    assert not missing, f"new routes: add them to EXPECTED with their audience: {missing}"
    changed = [
        f"{r.key}: declared {r.allowed!r}, table says {EXPECTED[r.key]!r}"
        for r in routes
        if r.allowed != EXPECTED[r.key]
    ]
    assert not changed, "\n".join(changed)


async def test_guard_refuses_every_role_a_route_does_not_admit(
    app: Litestar, settings: Settings, world: Any
) -> None:
    side = world.sides["A"]
    refused = 0
    failures = []
    routes = [r for r in enumerate_routes(app) if r.allowed != PUBLIC and not r.is_api]
    for role in [*Role, None]:
        async with AsyncTestClient(app, session_config=session_config(settings)) as client:
            if role is not None:
                use_session(client, (await world.sign_in(side, role)).cookie)
            token = await csrf_token(client)
            for route in routes:
                admitted = route.allowed == SIGNED_IN or (
                    not isinstance(route.allowed, str) and role in route.allowed
                )
                if role is not None and admitted:
                    continue
                path = fill_path(route, {}, uuid.uuid4())
                if route.method in UNSAFE:
                    response = await client.request(
                        route.method, path, data={}, headers={CSRF_HEADER: token}
                    )
                else:
                    response = await client.get(path, follow_redirects=False)
                expected = {403} if role is not None else {401, 302, 303}
                if response.status_code not in expected:
                    failures.append(f"{route.key} as {role}: {response.status_code}")
                elif role is None and response.status_code != 401:
                    assert "/auth/login" in response.headers["location"], route.key
                refused += 1
    assert not failures, "\n".join(failures)
    print(f"\nrole guard: {refused} refusals checked over {len(routes)} routes")


async def test_invited_party_and_fg_reach_only_their_screens(
    app: Litestar, settings: Settings, world: Any
) -> None:
    side = world.sides["A"]
    casus_id = side.ids["casus"][0]
    cases = {
        DERDE: {
            "/casusoverleg": 200,
            f"/casusoverleg/casussen/{casus_id}": 403,
            f"/casusoverleg/casussen/{casus_id}/informatie": 403,
            "/casusoverleg/zoeken?q=Demo": 403,
            "/fg": 403,
            "/contactpunt-taken": 403,
        },
        FG: {
            "/fg": 200,
            f"/fg/casus?casus_id={casus_id}": 200,
            f"/casusoverleg/casussen/{casus_id}": 403,
            "/casusoverleg": 403,
            "/contactpunt-taken": 403,
            "/hub/gemeenten": 403,
        },
    }
    for role, expectations in cases.items():
        async with AsyncTestClient(app, session_config=session_config(settings)) as client:
            use_session(client, (await world.sign_in(side, role)).cookie)
            for path, status in expectations.items():
                response = await client.get(path, follow_redirects=False)
                assert response.status_code == status, (role, path, response.status_code)
                if status == 200:
                    # Neither sees case contents on these screens.
                    assert "Volgt weer lessen op het mbo." not in response.text, (role, path)


async def test_participant_routes_by_organisation_type(
    app: Litestar, settings: Settings, app_engine: AsyncEngine, world: Any
) -> None:
    """Each participant organisation type on every participant route: the weegploeg routes
    (with a real signal awaiting its weging) refuse the non-kernpartijen and admit the
    kernpartijen; every participant screen without an id opens for every type."""
    side = world.sides["A"]
    async with tenant_session(app_engine, side.tenant, settings) as s:
        signaal = await s.scalar(
            select(Signaal.id).where(Signaal.status == SignaalStatus.TE_WEGEN).limit(1)
        )
    assert signaal is not None
    routes = [
        r for r in enumerate_routes(app) if not isinstance(r.allowed, str) and DEELN in r.allowed
    ]
    screens = [r for r in routes if r.method == "GET" and not r.params]
    assert set(PARTICIPANT_TYPES) <= {r.key for r in routes}
    assert len(screens) >= 4, [r.key for r in screens]
    failures: list[str] = []
    checked = 0
    for soort in PARTICIPANT_ORGANISATIONS:
        async with AsyncTestClient(app, session_config=session_config(settings)) as client:
            use_session(client, (await world.sign_in_participant(side, soort)).cookie)
            token = await csrf_token(client)
            for route in routes:
                if route.key in PARTICIPANT_TYPES:
                    path = fill_path(route, {"signaal_id": str(signaal)}, uuid.uuid4())
                    # An empty form: refused before anything is written, or 422 (no date).
                    response = await client.request(
                        route.method, path, data={}, headers={CSRF_HEADER: token}
                    )
                    admitted = soort in PARTICIPANT_TYPES[route.key]
                    expected = {200, 422} if admitted else {403}
                elif route in screens:
                    response = await client.get(fill_path(route, {}, uuid.uuid4()))
                    expected = {200}
                else:
                    continue
                checked += 1
                if response.status_code not in expected:
                    failures.append(f"{route.key} as {soort.value}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert checked == len(PARTICIPANT_ORGANISATIONS) * (len(PARTICIPANT_TYPES) + len(screens))
    print(
        f"\nparticipant types: {len(PARTICIPANT_ORGANISATIONS)} types x "
        f"{len(PARTICIPANT_TYPES) + len(screens)} routes = {checked} answers checked"
    )
