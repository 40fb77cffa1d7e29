"""The dashboard pages through a long list of casussen (issue 11), on the real app."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from bouwstenen import casus
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef

Client = AsyncTestClient[Litestar]


def _rijen(pagina: str) -> list[str]:
    tabel = pagina.split('id="casussen"')[1].split("</table>")[0]
    return re.findall(r'href="/casusoverleg/casussen/([0-9a-f-]+)"', tabel)


async def test_long_case_list_is_paged_and_bad_page_numbers_show_page_one(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    tenant = await fresh_tenant()
    for i in range(27):
        await casus(
            app_engine,
            settings,
            tenant,
            f"Persoon {i:02d}",
            [(uuid.uuid4(), "politie")],
            intake=date.today() - timedelta(days=i),
        )
    await sign_in_as(client, tenant, Role.GEMEENTE_REGIE)

    eerste = await client.get("/casusoverleg")
    assert eerste.status_code == 200
    assert "Mijn casussen (27)" in eerste.text
    assert "Lopende casussen 1–25 van 27, pagina 1 van 2" in eerste.text
    assert len(_rijen(eerste.text)) == 25
    volgende = re.search(r'href="([^"]+)" rel="next">Volgende pagina', eerste.text)
    assert volgende, "a link to the next page"
    assert html.unescape(volgende.group(1)) == "/casusoverleg?pagina_casussen=2#lijst-casussen"
    assert 'rel="prev"' not in eerste.text.split('id="lijst-casussen"')[1]

    tweede = await client.get("/casusoverleg?pagina_casussen=2")
    assert "Lopende casussen 26–27 van 27, pagina 2 van 2" in tweede.text
    assert len(_rijen(tweede.text)) == 2
    assert not set(_rijen(tweede.text)) & set(_rijen(eerste.text))
    vorige = re.search(r'href="([^"]+)" rel="prev">Vorige pagina', tweede.text)
    assert vorige, "a link to the previous page"
    assert html.unescape(vorige.group(1)) == "/casusoverleg#lijst-casussen"

    for onzin in ("abc", "-1", "0", "²", "9" * 40):
        antwoord = await client.get("/casusoverleg", params={"pagina_casussen": onzin})
        assert antwoord.status_code == 200, onzin
        assert "pagina 1 van 2" in antwoord.text, onzin
    voorbij = await client.get("/casusoverleg?pagina_casussen=7")
    assert "pagina 2 van 2" in voorbij.text, "past the end: the last page"
