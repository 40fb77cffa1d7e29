"""``casushub organisaties …``: partner organisations and their identity provider (OpenID
Connect) from the command line. The client secret is read from a hidden prompt, stdin, an
environment variable or a file (a Kubernetes Job has no terminal: it gets the secret from a
Secret), never from an argument (arguments end up in shell history and process lists).

``--if-missing`` makes ``create`` a no-op when the organisation exists already, so the chart's
bootstrap Job can run again after a failed attempt.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import click

from casushub.cli.run import fail, run_in_transaction
from casushub.platform.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


async def scope_ids(
    conn: AsyncConnection, hub: str | None, tenant: str | None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    from sqlalchemy import select

    from casushub.platform.models import Hub, Tenant

    hub_id = tenant_id = None
    if hub:
        hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar()
        if hub_id is None:
            fail(f"onbekende hub {hub!r}")
    if tenant:
        tenant_id = (await conn.execute(select(Tenant.id).where(Tenant.slug == tenant))).scalar()
        if tenant_id is None:
            fail(f"onbekende gemeente {tenant!r}")
    return hub_id, tenant_id


async def organisation_id(conn: AsyncConnection, slug: str) -> uuid.UUID:
    """The id of the organisation ``slug``; an unknown slug ends the command."""
    from sqlalchemy import select

    from casushub.platform.identity.models import Organisation

    found = (await conn.execute(select(Organisation.id).where(Organisation.slug == slug))).scalar()
    if found is None:
        fail(f"onbekende organisatie {slug!r}")
    return found


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
@click.option("--if-missing", is_flag=True, help="Bestaat de organisatie al, dan niets doen.")
def organisations_create(
    slug: str,
    name: str,
    org_type: str,
    domains: tuple[str, ...],
    hub: str | None,
    tenant: str | None,
    if_missing: bool,
) -> None:
    """Registreer een organisatie met haar e-maildomeinen."""
    from sqlalchemy import select

    from casushub.platform.identity.models import Organisation
    from casushub.platform.identity.organisations import create_organisation
    from casushub.platform.registry import RegistryError

    async def exists(conn: AsyncConnection) -> bool:
        found = await conn.execute(select(Organisation.id).where(Organisation.slug == slug))
        return found.first() is not None

    if if_missing and run_in_transaction(exists):
        click.echo(f"organisatie {slug} bestaat al")
        return

    async def create(conn: AsyncConnection) -> None:
        hub_id, tenant_id = await scope_ids(conn, hub, tenant)
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
        run_in_transaction(create)
    except RegistryError as exc:
        fail(exc.message)
    click.echo(f"organisatie {slug} aangemaakt")


@organisaties.command("provider")
@click.argument("slug")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
# An option left out keeps what an existing provider has (a new one gets the default), so a
# bootstrap Job that runs again never resets what the hub set in its screens.
@click.option("--scopes", default=None, help="Standaard: openid email profile.")
@click.option("--alg", "algorithms", multiple=True, help="Standaard: RS256.")
@click.option("--acr", "acr", multiple=True, help="Vereiste acr-waarde (bijv. MFA).")
@click.option("--post-logout-uri", default=None)
@click.option(
    "--trusted-audience",
    "trusted_audiences",
    multiple=True,
    help="Andere client-id die in de aud van een ID-token mag staan (anders geweigerd).",
)
@click.option(
    "--secret-env",
    "secret_env",
    default=None,
    metavar="NAAM",
    help="Lees het clientgeheim uit deze omgevingsvariabele (bijv. uit een Kubernetes-Secret).",
)
@click.option(
    "--secret-file",
    "secret_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Lees het clientgeheim uit dit bestand (bijv. een gekoppeld Secret).",
)
def organisations_provider(
    slug: str,
    issuer: str,
    client_id: str,
    scopes: str | None,
    algorithms: tuple[str, ...],
    acr: tuple[str, ...],
    post_logout_uri: str | None,
    trusted_audiences: tuple[str, ...],
    secret_env: str | None,
    secret_file: Path | None,
) -> None:
    """Stel de inlogdienst in; het clientgeheim wordt gelezen en versleuteld bewaard.

    Het geheim komt uit --secret-env, --secret-file, standaardinvoer of een verborgen vraag;
    nooit als argument.
    """
    from casushub.platform.identity.providers import save_provider
    from casushub.platform.registry import RegistryError

    secret = _read_secret(secret_env, secret_file)

    async def save(conn: AsyncConnection) -> None:
        org_id = await organisation_id(conn, slug)
        await save_provider(
            conn,
            get_settings(),
            organisation_id=org_id,
            issuer=issuer,
            client_id=client_id,
            client_secret=secret,
            scopes=scopes,
            allowed_algorithms=algorithms or None,
            required_acr=acr or None,
            post_logout_redirect_uri=post_logout_uri,
            trusted_audiences=trusted_audiences or None,
        )

    try:
        run_in_transaction(save)
    except RegistryError as exc:
        fail(exc.message)
    click.echo(f"inlogdienst van {slug} opgeslagen (het geheim wordt niet meer getoond)")


@organisaties.command("deactivate")
@click.argument("slug")
def organisations_deactivate(slug: str) -> None:
    """Zet een organisatie uit; alle sessies van haar gebruikers eindigen direct."""
    from casushub.platform.identity.deactivation import DeactivationRefused, deactivate_organisation

    async def off(conn: AsyncConnection) -> int:
        org_id = await organisation_id(conn, slug)
        try:
            return await deactivate_organisation(conn, org_id)
        except DeactivationRefused as exc:
            fail(exc.message)

    click.echo(f"organisatie {slug} uitgezet; {run_in_transaction(off)} sessies beëindigd")


_MAX_SECRET = 4096


def _read_secret(env_name: str | None, path: Path | None) -> str:
    """The client secret from exactly one source; the value itself never appears in output."""
    if env_name and path:
        fail("geef --secret-env of --secret-file, niet allebei.")
    if env_name:
        secret = os.environ.get(env_name, "").strip()
        if not secret:
            fail(f"omgevingsvariabele {env_name} is leeg of bestaat niet.")
    elif path:
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"kan {path} niet lezen: {type(exc).__name__}.")
        if not secret:
            fail(f"{path} is leeg.")
    elif sys.stdin.isatty():
        secret = click.prompt("Clientgeheim", hide_input=True)
    else:
        secret = sys.stdin.readline().strip()
    if not secret or len(secret) > _MAX_SECRET or "\n" in secret:
        fail(f"het clientgeheim moet één regel van 1 tot {_MAX_SECRET} tekens zijn.")
    return secret
