"""``casushub organisaties …`` and ``casushub gebruikers …``: identity administration from the
command line (until the admin screens exist). Secrets are read from a hidden prompt or stdin,
never from an argument (arguments end up in shell history and process lists)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from casushub.platform.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["gebruikers", "organisaties"]

T = TypeVar("T")


def _run(fn: Callable[..., Awaitable[T]]) -> T:
    from casushub.platform.database import create_admin_engine

    async def wrapper() -> T:
        engine = create_admin_engine(get_settings())
        try:
            async with engine.begin() as conn:
                return await fn(conn)
        finally:
            await engine.dispose()

    return asyncio.run(wrapper())


def _fail(message: str) -> NoReturn:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(1)


async def _scope_ids(
    conn: AsyncConnection, hub: str | None, tenant: str | None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    from sqlalchemy import select

    from casushub.platform.models import Hub, Tenant

    hub_id = tenant_id = None
    if hub:
        hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar()
        if hub_id is None:
            _fail(f"onbekende hub {hub!r}")
    if tenant:
        tenant_id = (await conn.execute(select(Tenant.id).where(Tenant.slug == tenant))).scalar()
        if tenant_id is None:
            _fail(f"onbekende gemeente {tenant!r}")
    return hub_id, tenant_id


@click.group()
def organisaties() -> None:
    """Partnerorganisaties en hun inlogdienst (OpenID Connect)."""


@organisaties.command("create")
@click.argument("slug")
@click.option("--name", required=True)
@click.option(
    "--type",
    "org_type",
    required=True,
    type=click.Choice(
        ["gemeente", "politie", "om", "reclassering", "rvdk", "jenv", "satellietpartner", "hub"]
    ),
)
@click.option("--domain", "domains", multiple=True, required=True, help="E-maildomein.")
@click.option("--hub", default=None)
@click.option("--tenant", default=None, help="Gemeente (voor een gemeente-organisatie).")
def organisations_create(
    slug: str,
    name: str,
    org_type: str,
    domains: tuple[str, ...],
    hub: str | None,
    tenant: str | None,
) -> None:
    """Registreer een organisatie met haar e-maildomeinen."""
    from casushub.platform.identity.organisations import create_organisation
    from casushub.platform.registry import RegistryError

    async def create(conn: AsyncConnection) -> None:
        hub_id, tenant_id = await _scope_ids(conn, hub, tenant)
        await create_organisation(
            conn,
            slug=slug,
            name=name,
            type=org_type,
            email_domains=list(domains),
            hub_id=hub_id,
            tenant_id=tenant_id,
        )

    try:
        _run(create)
    except RegistryError as exc:
        _fail(exc.message)
    click.echo(f"organisatie {slug} aangemaakt")


@organisaties.command("provider")
@click.argument("slug")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--scopes", default="openid email profile", show_default=True)
@click.option("--alg", "algorithms", multiple=True, default=("RS256",), show_default=True)
@click.option("--acr", "acr", multiple=True, help="Vereiste acr-waarde (bijv. MFA).")
@click.option("--post-logout-uri", default=None)
@click.option(
    "--trusted-audience",
    "trusted_audiences",
    multiple=True,
    help="Andere client-id die in de aud van een ID-token mag staan (anders geweigerd).",
)
def organisations_provider(
    slug: str,
    issuer: str,
    client_id: str,
    scopes: str,
    algorithms: tuple[str, ...],
    acr: tuple[str, ...],
    post_logout_uri: str | None,
    trusted_audiences: tuple[str, ...],
) -> None:
    """Stel de inlogdienst in; het clientgeheim wordt gevraagd en versleuteld bewaard."""
    from sqlalchemy import select

    from casushub.platform.identity.models import Organisation
    from casushub.platform.identity.organisations import save_provider
    from casushub.platform.registry import RegistryError

    secret = (
        sys.stdin.readline().strip()
        if not sys.stdin.isatty()
        else click.prompt("Clientgeheim", hide_input=True)
    )

    async def save(conn: AsyncConnection) -> None:
        org_id = (
            await conn.execute(select(Organisation.id).where(Organisation.slug == slug))
        ).scalar()
        if org_id is None:
            _fail(f"onbekende organisatie {slug!r}")
        await save_provider(
            conn,
            get_settings(),
            organisation_id=org_id,
            issuer=issuer,
            client_id=client_id,
            client_secret=secret,
            scopes=scopes,
            allowed_algorithms=algorithms,
            required_acr=acr,
            post_logout_redirect_uri=post_logout_uri,
            trusted_audiences=trusted_audiences,
        )

    try:
        _run(save)
    except RegistryError as exc:
        _fail(exc.message)
    click.echo(f"inlogdienst van {slug} opgeslagen (het geheim wordt niet meer getoond)")


@organisaties.command("deactivate")
@click.argument("slug")
def organisations_deactivate(slug: str) -> None:
    """Zet een organisatie uit; alle sessies van haar gebruikers eindigen direct."""
    from sqlalchemy import select

    from casushub.platform.identity.models import Organisation
    from casushub.platform.identity.organisations import deactivate_organisation

    async def off(conn: AsyncConnection) -> int:
        org_id = (
            await conn.execute(select(Organisation.id).where(Organisation.slug == slug))
        ).scalar()
        if org_id is None:
            _fail(f"onbekende organisatie {slug!r}")
        return await deactivate_organisation(conn, org_id)

    click.echo(f"organisatie {slug} uitgezet; {_run(off)} sessies beëindigd")


@click.group()
def gebruikers() -> None:
    """Gebruikers: uitnodigen en uitzetten."""


@gebruikers.command("invite")
@click.argument("organisation")
@click.argument("email")
@click.option("--role", required=True)
@click.option("--hub", default=None)
@click.option("--tenant", default=None)
def users_invite(
    organisation: str, email: str, role: str, hub: str | None, tenant: str | None
) -> None:
    """Nodig een e-mailadres uit; de eerste keer inloggen koppelt de rol."""
    from sqlalchemy import select

    from casushub.platform.identity.memberships import invite
    from casushub.platform.identity.models import Organisation
    from casushub.platform.identity.roles import Role

    try:
        chosen = Role(role)
    except ValueError:
        _fail("onbekende rol; kies uit " + ", ".join(r.value for r in Role))

    async def create(conn: AsyncConnection) -> None:
        org_id = (
            await conn.execute(select(Organisation.id).where(Organisation.slug == organisation))
        ).scalar()
        if org_id is None:
            _fail(f"onbekende organisatie {organisation!r}")
        hub_id, tenant_id = await _scope_ids(conn, hub, tenant)
        await invite(
            conn,
            organisation_id=org_id,
            email=email,
            role=chosen,
            hub_id=hub_id,
            tenant_id=tenant_id,
        )

    _run(create)
    click.echo(f"{email} uitgenodigd als {chosen.value}")


@gebruikers.command("deactivate")
@click.argument("user_id", type=click.UUID)
def users_deactivate(user_id: uuid.UUID) -> None:
    """Zet een gebruiker uit; al zijn of haar sessies eindigen direct."""
    from casushub.platform.identity.memberships import deactivate_user

    async def off(conn: AsyncConnection) -> int:
        return await deactivate_user(conn, user_id)

    click.echo(f"gebruiker uitgezet; {_run(off)} sessies beëindigd")
