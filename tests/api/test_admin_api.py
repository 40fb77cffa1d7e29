"""Admin API: bearer tokens only, hub-scoped, problem+json errors, OpenAPI schema."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from casushub.crosstenant.onboarding import GemeenteAanmelding, meld_gemeente_aan
from casushub.platform.database import create_admin_engine
from casushub.platform.hub.api_tokens import maak_token, trek_in
from casushub.platform.identity.memberships import grant_membership
from casushub.platform.identity.models import IdentitySession, OidcProvider, Organisation, User
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Hub
from casushub.platform.registry import create_hub
from casushub.web.app import SESSION_COOKIE, create_app, session_config
from casushub.web.auth.testing import create_signed_in_session

Client = AsyncTestClient[Litestar]


def _aanmelding(code: str) -> GemeenteAanmelding:
    return GemeenteAanmelding(
        naam=f"Gemeente {code}",
        gemeentecode=code,
        slug=f"api{code}",
        contactpunt_functie="de burgemeester",
        contactpunt_postadres="Postbus 1",
        contactpunt_email=f"cp@g{code}.test",
        verwerkersovereenkomst=f"VWO-{code}",
        verwerkersovereenkomst_start=date(2025, 7, 1),
        verwerkersovereenkomst_eind=None,
        situatie="zvh",
    )


@pytest.fixture
async def twee_hubs(database_factory: Any) -> AsyncIterator[dict[str, Any]]:
    """A fresh database with hubs X and Y, a municipality and a token each."""
    settings = await database_factory()
    engine = create_admin_engine(settings)
    await create_hub(engine, slug="hubx", name="Hub X")
    await create_hub(engine, slug="huby", name="Hub Y")
    async with engine.connect() as conn:
        hubs = dict((await conn.execute(select(Hub.slug, Hub.id))).all())
    data: dict[str, Any] = {"settings": settings, "engine": engine}
    for naam, code in (("x", "6101"), ("y", "6102")):
        hub_id = hubs[f"hub{naam}"]
        tenant = await meld_gemeente_aan(engine, settings, hub_id, _aanmelding(code))
        async with engine.begin() as conn:
            _, token = await maak_token(conn, hub_id, f"token {naam}", 30, None)
        data[naam] = {"hub_id": hub_id, "tenant": tenant, "token": token}
    async with AsyncTestClient(
        create_app(settings), session_config=session_config(settings)
    ) as client:
        data["client"] = client
        yield data
    await engine.dispose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_api_scoped_to_token_hub(twee_hubs: dict[str, Any]) -> None:
    client: Client = twee_hubs["client"]
    x, y = twee_hubs["x"], twee_hubs["y"]
    lijst = await client.get("/api/v1/tenants", headers=bearer(x["token"]))
    assert lijst.status_code == 200
    assert [t["slug"] for t in lijst.json()] == [x["tenant"].slug]
    assert (
        await client.get(f"/api/v1/tenants/{x['tenant'].id}", headers=bearer(x["token"]))
    ).status_code == 200
    ander = await client.get(f"/api/v1/tenants/{y['tenant'].id}", headers=bearer(x["token"]))
    assert ander.status_code == 404
    assert ander.headers["content-type"].startswith("application/problem+json")
    # Organisations: create in X, invisible and unchangeable from Y.
    nieuw = await client.post(
        "/api/v1/organisations",
        json={
            "slug": "politie_x",
            "naam": "Politie X",
            "type": "politie",
            "email_domeinen": ["politie-x.test"],
        },
        headers=bearer(x["token"]),
    )
    assert nieuw.status_code == 201, nieuw.text
    org_id = nieuw.json()["id"]
    dubbel = await client.post(
        "/api/v1/organisations",
        json={
            "slug": "politie_y",
            "naam": "Politie Y",
            "type": "politie",
            "email_domeinen": ["politie-x.test"],
        },
        headers=bearer(y["token"]),
    )
    # A clash with what exists is a conflict (409), not invalid input: the body is valid.
    assert dubbel.status_code == 409
    assert "e-maildomeinen is al in gebruik" in dubbel.json()["detail"]
    for methode, pad, body in (
        ("GET", f"/api/v1/organisations/{org_id}", None),
        ("PUT", f"/api/v1/organisations/{org_id}", {"naam": "Gekaapt"}),
        (
            "PUT",
            f"/api/v1/organisations/{org_id}/provider",
            {"issuer": "https://idp.test", "client_id": "c", "client_secret": "s"},
        ),
    ):
        response = await client.request(methode, pad, json=body, headers=bearer(y["token"]))
        assert response.status_code == 404, pad
    assert org_id not in {
        o["id"]
        for o in (await client.get("/api/v1/organisations", headers=bearer(y["token"]))).json()
    }
    # Provider: malformed issuer refused, the secret is never returned.
    slecht = await client.put(
        f"/api/v1/organisations/{org_id}/provider",
        json={"issuer": "http://idp.test", "client_id": "c", "client_secret": "geheim-123"},
        headers=bearer(x["token"]),
    )
    assert slecht.status_code == 422
    assert "https-adres" in slecht.json()["detail"]
    goed = await client.put(
        f"/api/v1/organisations/{org_id}/provider",
        json={
            "issuer": "https://idp-x.test",
            "client_id": "casushub",
            "client_secret": "geheim-123",
        },
        headers=bearer(x["token"]),
    )
    assert goed.status_code == 200
    assert "geheim-123" not in goed.text
    assert goed.json()["inlogdienst"] == {
        "issuer": "https://idp-x.test",
        "client_id": "casushub",
        "scopes": "openid email profile",
        "allowed_algorithms": ["RS256"],
        "required_acr": [],
        "trusted_audiences": [],
        "claim_mappings": [],
        "post_logout_redirect_uri": None,
    }
    # MFA level and claim mappings set through the API, then kept by a call that leaves them
    # out (it reset them: the endpoint never passed them on).
    koppeling = {"claim": "groups", "waarde": "regie", "rol": "gemeente_regie", "gemeente": None}
    mfa = await client.put(
        f"/api/v1/organisations/{org_id}/provider",
        json={
            "issuer": "https://idp-x.test",
            "client_id": "casushub",
            "client_secret": "geheim-123",
            "required_acr": ["urn:mfa"],
            "claim_mappings": [{k: v for k, v in koppeling.items() if v}],
            "allowed_algorithms": ["ES256"],
        },
        headers=bearer(x["token"]),
    )
    assert mfa.status_code == 200, mfa.text
    opnieuw = await client.put(
        f"/api/v1/organisations/{org_id}/provider",
        json={"issuer": "https://idp-x.test", "client_id": "casushub", "client_secret": "ander"},
        headers=bearer(x["token"]),
    )
    assert opnieuw.status_code == 200
    getoond = await client.get(f"/api/v1/organisations/{org_id}", headers=bearer(x["token"]))
    inlogdienst = getoond.json()["inlogdienst"]
    assert inlogdienst["required_acr"] == ["urn:mfa"]
    assert inlogdienst["claim_mappings"] == [{**koppeling, "hub": None}]
    assert inlogdienst["allowed_algorithms"] == ["ES256"]
    # The platform operator's role is never handed out through claims.
    operator = await client.put(
        f"/api/v1/organisations/{org_id}/provider",
        json={
            "issuer": "https://idp-x.test",
            "client_id": "casushub",
            "client_secret": "ander",
            "claim_mappings": [{"claim": "g", "waarde": "x", "rol": "platform_operator"}],
        },
        headers=bearer(x["token"]),
    )
    assert operator.status_code in {400, 422}
    async with twee_hubs["engine"].connect() as conn:
        assert (
            await conn.execute(
                select(OidcProvider.id).where(OidcProvider.organisation_id == uuid.UUID(org_id))
            )
        ).first()
    # Users: invite into X's organisation for X's municipality; Y cannot.
    uitnodiging = {
        "organisatie_id": org_id,
        "email": "agent@politie-x.test",
        "rol": "participant",
        "gemeente_ids": [str(x["tenant"].id)],
    }
    assert (
        await client.post("/api/v1/users/invitations", json=uitnodiging, headers=bearer(x["token"]))
    ).status_code == 201
    geweigerd = await client.post(
        "/api/v1/users/invitations", json=uitnodiging, headers=bearer(y["token"])
    )
    # Another hub's organisation does not exist for Y's token.
    assert geweigerd.status_code == 404
    assert "organisatie van deze hub" in geweigerd.text
    # Tenant onboarding validates like the screen.
    fout = await client.post(
        "/api/v1/tenants",
        json={
            "naam": "",
            "gemeentecode": "1",
            "slug": "X",
            "contactpunt_functie": "",
            "contactpunt_postadres": "",
            "contactpunt_email": "nee",
            "verwerkersovereenkomst": "",
            "verwerkersovereenkomst_start": "gisteren",
            "situatie": "?",
        },
        headers=bearer(x["token"]),
    )
    assert fout.status_code == 422
    assert fout.headers["content-type"].startswith("application/problem+json")
    assert {"naam", "contactpunt_email", "verwerkersovereenkomst_start"} <= set(
        fout.json()["fouten"]
    )


async def test_api_users_of_the_token_hub_only(twee_hubs: dict[str, Any]) -> None:
    """The users list and switching a user off see the token's hub only, with every role."""
    client: Client = twee_hubs["client"]
    x, y = twee_hubs["x"], twee_hubs["y"]
    engine, settings = twee_hubs["engine"], twee_hubs["settings"]
    # A hub admin of each hub; X's also plans cases in X's municipality.
    eigen, ander = [
        await create_signed_in_session(
            engine,
            settings,
            role=Role.HUB_ADMIN,
            hub_id=hub["hub_id"],
            organisation_type=OrganisationType.HUB,
        )
        for hub in (x, y)
    ]
    async with engine.begin() as conn:
        await grant_membership(
            conn,
            user_id=eigen.user_id,
            organisation_id=eigen.organisation_id,
            role=Role.GEMEENTE_REGIE,
            tenant_id=x["tenant"].id,
        )
        slug = await conn.scalar(
            select(Organisation.slug).where(Organisation.id == eigen.organisation_id)
        )
    lijst = await client.get("/api/v1/users", headers=bearer(x["token"]))
    assert lijst.status_code == 200
    gebruikers = {g["id"]: g for g in lijst.json()}
    assert str(ander.user_id) not in gebruikers
    gebruiker = gebruikers[str(eigen.user_id)]
    assert gebruiker["actief"] is True
    assert gebruiker["organisatie"] == slug
    assert sorted(gebruiker["rollen"], key=lambda r: r["rol"]) == [
        {"rol": Role.GEMEENTE_REGIE.value, "gemeente": str(x["tenant"].id)},
        {"rol": Role.HUB_ADMIN.value, "gemeente": None},
    ]
    # Another hub's user does not exist here: nothing changes, their session lives on.
    niet = await client.post(
        f"/api/v1/users/{ander.user_id}/deactivate", headers=bearer(x["token"])
    )
    assert niet.status_code == 404
    async with engine.connect() as conn:
        assert await conn.scalar(select(User.active).where(User.id == ander.user_id))
        assert (
            await conn.scalar(
                select(IdentitySession.ended_at).where(IdentitySession.id == ander.session_id)
            )
            is None
        )
    uit = await client.post(f"/api/v1/users/{eigen.user_id}/deactivate", headers=bearer(x["token"]))
    assert uit.status_code == 200
    assert uit.json() == {"id": str(eigen.user_id), "actief": False, "sessies_beeindigd": 1}
    opnieuw = (await client.get("/api/v1/users", headers=bearer(x["token"]))).json()
    assert [g["actief"] for g in opnieuw if g["id"] == str(eigen.user_id)] == [False]


async def test_api_refuses_cookies_and_bad_tokens(twee_hubs: dict[str, Any]) -> None:
    client: Client = twee_hubs["client"]
    x = twee_hubs["x"]
    admin = await create_signed_in_session(
        twee_hubs["engine"],
        twee_hubs["settings"],
        role=Role.HUB_ADMIN,
        hub_id=x["hub_id"],
        organisation_type=OrganisationType.HUB,
    )
    client.cookies.update({SESSION_COOKIE: admin.cookie})
    alleen_cookie = await client.get("/api/v1/tenants")
    assert alleen_cookie.status_code == 401
    assert alleen_cookie.headers["content-type"].startswith("application/problem+json")
    assert (
        await client.get("/api/v1/tenants", headers=bearer("chub_verzonnen"))
    ).status_code == 401
    async with twee_hubs["engine"].begin() as conn:
        token_id, token = await maak_token(conn, x["hub_id"], "kort", 1, None)
    assert (await client.get("/api/v1/tenants", headers=bearer(token))).status_code == 200
    async with twee_hubs["engine"].begin() as conn:
        await trek_in(conn, x["hub_id"], token_id)
    assert (await client.get("/api/v1/tenants", headers=bearer(token))).status_code == 401
    # No CSRF token needed with a bearer token (tokens only, never cookies).
    client.cookies.clear()
    response = await client.post(
        "/api/v1/users/invitations",
        json={"organisatie_id": str(uuid.uuid4()), "email": "a@b.test", "rol": "participant"},
        headers=bearer(x["token"]),
    )
    assert response.status_code == 422


async def test_openapi_schema_served(twee_hubs: dict[str, Any]) -> None:
    client: Client = twee_hubs["client"]
    schema = await client.get("/api/v1/schema/openapi.json")
    assert schema.status_code == 200
    paden = schema.json()["paths"]
    assert "/api/v1/tenants" in paden
    assert "/api/v1/organisations/{organisation_id}/provider" in paden
