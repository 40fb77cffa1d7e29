"""Users: invite with roles per municipality, resend, deactivate; authorisation review."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.autorisatiereview import review_herinneringen
from casushub.platform.identity.models import AdminAuditEntry, Invitation, Organisation, User
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.mail import MailMessage
from casushub.web.auth.testing import SignedIn
from hub.hubkit import MakeTenant, cookies

Client = AsyncTestClient[Litestar]
HX = {"HX-Request": "true"}


async def test_invite_resend_deactivate(
    client: Client,
    hub_admin: SignedIn,
    hub_id: uuid.UUID,
    admin_engine: AsyncEngine,
    make_tenant: MakeTenant,
) -> None:
    tenant = await make_tenant(hub_id)
    suffix = uuid.uuid4().hex[:6]
    async with admin_engine.begin() as conn:
        org_id = await create_organisation(
            conn,
            slug=f"om_{suffix}",
            name=f"OM {suffix}",
            type="om",
            email_domains=[f"om{suffix}.test"],
            hub_id=hub_id,
        )
    client.cookies.update(cookies(hub_admin))
    page = await client.get("/hub/gebruikers")
    assert page.status_code == 200
    assert "<html" in page.text
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    # Wrong domain and no municipality: Dutch errors, nothing saved.
    fout = await client.post(
        "/hub/gebruikers/uitnodigen",
        data={"organisatie": str(org_id), "email": "iemand@elders.test", "rol": "participant"},
        headers={**csrf, **HX},
    )
    assert fout.status_code == 422
    assert "<html" not in fout.text
    assert "hoort niet bij een domein van deze organisatie" in fout.text
    assert "Kies een of meer gemeenten" in fout.text
    email = f"officier@om{suffix}.test"
    ok = await client.post(
        "/hub/gebruikers/uitnodigen",
        data={
            "organisatie": str(org_id),
            "email": email,
            "rol": "participant",
            "gemeenten": str(tenant.id),
        },
        headers={**csrf, **HX},
    )
    assert ok.status_code == 200
    assert f"{email} is uitgenodigd" in ok.text
    async with admin_engine.connect() as conn:
        invitation_id = (
            await conn.execute(select(Invitation.id).where(Invitation.email == email))
        ).scalar_one()
        assert (
            await conn.execute(select(MailMessage.kind).where(MailMessage.recipient == email))
        ).scalars().all() == ["uitnodiging"]
    again = await client.post(
        f"/hub/gebruikers/uitnodigingen/{invitation_id}/opnieuw", headers={**csrf, **HX}
    )
    assert "opnieuw verstuurd" in again.text
    async with admin_engine.connect() as conn:
        assert (
            len(
                (
                    await conn.execute(select(MailMessage.id).where(MailMessage.recipient == email))
                ).all()
            )
            == 2
        )
    # Deactivate a user of the hub.
    async with admin_engine.begin() as conn:
        from sqlalchemy import insert

        user_id = (
            await conn.execute(
                insert(User)
                .values(
                    organisation_id=org_id,
                    issuer="https://om.test",
                    subject=suffix,
                    email=email,
                    name="Officier",
                )
                .returning(User.id)
            )
        ).scalar_one()
    response = await client.post(f"/hub/gebruikers/{user_id}/uitschakelen", headers=csrf)
    assert response.status_code == 200
    async with admin_engine.connect() as conn:
        assert (
            await conn.execute(select(User.active).where(User.id == user_id))
        ).scalar_one() is False


async def test_authorisation_review_confirmed_and_reminded(
    client: Client, hub_admin: SignedIn, admin_engine: AsyncEngine, settings: Any
) -> None:
    client.cookies.update(cookies(hub_admin))
    page = await client.get("/hub/gebruikers/review")
    assert "Nog nooit bevestigd" in page.text
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    response = await client.post("/hub/gebruikers/review", headers=csrf)
    assert response.status_code == 200
    volgende = date.today() + timedelta(days=settings.authorisation_review_days)
    assert volgende.strftime("%d-%m-%Y") in response.text
    async with admin_engine.connect() as conn:
        assert (
            await conn.execute(
                select(AdminAuditEntry.id).where(
                    AdminAuditEntry.action == "autorisaties_bevestigd",
                    AdminAuditEntry.organisation_id == hub_admin.organisation_id,
                )
            )
        ).first() is not None
        email = (
            await conn.execute(select(User.email).where(User.id == hub_admin.user_id))
        ).scalar_one()
        assert email not in await review_herinneringen(conn, date.today())
        assert email in await review_herinneringen(conn, volgende)
        org_name = (
            await conn.execute(
                select(Organisation.name).where(Organisation.id == hub_admin.organisation_id)
            )
        ).scalar_one()
    assert org_name in response.text


async def test_withdrawn_invitation_is_gone_and_audited(
    client: Client, hub_admin: SignedIn, hub_id: uuid.UUID, admin_engine: AsyncEngine
) -> None:
    suffix = uuid.uuid4().hex[:6]
    async with admin_engine.begin() as conn:
        org_id = await create_organisation(
            conn,
            slug=f"rk_{suffix}",
            name=f"Reclassering {suffix}",
            type="reclassering",
            email_domains=[f"rk{suffix}.test"],
            hub_id=hub_id,
        )
    client.cookies.update(cookies(hub_admin))
    await client.get("/hub/gebruikers")
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    email = f"verkeerd@rk{suffix}.test"
    sent = await client.post(
        "/hub/gebruikers/uitnodigen",
        data={"organisatie": str(org_id), "email": email, "rol": "hub_admin"},
        headers={**csrf, **HX},
    )
    assert sent.status_code == 200, sent.text
    async with admin_engine.connect() as conn:
        invitation_id = (
            await conn.execute(select(Invitation.id).where(Invitation.email == email))
        ).scalar_one()
    withdrawn = await client.post(
        f"/hub/gebruikers/uitnodigingen/{invitation_id}/intrekken", headers={**csrf, **HX}
    )
    assert withdrawn.status_code == 200
    assert f"De uitnodiging aan {email} is ingetrokken." in withdrawn.text
    assert f"/uitnodigingen/{invitation_id}/" not in withdrawn.text
    async with admin_engine.connect() as conn:
        assert (
            await conn.execute(select(Invitation.id).where(Invitation.id == invitation_id))
        ).first() is None
        assert (
            await conn.execute(
                select(AdminAuditEntry.id).where(
                    AdminAuditEntry.action == "uitnodiging_ingetrokken",
                    AdminAuditEntry.target == email,
                )
            )
        ).first() is not None
    again = await client.post(
        f"/hub/gebruikers/uitnodigingen/{invitation_id}/intrekken", headers={**csrf, **HX}
    )
    assert again.status_code == 404
