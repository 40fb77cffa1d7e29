"""Every successful save is confirmed on the next page, once, in a status region."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from bouwstenen import CSRF_FIELD, token
from litestar import Litestar
from litestar.testing import AsyncTestClient

from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef

Client = AsyncTestClient[Litestar]


async def test_a_saved_signal_is_confirmed_once(
    client: Client, sign_in_as: Callable[..., Awaitable[Any]], tenant_a: TenantRef
) -> None:
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    form = await client.get("/casusoverleg/signalen/nieuw")
    assert "data-bevestiging" not in form.text
    opgeslagen = await client.post(
        "/casusoverleg/signalen/nieuw",
        data={
            CSRF_FIELD: token(form.text),
            "naam": "Bea Bevestigd",
            "gemeente_van_verblijf": "9801",
            "ontvangen_op": date.today().strftime("%d-%m-%Y"),
            "omschrijving": "zorgen",
            "aanleiding": "radicalisering",
            "aanleiding_toelichting": "uitingen in een besloten groep",
        },
        follow_redirects=False,
    )
    assert opgeslagen.status_code == 303
    volgende = await client.get(opgeslagen.headers["location"])
    regio = volgende.text.split("data-bevestiging")[0].rsplit("<div", 1)[1]
    assert 'role="status"' in regio
    assert "Signaal opgeslagen" in volgende.text
    nog_eens = await client.get(opgeslagen.headers["location"])
    assert "Signaal opgeslagen" not in nog_eens.text
