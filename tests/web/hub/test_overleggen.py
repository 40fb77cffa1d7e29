"""Regional casusoverleg: create (also for one municipality alone) and plan meetings."""

from __future__ import annotations

import uuid

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.models import Bijeenkomst, Casusoverleg
from casushub.web.auth.testing import SignedIn
from hub.hubkit import MakeTenant, cookies

Client = AsyncTestClient[Litestar]
HX = {"HX-Request": "true"}


async def test_casusoverleg_and_meetings(
    client: Client,
    hub_admin: SignedIn,
    hub_id: uuid.UUID,
    make_tenant: MakeTenant,
    admin_engine: AsyncEngine,
) -> None:
    alleen = await make_tenant(hub_id)
    client.cookies.update(cookies(hub_admin))
    page = await client.get("/hub/casusoverleggen")
    assert page.status_code == 200
    assert "<html" in page.text
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    fout = await client.post("/hub/casusoverleggen", data={"naam": ""}, headers={**csrf, **HX})
    assert fout.status_code == 422
    assert "<html" not in fout.text
    assert "Geef het casusoverleg een naam" in fout.text
    naam = f"Overleg {uuid.uuid4().hex[:6]}"
    made = await client.post(
        "/hub/casusoverleggen", data={"naam": naam, "gemeenten": str(alleen.id)}, headers=csrf
    )
    assert made.status_code == 200
    assert naam in made.text
    async with admin_engine.connect() as conn:
        overleg_id = (
            await conn.execute(select(Casusoverleg.id).where(Casusoverleg.naam == naam))
        ).scalar_one()
    slecht = await client.post(
        f"/hub/casusoverleggen/{overleg_id}/bijeenkomsten",
        data={"datum": "01-12-2026", "begin": "10:00", "einde": "09:00", "locatie": "Stadhuis"},
        headers={**csrf, **HX},
    )
    assert slecht.status_code == 422
    assert "na het begin liggen" in slecht.text
    goed = await client.post(
        f"/hub/casusoverleggen/{overleg_id}/bijeenkomsten",
        data={
            "datum": "01-12-2026",
            "begin": "09:30",
            "einde": "11:00",
            "videolink": "https://video.test/x",
        },
        headers={**csrf, **HX},
    )
    assert goed.status_code == 200
    assert "01-12-2026 09:30–11:00" in goed.text
    async with admin_engine.connect() as conn:
        assert (
            len(
                (
                    await conn.execute(
                        select(Bijeenkomst.id).where(Bijeenkomst.casusoverleg_id == overleg_id)
                    )
                ).all()
            )
            == 1
        )
    fragment = await client.get(f"/hub/casusoverleggen/{overleg_id}", headers=HX)
    assert "<html" not in fragment.text
