"""Demo organisations for `make dev`, each with its own provider at the development IdP.

The organisations, people and roles come from ``devidp/demo-users.json``, the same file the
provider process reads, so the two cannot drift apart. Users are pre-invited: their first
sign-in binds the invitation and gives them their roles.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casushub.platform.identity.devidp import demo_config
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.models import Invitation, Organisation, User
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.identity.roles import ROLE_LABELS, Role
from casushub.platform.models import Hub, Tenant

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings

__all__ = ["demo_issuer", "demo_logins", "load_identity_demo"]


def demo_issuer(settings: Settings, index: int) -> str:
    return f"http://127.0.0.1:{settings.dev_idp_port + index}"


async def load_identity_demo(admin_engine: AsyncEngine, settings: Settings) -> list[str]:
    config = demo_config()
    done: list[str] = []
    async with admin_engine.begin() as conn:
        hubs = dict((await conn.execute(select(Hub.slug, Hub.id))).all())
        tenants = dict((await conn.execute(select(Tenant.slug, Tenant.id))).all())
        existing = dict((await conn.execute(select(Organisation.slug, Organisation.id))).all())
        # The demo hub is the hub organisation's own (a database may hold other hubs).
        hub_key = next((p["key"] for p in config["providers"] if p["type"] == "hub"), "")
        hub_id = hubs.get(hub_key) or next(iter(hubs.values()), None)
        for index, spec in enumerate(config["providers"]):
            if spec["key"] in existing:
                # Loaded before: invite only the people added to the demo since.
                done += await _invite_new_users(conn, existing[spec["key"]], spec, tenants, hubs)
                continue
            org_id = await create_organisation(
                conn,
                slug=spec["key"],
                name=spec["name"],
                type=spec["type"],
                email_domains=[spec["domain"]],
                hub_id=hub_id,
                tenant_id=tenants.get(spec.get("tenant", "")),
            )
            await save_provider(
                conn,
                settings,
                organisation_id=org_id,
                issuer=demo_issuer(settings, index),
                client_id=config["client_id"],
                client_secret=spec["client_secret"],
            )
            for user in spec["users"]:
                await _invite_user(conn, org_id, user, tenants, hubs)
            done.append(
                f"organisatie {spec['key']} aangemaakt (inlogdienst op poort "
                f"{settings.dev_idp_port + index})"
            )
    return done


async def _invite_user(
    conn: AsyncConnection,
    org_id: uuid.UUID,
    user: dict[str, Any],
    tenants: dict[str, uuid.UUID],
    hubs: dict[str, uuid.UUID],
) -> None:
    for membership in user["memberships"]:
        await invite(
            conn,
            organisation_id=org_id,
            email=user["email"],
            role=Role(membership["role"]),
            tenant_id=tenants.get(membership.get("tenant", "")),
            hub_id=hubs.get(membership.get("hub", "")),
        )


async def _invite_new_users(
    conn: AsyncConnection,
    org_id: uuid.UUID,
    spec: dict[str, Any],
    tenants: dict[str, uuid.UUID],
    hubs: dict[str, uuid.UUID],
) -> list[str]:
    known = set(
        (await conn.execute(select(User.email).where(User.organisation_id == org_id))).scalars()
    ) | set(
        (
            await conn.execute(select(Invitation.email).where(Invitation.organisation_id == org_id))
        ).scalars()
    )
    done = []
    for user in spec["users"]:
        if user["email"].lower() not in known:
            await _invite_user(conn, org_id, user, tenants, hubs)
            done.append(f"demogebruiker {user['email']} uitgenodigd")
    return done


def demo_logins() -> list[str]:
    """The table `make dev` prints: e-mail at casushub, login name at the provider, roles."""
    rows: list[tuple[str, str, str]] = []
    for spec in demo_config()["providers"]:
        for user in spec["users"]:
            roles: list[str] = []
            for m in user["memberships"]:
                scope: Any = m.get("tenant") or m.get("hub") or ""
                roles.append(f"{ROLE_LABELS[Role(m['role'])]} ({scope})")
            rows.append((user["email"], user["sub"], ", ".join(roles)))
    width = max(len(r[0]) for r in rows)
    lines = ["Demo-logins (wachtwoord bij de ontwikkel-inlogdienst: willekeurig):"]
    lines += [f"  {email.ljust(width)}  login: {sub:<13} {roles}" for email, sub, roles in rows]
    return lines
