"""Test support: a signed-in browser session without going through a provider.

For tests of other parts that need "a user with role X in tenant Y". The identity tests
themselves sign in through the real development provider. Never used by the application.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert

from casushub.platform.identity.memberships import grant_membership
from casushub.platform.identity.models import User, WebSessionData
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.identity.sessions import create_session
from casushub.web.auth.middleware import ACTIVE_CONTEXT_KEY, SESSION_ID_KEY

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.settings import Settings

__all__ = ["SignedIn", "create_signed_in_session"]


@dataclass(frozen=True)
class SignedIn:
    cookie: str
    user_id: uuid.UUID
    organisation_id: uuid.UUID
    session_id: uuid.UUID
    membership_id: uuid.UUID | None


async def create_signed_in_session(
    engine: AsyncEngine,
    settings: Settings,
    *,
    role: Role | None = Role.GEMEENTE_REGIE,
    tenant_id: uuid.UUID | None = None,
    hub_id: uuid.UUID | None = None,
    organisation_type: OrganisationType = OrganisationType.GEMEENTE,
) -> SignedIn:
    """A user (own organisation) with one membership and a live session; returns the cookie."""
    suffix = secrets.token_hex(4)
    issuer = f"https://idp-{suffix}.test"
    async with engine.begin() as conn:
        organisation_id = await create_organisation(
            conn,
            slug=f"test_{suffix}",
            name=f"Testorganisatie {suffix}",
            type=organisation_type.value,
            email_domains=[f"t{suffix}.test"],
            hub_id=hub_id,
        )
        provider_id = await save_provider(
            conn,
            settings,
            organisation_id=organisation_id,
            issuer=issuer,
            client_id="casushub",
            client_secret=secrets.token_urlsafe(16),
        )
        user_id = (
            await conn.execute(
                insert(User)
                .values(
                    organisation_id=organisation_id,
                    issuer=issuer,
                    subject=suffix,
                    email=f"test@t{suffix}.test",
                    name=f"Test {suffix}",
                )
                .returning(User.id)
            )
        ).scalar_one()
        membership_id = None
        if role is not None:
            membership_id = await grant_membership(
                conn,
                user_id=user_id,
                organisation_id=organisation_id,
                role=role,
                tenant_id=tenant_id,
                hub_id=hub_id,
            )
        session_id = await create_session(
            conn,
            settings,
            user_id=user_id,
            organisation_id=organisation_id,
            provider_id=provider_id,
            id_token="",
            ip="127.0.0.1",
            user_agent="test",
        )
        cookie = secrets.token_hex(32)
        data = {SESSION_ID_KEY: str(session_id)}
        if membership_id is not None:
            data[ACTIVE_CONTEXT_KEY] = str(membership_id)
        await conn.execute(
            insert(WebSessionData).values(
                key=cookie,
                value=json.dumps(data).encode(),
                expires_at=datetime.now(UTC) + timedelta(hours=settings.session_absolute_hours),
            )
        )
    return SignedIn(cookie, user_id, organisation_id, session_id, membership_id)
