"""The hub's audit log filters search by part of a text: ``%`` and ``_`` are letters there."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from casushub.web.auth.testing import SignedIn
from hub.hubkit import cookies

Client = AsyncTestClient[Litestar]
HX = {"HX-Request": "true"}
NIETS = "Geen handelingen gevonden"


async def test_audit_filters_take_percent_and_underscore_literally(
    client: Client, hub_admin: SignedIn
) -> None:
    client.cookies.update(cookies(hub_admin))
    await client.get("/hub/organisaties")
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    await client.post(
        "/hub/api-tokens", data={"naam": "voor zoeken", "geldig_dagen": "5"}, headers=csrf
    )
    alles = await client.get("/hub/audit?wat=api_token", headers=HX)
    assert "api_token_aangemaakt" in alles.text
    for wat in ("%", "%%", "api%aangemaakt", "api_token%"):
        gevonden = await client.get("/hub/audit", params={"wat": wat}, headers=HX)
        assert gevonden.status_code == 200
        assert NIETS in gevonden.text, wat
    # "_" is the underscore itself, which the actions do contain; "a_i" matches no action.
    assert NIETS in (await client.get("/hub/audit", params={"wat": "a_i"}, headers=HX)).text
    for wie in ("%", "_%", "%@%"):
        gevonden = await client.get("/hub/audit", params={"wie": wie}, headers=HX)
        assert NIETS in gevonden.text, wie
