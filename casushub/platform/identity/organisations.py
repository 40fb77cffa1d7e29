"""Organisations: registering one with its e-mail domains, and finding an organisation by the
domain of an address (home-realm discovery)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from casushub.platform.identity.models import Organisation
from casushub.platform.identity.roles import OrganisationType
from casushub.platform.registry import RegistryError, validate_slug

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


__all__ = [
    "OrganisationClash",
    "create_organisation",
    "domain_of",
    "organisatienamen",
    "organisatietypes",
    "organisation_for_domain",
]


_DOMAIN = re.compile(r"^(?=.{3,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})+$")


class OrganisationClash(RegistryError):
    """The slug or an e-mail domain is already another organisation's."""


def domain_of(email: str) -> str | None:
    email = email.strip().lower()
    if email.count("@") != 1:
        return None
    local, domain = email.split("@")
    if not local or not _DOMAIN.match(domain):
        return None
    return domain


async def create_organisation(
    conn: AsyncConnection,
    *,
    slug: str,
    name: str,
    type: str,
    email_domains: list[str],
    hub_id: uuid.UUID | None = None,
    tenant_id: uuid.UUID | None = None,
) -> uuid.UUID:
    validate_slug(slug)
    if type not in {t.value for t in OrganisationType}:
        msg = "Onbekend soort organisatie."
        raise RegistryError(msg, "type")
    domains = sorted({d.strip().lower() for d in email_domains})
    if not domains or any(not _DOMAIN.match(d) for d in domains):
        msg = "Geef een of meer geldige e-maildomeinen op, bijvoorbeeld politie.nl."
        raise RegistryError(msg, "email_domains")
    # One domain picks one organisation, or home-realm discovery would be ambiguous.
    clash = await conn.execute(
        select(Organisation.slug).where(Organisation.email_domains.overlap(domains))
    )
    if (row := clash.first()) is not None:
        msg = f"Een van deze e-maildomeinen is al in gebruik bij {row.slug!r}."
        raise OrganisationClash(msg, "email_domains")
    if (await conn.execute(select(Organisation.id).where(Organisation.slug == slug))).first():
        msg = f"De korte naam {slug!r} is al in gebruik bij een andere organisatie."
        raise OrganisationClash(msg, "slug")
    result = await conn.execute(
        insert(Organisation)
        .values(
            slug=slug,
            name=name.strip(),
            type=type,
            email_domains=domains,
            hub_id=hub_id,
            tenant_id=tenant_id,
        )
        .returning(Organisation.id)
    )
    return result.scalar_one()


async def organisation_for_domain(conn: AsyncConnection, domain: str) -> uuid.UUID | None:
    """The organisation an e-mail domain belongs to (active or not), for per-organisation limits."""
    return (
        await conn.execute(
            select(Organisation.id).where(Organisation.email_domains.contains([domain])).limit(1)
        )
    ).scalar()


async def organisatienamen(conn: AsyncConnection, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of these organisations (an id that is not one is left out)."""
    if not ids:
        return {}
    rows = await conn.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


async def organisatietypes(conn: AsyncConnection) -> dict[uuid.UUID, str]:
    """The type of every organisation on the platform."""
    rows = await conn.execute(select(Organisation.id, Organisation.type))
    return {row.id: row.type for row in rows}
