"""Switching an organisation off cannot lock a hub out, and the screen says what it ends first.

One hub API token (or one hub admin) could switch off every organisation, the hub's own
included, which ends every session and leaves nobody to switch anything back on. Refused, in
the API (409 problem+json in Dutch) and on the screen (the Dutch message, nothing changed):
the hub's own organisation, and the last organisation with an active hub admin of the hub. A
partner organisation is switched off on the screen only after a confirmation page that counts
the sessions, users and roles it ends.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from dbkit import tenant_with_free_code
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import csrf_token, use_session
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.api_tokens import maak_token
from casushub.platform.identity.deactivation import DeactivationRefused, deactivate_organisation
from casushub.platform.identity.memberships import deactivate_user, grant_membership
from casushub.platform.identity.models import IdentitySession, Organisation
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.registry import create_hub
from casushub.platform.settings import Settings
from casushub.web.app import CSRF_HEADER, session_config
from casushub.web.auth.testing import SignedIn, create_signed_in_session


@dataclass
class Hubje:
    hub_id: uuid.UUID
    token: str
    beheerder: SignedIn  # hub admin, of the hub's own organisation (type hub)
    partner: SignedIn  # a politie participant in the hub's municipality


async def _actief(engine: AsyncEngine, organisation_id: uuid.UUID) -> bool:
    async with engine.connect() as conn:
        return bool(
            await conn.scalar(select(Organisation.active).where(Organisation.id == organisation_id))
        )


async def _live_sessions(engine: AsyncEngine, organisation_id: uuid.UUID) -> int:
    async with engine.connect() as conn:
        rows = await conn.scalars(
            select(IdentitySession.id).where(
                IdentitySession.organisation_id == organisation_id,
                IdentitySession.ended_at.is_(None),
            )
        )
        return len(rows.all())


@pytest.fixture
async def hubje(admin_engine: AsyncEngine, settings: Settings) -> Hubje:
    """A hub of its own per test: its own organisation with its one hub admin, a
    municipality, a politie organisation with a signed-in participant, an API token."""
    suffix = secrets.token_hex(3)
    hub_id = await create_hub(admin_engine, slug=f"uithub_{suffix}", name=f"Uithub {suffix}")
    tenant = await tenant_with_free_code(
        admin_engine,
        settings,
        hub=f"uithub_{suffix}",
        slug=f"uit_{suffix}",
        name=f"Gemeente Uit {suffix}",
        codes=range(9700, 9800),
    )
    beheerder = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.HUB_ADMIN,
        hub_id=hub_id,
        organisation_type=OrganisationType.HUB,
    )
    partner = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.PARTICIPANT,
        tenant_id=tenant.id,
        organisation_type=OrganisationType.POLITIE,
    )
    async with admin_engine.begin() as conn:
        # A partner organisation of this hub (the helper makes it without one).
        await conn.execute(
            update(Organisation)
            .where(Organisation.id == partner.organisation_id)
            .values(hub_id=hub_id)
        )
        _, token = await maak_token(conn, hub_id, f"uit {suffix}", 1, None)
    return Hubje(hub_id, token, beheerder, partner)


@pytest.fixture
async def api(app: Litestar, settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield client


async def _put(api: AsyncTestClient[Litestar], hubje: Hubje, org: uuid.UUID, body: Any) -> Any:
    return await api.put(
        f"/api/v1/organisations/{org}",
        json=body,
        headers={"Authorization": f"Bearer {hubje.token}"},
    )


async def test_api_refuses_to_switch_off_the_hubs_own_organisation(
    api: AsyncTestClient[Litestar], hubje: Hubje, admin_engine: AsyncEngine
) -> None:
    own = hubje.beheerder.organisation_id
    response = await _put(api, hubje, own, {"actief": False, "naam": "Gekaapt"})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 409
    assert "eigen organisatie van de hub" in body["detail"]
    assert body["fouten"]["actief"] == body["detail"]
    # Nothing changed: still on, its name kept, its admin still signed in.
    assert await _actief(admin_engine, own)
    async with admin_engine.connect() as conn:
        naam = await conn.scalar(select(Organisation.name).where(Organisation.id == own))
    assert naam != "Gekaapt"
    assert await _live_sessions(admin_engine, own) == 1


async def test_api_refuses_the_last_organisation_with_a_hub_admin_until_there_is_another(
    api: AsyncTestClient[Litestar], hubje: Hubje, admin_engine: AsyncEngine
) -> None:
    # The hub admin role moves to a user of the politie organisation (not of type hub).
    async with admin_engine.begin() as conn:
        await grant_membership(
            conn,
            user_id=hubje.partner.user_id,
            organisation_id=hubje.partner.organisation_id,
            role=Role.HUB_ADMIN,
            hub_id=hubje.hub_id,
        )
    politie = hubje.partner.organisation_id
    # With the hub's own organisation also holding an admin, politie is not the last one.
    response = await _put(api, hubje, politie, {"actief": False})
    assert response.status_code == 200, response.text
    assert response.json()["actief"] is False
    assert await _live_sessions(admin_engine, politie) == 0
    assert (await _put(api, hubje, politie, {"actief": True})).status_code == 200
    # Now the hub's own admin is switched off as a user: politie holds the last admin.
    async with admin_engine.begin() as conn:
        await deactivate_user(conn, hubje.beheerder.user_id)
    response = await _put(api, hubje, politie, {"actief": False})
    assert response.status_code == 409
    assert "laatste organisatie met een actieve hubbeheerder" in response.json()["detail"]
    assert await _actief(admin_engine, politie)


async def test_the_domain_refuses_for_every_caller(hubje: Hubje, admin_engine: AsyncEngine) -> None:
    """The CLI and any other caller go through the same check."""
    with pytest.raises(DeactivationRefused):
        async with admin_engine.begin() as conn:
            await deactivate_organisation(conn, hubje.beheerder.organisation_id)
    assert await _actief(admin_engine, hubje.beheerder.organisation_id)
    async with admin_engine.begin() as conn:
        other = await create_organisation(
            conn,
            slug=f"leeg_{secrets.token_hex(3)}",
            name="Zonder gebruikers",
            type="reclassering",
            email_domains=[f"leeg{secrets.token_hex(3)}.test"],
            hub_id=hubje.hub_id,
        )
        assert await deactivate_organisation(conn, other) == 0


@pytest.fixture
async def scherm(app: Litestar, settings: Settings, hubje: Hubje) -> AsyncIterator[Any]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        use_session(client, hubje.beheerder.cookie)
        client.headers[CSRF_HEADER] = await csrf_token(client)
        yield client


async def test_screen_refuses_the_hubs_own_organisation_in_dutch(
    scherm: Any, hubje: Hubje, admin_engine: AsyncEngine
) -> None:
    own = hubje.beheerder.organisation_id
    page = await scherm.get(f"/hub/organisaties/{own}")
    assert page.status_code == 200
    for form in ({}, {"bevestigd": "ja"}):
        response = await scherm.post(
            f"/hub/organisaties/{own}",
            data={"naam": "Uithub", "email_domeinen": "uit.test", **form},
        )
        assert response.status_code == 422
        assert "eigen organisatie van de hub kan niet worden uitgeschakeld" in response.text
        assert 'id="actief-fout"' in response.text
        assert await _actief(admin_engine, own)
        assert await _live_sessions(admin_engine, own) == 1


async def test_screen_shows_what_switching_off_ends_before_it_does(
    scherm: Any, hubje: Hubje, admin_engine: AsyncEngine
) -> None:
    politie = hubje.partner.organisation_id
    async with admin_engine.connect() as conn:
        domeinen = await conn.scalar(
            select(Organisation.email_domains).where(Organisation.id == politie)
        )
    form = {"naam": "Politie Uit", "email_domeinen": " ".join(domeinen or [])}
    bevestiging = await scherm.post(f"/hub/organisaties/{politie}", data=form)
    assert bevestiging.status_code == 200
    text = bevestiging.text
    assert "uitschakelen?" in text
    gevolgen = text.split('id="gevolgen"')[1].split("</ul>")[0]
    assert "1 sessie wordt beëindigd" in gevolgen
    assert "1 gebruiker kan niet meer inloggen" in gevolgen
    assert "1 rol in 1 gemeente kan niet meer worden gebruikt" in gevolgen
    assert 'name="bevestigd" value="ja"' in text
    # Nothing happened yet.
    assert await _actief(admin_engine, politie)
    assert await _live_sessions(admin_engine, politie) == 1
    gedaan = await scherm.post(f"/hub/organisaties/{politie}", data={**form, "bevestigd": "ja"})
    assert gedaan.status_code == 200
    assert "uitgeschakeld" in gedaan.text
    assert not await _actief(admin_engine, politie)
    assert await _live_sessions(admin_engine, politie) == 0
