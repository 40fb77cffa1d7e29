"""The hub admin's house-style screen, the generated stylesheet and logo, and the layout hook.

A fresh database with two hubs (the shared test database must keep exactly one hub, and a
stored house style would change the header of every other test's pages).
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import insert, select

from casushub.platform.database import create_admin_engine
from casushub.platform.hub.huisstijl import huisstijl_van
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Hub, Tenant
from casushub.platform.registry import create_hub
from casushub.web.app import CSRF_COOKIE, CSRF_HEADER, create_app, session_config
from casushub.web.auth.testing import SignedIn, create_signed_in_session
from hub.hubkit import cookies

Client = AsyncTestClient[Litestar]


def _png(maat: tuple[int, int] = (120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", maat, (92, 10, 99)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
async def wereld(database_factory: Any) -> AsyncIterator[dict[str, Any]]:
    settings = await database_factory()
    engine = create_admin_engine(settings)
    for slug in ("hubx", "huby"):
        await create_hub(engine, slug=slug, name=f"Hub {slug}")
    async with engine.begin() as conn:
        hubs = dict((await conn.execute(select(Hub.slug, Hub.id))).all())
        # A municipality of hub X, as a row only: its users' pages show hub X's house style.
        tenant_id = (
            await conn.execute(
                insert(Tenant)
                .values(
                    hub_id=hubs["hubx"],
                    slug="gemx",
                    name="Gemeente X",
                    gemeentecode="9901",
                    status="active",
                )
                .returning(Tenant.id)
            )
        ).scalar_one()
    app = create_app(settings)

    async def sign_in(role: Role, hub: str | None = None, tenant: bool = False) -> SignedIn:
        return await create_signed_in_session(
            engine,
            settings,
            role=role,
            hub_id=hubs[hub] if hub else None,
            tenant_id=tenant_id if tenant else None,
            organisation_type=OrganisationType.GEMEENTE if tenant else OrganisationType.HUB,
        )

    yield {
        "settings": settings,
        "engine": engine,
        "app": app,
        "x": hubs["hubx"],
        "y": hubs["huby"],
        "sign_in": sign_in,
    }
    await engine.dispose()


@pytest.fixture
async def client_for(wereld: dict[str, Any]) -> AsyncIterator[Any]:
    """One test client (one app lifespan) whose session cookie is switched per user."""
    async with AsyncTestClient(
        wereld["app"], session_config=session_config(wereld["settings"])
    ) as client:

        async def als(signed_in: SignedIn) -> Client:
            # All cookies go: the server re-sets the session cookie for its own domain, and
            # an added one beside it would not replace it.
            client.cookies.clear()
            client.cookies.update(cookies(signed_in))
            return client

        yield als


def _zonder_id(tekst: str) -> str:
    return re.sub(r"[0-9a-f]{32}", "<id>", tekst)


async def _csrf(client: Client) -> dict[str, str]:
    if CSRF_COOKIE not in client.cookies:
        await client.get("/hub/huisstijl")
    return {CSRF_HEADER: str(client.cookies[CSRF_COOKIE])}


async def _opslaan(
    client: Client, naam: str, kleur: str, logo: tuple[str, bytes, str] | None = None
) -> Any:
    return await client.post(
        "/hub/huisstijl",
        data={"weergavenaam": naam, "primaire_kleur": kleur},
        files={"logo": logo} if logo else None,
        headers=await _csrf(client),
        follow_redirects=False,
    )


async def test_admin_sets_colour_and_logo(wereld: dict[str, Any], client_for: Any) -> None:
    x = wereld["x"]
    admin = await client_for(await wereld["sign_in"](Role.HUB_ADMIN, "hubx"))
    leeg = await admin.get("/hub/huisstijl")
    assert leeg.status_code == 200
    assert 'href="/hub/huisstijl"' in leeg.text  # in the hub admin's navigation
    assert '<label class="utrecht-form-label" for="primaire_kleur">' in leeg.text
    assert "Contrast van #154273 met wit: <strong>10.2:1</strong>" in leeg.text
    assert "/huisstijl/" not in leeg.text.split("<main", 1)[0]  # no house style yet

    png = _png()
    opgeslagen = await _opslaan(admin, "ZVH Regio X", "#5C0A63", ("logo.png", png, "image/png"))
    assert opgeslagen.status_code == 303, opgeslagen.text
    assert opgeslagen.headers["location"] == "/hub/huisstijl?opgeslagen=ja"
    pagina = await admin.get("/hub/huisstijl?opgeslagen=ja")
    assert "De huisstijl is opgeslagen." in pagina.text
    kop = pagina.text.split("</header>", 1)[0]
    assert f'<link rel="stylesheet" href="/huisstijl/{x}/stijl.css?v=1">' in kop
    assert re.search(
        rf'<img class="site-header__logo" src="/huisstijl/{x}/logo\?v=1" alt="ZVH Regio X"', kop
    )
    # 120x40 shown at most 48 high and 200 wide, aspect ratio kept.
    assert 'width="144" height="48"' in kop

    css = await admin.get(f"/huisstijl/{x}/stijl.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "--ch-color-primary: #5c0a63;" in css.text
    assert css.headers["cache-control"] == "private, no-cache"
    etag = css.headers["etag"]
    herhaald = await admin.get(f"/huisstijl/{x}/stijl.css", headers={"If-None-Match": etag})
    assert herhaald.status_code == 304
    assert herhaald.content == b""

    logo = await admin.get(f"/huisstijl/{x}/logo")
    assert logo.status_code == 200
    assert logo.content == png
    assert logo.headers["content-type"] == "image/png"
    assert logo.headers["x-content-type-options"] == "nosniff"
    assert (
        await admin.get(f"/huisstijl/{x}/logo", headers={"If-None-Match": logo.headers["etag"]})
    ).status_code == 304

    # A new colour: a new stylesheet URL and ETag, so no browser keeps the old one.
    assert (await _opslaan(admin, "ZVH Regio X", "#000000")).status_code == 303
    kop = (await admin.get("/hub/huisstijl")).text.split("</header>", 1)[0]
    assert f"/huisstijl/{x}/stijl.css?v=2" in kop
    nieuw = await admin.get(f"/huisstijl/{x}/stijl.css", headers={"If-None-Match": etag})
    assert nieuw.status_code == 200
    assert "#000000" in nieuw.text
    assert (await admin.get(f"/huisstijl/{x}/logo")).content == png  # kept


async def test_refusals_are_shown_in_an_error_summary(
    wereld: dict[str, Any], client_for: Any
) -> None:
    admin = await client_for(await wereld["sign_in"](Role.HUB_ADMIN, "hubx"))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    # Named .png and sent as image/png: neither is believed.
    response = await _opslaan(admin, "ZVH Regio X", "#ffcc00", ("logo.png", svg, "image/png"))
    assert response.status_code == 422
    summary = response.text.split('id="foutoverzicht"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#primaire_kleur">Deze kleur heeft te weinig contrast met wit' in summary
    assert '<a href="#logo">Een SVG-bestand kan niet als logo worden gebruikt' in summary
    assert 'id="logo-fout"' in response.text
    assert "Contrast van #ffcc00 met wit: <strong>1.5:1</strong>" in response.text
    assert "<title>Fout: Huisstijl" in response.text
    async with wereld["engine"].connect() as conn:
        assert await huisstijl_van(conn, wereld["x"]) is None


async def test_another_hubs_admin_cannot_change_or_read_it(
    wereld: dict[str, Any], client_for: Any
) -> None:
    x, y = wereld["x"], wereld["y"]
    sessie_x = await wereld["sign_in"](Role.HUB_ADMIN, "hubx")
    sessie_y = await wereld["sign_in"](Role.HUB_ADMIN, "huby")
    admin_x = await client_for(sessie_x)
    await _opslaan(admin_x, "ZVH Regio X", "#5c0a63", ("x.png", _png(), "image/png"))
    # The screen only ever works on the admin's own hub: Y's save changes Y, never X.
    admin_y = await client_for(sessie_y)
    assert (await _opslaan(admin_y, "Hub Y-stijl", "#00335c")).status_code == 303
    async with wereld["engine"].connect() as conn:
        stijl_x, stijl_y = await huisstijl_van(conn, x), await huisstijl_van(conn, y)
    assert stijl_x is not None
    assert stijl_y is not None
    assert (stijl_x.weergavenaam, stijl_x.primaire_kleur) == ("ZVH Regio X", "#5c0a63")
    assert (stijl_y.weergavenaam, stijl_y.primaire_kleur) == ("Hub Y-stijl", "#00335c")
    # X's stylesheet and logo do not exist for Y: the same 404 as an unknown hub.
    for pad in ("stijl.css", "logo"):
        vreemd = await admin_y.get(f"/huisstijl/{x}/{pad}")
        onbekend = await admin_y.get(f"/huisstijl/{uuid.uuid4()}/{pad}")
        assert vreemd.status_code == onbekend.status_code == 404
        # Equal but for the request id the error page names.
        assert _zonder_id(vreemd.text) == _zonder_id(onbekend.text)
    pagina_y = await admin_y.get("/hub/huisstijl")
    assert "Hub Y-stijl" in pagina_y.text.split("</header>", 1)[0]
    assert "ZVH Regio X" not in pagina_y.text
    assert str(x) not in pagina_y.text


async def test_non_admins_get_403_but_see_their_hubs_style(
    wereld: dict[str, Any], client_for: Any
) -> None:
    x = wereld["x"]
    sessie_regie = await wereld["sign_in"](Role.GEMEENTE_REGIE, tenant=True)
    admin = await client_for(await wereld["sign_in"](Role.HUB_ADMIN, "hubx"))
    await _opslaan(admin, "ZVH Regio X", "#5c0a63")
    regie = await client_for(sessie_regie)
    assert (await regie.get("/hub/huisstijl")).status_code == 403
    weigering = await _opslaan(regie, "Overgenomen", "#000000")
    assert weigering.status_code == 403
    # The municipality's user works for hub X: X's house style in the header.
    pagina = await regie.get("/instructies")
    assert pagina.status_code == 200
    kop = pagina.text.split("</header>", 1)[0]
    assert f'href="/huisstijl/{x}/stijl.css?v=1"' in kop
    assert '<a class="site-header__name" href="/">ZVH Regio X</a>' in kop
    assert "#5c0a63" in (await regie.get(f"/huisstijl/{x}/stijl.css")).text
    async with wereld["engine"].connect() as conn:
        stijl = await huisstijl_van(conn, x)
    assert stijl is not None
    assert stijl.weergavenaam == "ZVH Regio X"


async def test_csrf_token_is_required(wereld: dict[str, Any], client_for: Any) -> None:
    admin = await client_for(await wereld["sign_in"](Role.HUB_ADMIN, "hubx"))
    await admin.get("/hub/huisstijl")
    response = await admin.post(
        "/hub/huisstijl",
        # No file: Litestar's CSRF middleware parses a refused multipart body itself and leaves
        # the spooled upload to the garbage collector (a ResourceWarning under pytest).
        data={"weergavenaam": "Zonder token", "primaire_kleur": "#000000"},
    )
    assert response.status_code == 403
    async with wereld["engine"].connect() as conn:
        assert await huisstijl_van(conn, wereld["x"]) is None


async def test_anonymous_visitors_get_neither_stylesheet_nor_logo(
    wereld: dict[str, Any],
) -> None:
    async with AsyncTestClient(
        wereld["app"], session_config=session_config(wereld["settings"])
    ) as anon:
        for pad in ("stijl.css", "logo"):
            response = await anon.get(f"/huisstijl/{wereld['x']}/{pad}", follow_redirects=False)
            assert response.status_code in {302, 303, 401}
