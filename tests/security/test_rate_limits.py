"""Rate limits on the public entry points: sign-in start, callback and the contactpunt form.

The counts live in PostgreSQL (shared by all web processes) and are keyed with the app's
secret: each test's app gets a secret of its own, so other tests' sign-ins do not count.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypedDict

import pytest
import yaml
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import csrf_token
from sqlalchemy.ext.asyncio import AsyncEngine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.app import CSRF_HEADER, create_app, session_config


class _Limits(TypedDict):
    login_limiet_client: int
    login_limiet_account: int
    contactpunt_limiet_client: int


LIMITS: _Limits = {
    "login_limiet_client": 8,
    "login_limiet_account": 3,
    "contactpunt_limiet_client": 4,
}
DUTCH = "te vaak"


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    # A fresh secret per test: the counts are keyed by it, so every test starts at zero.
    small = replace(settings, secret_key=secrets.token_hex(24), **LIMITS)
    async with AsyncTestClient(create_app(small), session_config=session_config(small)) as client:
        yield client


def _refused(response: Any) -> bool:
    if response.status_code != 429:
        return False
    assert "Retry-After" in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "Te veel verzoeken" in response.text
    return True


async def test_login_start_is_limited_per_account_and_per_client(
    limited: AsyncTestClient[Litestar],
) -> None:
    token = await csrf_token(limited)

    async def start(email: str) -> Any:
        return await limited.post(
            "/auth/login", data={"email": email}, headers={CSRF_HEADER: token}
        )

    for _ in range(LIMITS["login_limiet_account"]):
        assert not _refused(await start("iemand@onbekend.test"))
    refused = await start("Iemand@Onbekend.test ")
    assert _refused(refused), refused.status_code
    assert DUTCH in refused.text
    # Another account from the same client still gets through, until the client's limit (a
    # refused attempt does not count).
    for counted in range(LIMITS["login_limiet_account"], LIMITS["login_limiet_client"]):
        assert not _refused(await start(f"ander{counted}@onbekend.test"))
    assert _refused(await start("nog.een@onbekend.test"))


async def test_callback_is_limited_per_client(limited: AsyncTestClient[Litestar]) -> None:
    statuses = [
        (await limited.get("/auth/callback", params={"code": "x", "state": "y"})).status_code
        for _ in range(LIMITS["login_limiet_client"])
    ]
    assert 429 not in statuses, statuses
    refused = await limited.get("/auth/callback", params={"code": "x", "state": "y"})
    assert _refused(refused)
    assert DUTCH in refused.text


async def test_contactpunt_form_is_limited_per_client(
    limited: AsyncTestClient[Litestar], world: Any
) -> None:
    slug = world.sides["A"].tenant.slug
    token = await csrf_token(limited)
    for _ in range(LIMITS["contactpunt_limiet_client"]):
        response = await limited.post(f"/contactpunt/{slug}", data={}, headers={CSRF_HEADER: token})
        assert response.status_code == 422
    assert _refused(
        await limited.post(f"/contactpunt/{slug}", data={}, headers={CSRF_HEADER: token})
    )


# --- limits that fit a municipal office: many people behind one NAT address -------------------


@pytest.fixture
def own(settings: Settings) -> Settings:
    """The configured default limits with fresh counts (a secret of its own), and an encryption
    key of its own that the organisation below is saved with."""
    return replace(
        settings,
        secret_key=secrets.token_hex(24),
        encryption_key=base64.b64encode(secrets.token_bytes(32)).decode(),
    )


@pytest.fixture
async def defaults(own: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(create_app(own), session_config=session_config(own)) as client:
        yield client


@pytest.fixture
async def organisation_domain(admin_engine: AsyncEngine, own: Settings, dev_idp: DevIdp) -> str:
    """An organisation that signs in at the development provider; its e-mail domain."""
    suffix = secrets.token_hex(3)
    domain = f"kantoor{suffix}.test"
    async with admin_engine.begin() as conn:
        org_id = await create_organisation(
            conn, slug=f"kantoor_{suffix}", name="Kantoor", type="gemeente", email_domains=[domain]
        )
        await save_provider(
            conn,
            own,
            organisation_id=org_id,
            issuer=dev_idp.issuers["a"],
            client_id="casushub",
            client_secret="test-geheim-a-0123456789",
        )
    return domain


async def test_an_office_behind_one_address_is_not_locked_out_but_one_account_is(
    defaults: AsyncTestClient[Litestar], organisation_domain: str
) -> None:
    token = await csrf_token(defaults)

    async def start(email: str) -> Any:
        return await defaults.post(
            "/auth/login", data={"email": email}, headers={CSRF_HEADER: token}
        )

    # 150 colleagues sign in from the town hall's one address within ten minutes.
    statuses = [
        (await start(f"medewerker{n}@{organisation_domain}")).status_code for n in range(150)
    ]
    assert statuses == [200] * 150, sorted(set(statuses))
    # One account hammering is stopped at its own limit ...
    hammer = f"medewerker0@{organisation_domain}"
    for _ in range(Settings.login_limiet_account - 1):
        assert (await start(hammer)).status_code == 200
    refused = await start(hammer)
    assert _refused(refused)
    assert DUTCH in refused.text
    # ... while the colleagues behind the same address go on.
    assert (await start(f"nog.een@{organisation_domain}")).status_code == 200


async def test_sign_in_starts_are_limited_per_organisation(
    own: Settings, organisation_domain: str
) -> None:
    small = replace(own, login_limiet_organisatie=4)
    async with AsyncTestClient(create_app(small), session_config=session_config(small)) as client:
        token = await csrf_token(client)
        for n in range(4):
            sent = await client.post(
                "/auth/login",
                data={"email": f"collega{n}@{organisation_domain}"},
                headers={CSRF_HEADER: token},
            )
            assert sent.status_code == 200, sent.text
        refused = await client.post(
            "/auth/login",
            data={"email": f"collega9@{organisation_domain}"},
            headers={CSRF_HEADER: token},
        )
        assert _refused(refused)
        assert "uw organisatie" in refused.text
        # Another organisation (here: an unknown domain) is not affected.
        other = await client.post(
            "/auth/login", data={"email": "iemand@elders.test"}, headers={CSRF_HEADER: token}
        )
        assert other.status_code == 400
        assert "hoort niet bij een organisatie" in other.text


async def test_a_front_desk_behind_one_address_can_send_requests_for_many_people(
    defaults: AsyncTestClient[Litestar],
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    tenant = await fresh_tenant()
    token = await csrf_token(defaults)
    statuses = []
    for n in range(15):
        sent = await defaults.post(
            f"/contactpunt/{tenant.slug}",
            data={
                **FORMULIER,
                "email": f"inwoner{n}@voorbeeld.nl",
                "gemeente_van_verblijf": tenant.slug.removeprefix("eigen_"),
            },
            headers={CSRF_HEADER: token},
            follow_redirects=False,
        )
        statuses.append(sent.status_code)
    assert statuses == [303] * 15, statuses
    # One e-mail address is still limited on its own.
    same = {
        **FORMULIER,
        "email": "inwoner0@voorbeeld.nl",
        "gemeente_van_verblijf": tenant.slug.removeprefix("eigen_"),
    }
    for _ in range(Settings.contactpunt_limiet_email - 1):
        sent = await defaults.post(
            f"/contactpunt/{tenant.slug}", data=same, headers={CSRF_HEADER: token}
        )
        assert sent.status_code in (200, 303)
    assert _refused(
        await defaults.post(f"/contactpunt/{tenant.slug}", data=same, headers={CSRF_HEADER: token})
    )


FORMULIER = {
    "type": "inzage",
    "naam": "Fatima el Amrani",
    "geboortedatum": "17-03-1990",
    "telefoon": "",
    "adres": "",
    "bericht": "Ik wil weten wat er over mij is vastgelegd.",
    "website": "",
}


def _chart_values(name: str) -> dict[str, Any]:
    path = Path(__file__).resolve().parents[2] / "helm" / "casushub" / name
    values: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return values


async def _client_seen_by_app(trusted: str, peer: str, forwarded_for: str) -> str:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["client"][0])

    middleware = ProxyHeadersMiddleware(app, trusted_hosts=trusted)
    scope = {
        "type": "http",
        "scheme": "http",
        "client": (peer, 40000),
        "headers": [(b"x-forwarded-for", forwarded_for.encode())],
    }
    await middleware(scope, None, None)  # type: ignore[arg-type]  # the app reads only the scope
    return seen[0]


@pytest.mark.parametrize("values", ["values.yaml", "ci/production-values.yaml"])
async def test_the_chart_trusts_forwarded_headers_only_as_far_as_the_ingress(values: str) -> None:
    """uvicorn applies FORWARDED_ALLOW_IPS to X-Forwarded-For before the limits see an address.

    A client may send its own X-Forwarded-For; an ingress that appends to it hands the web pod
    "<made up>, <real client>". The limits must see the real client, whatever it made up.
    """
    trusted = _chart_values(values)["config"]["forwardedAllowIps"]
    ingress_pod = "10.42.7.12"
    spoofed = await _client_seen_by_app(trusted, ingress_pod, "6.6.6.6, 203.0.113.9")
    assert spoofed == "203.0.113.9", trusted
    # An ingress that replaces the header: the one address it names.
    assert await _client_seen_by_app(trusted, ingress_pod, "203.0.113.9") == "203.0.113.9"
    # A peer outside the trusted range cannot choose its address at all.
    assert await _client_seen_by_app(trusted, "203.0.113.50", "6.6.6.6") == "203.0.113.50"
