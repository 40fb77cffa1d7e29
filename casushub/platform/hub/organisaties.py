"""The hub's organisations as its admin screens and the admin API read and change them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.identity.models import OidcProvider, Organisation
from casushub.platform.identity.roles import OrganisationType

__all__ = [
    "actieve_organisaties",
    "activeer",
    "alle_organisaties",
    "domein_in_gebruik",
    "eigen_organisaties",
    "hub_organisatie",
    "inlogdienst",
    "organisatie",
    "wijzig",
]


async def actieve_organisaties(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    types: Iterable[OrganisationType] | None = None,
) -> list[Any]:
    """The hub's active organisations (id, name, type), by name; only these types if given."""
    query = (
        select(Organisation.id, Organisation.name, Organisation.type)
        .where(Organisation.hub_id == hub_id, Organisation.active.is_(True))
        .order_by(Organisation.name)
    )
    if types is not None:
        query = query.where(Organisation.type.in_([t.value for t in types]))
    return list((await conn.execute(query)).all())


async def alle_organisaties(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """The hub's organisations (whole rows, read like an ``Organisation``), by name."""
    rows = await conn.execute(
        select(Organisation).where(Organisation.hub_id == hub_id).order_by(Organisation.name)
    )
    return list(rows.all())


async def eigen_organisaties(
    conn: AsyncConnection, hub_id: uuid.UUID, organisation_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``organisation_ids`` that are organisations of this hub."""
    rows = await conn.execute(
        select(Organisation.id).where(
            Organisation.hub_id == hub_id, Organisation.id.in_(organisation_ids)
        )
    )
    return set(rows.scalars())


async def organisatie(conn: AsyncConnection, organisation_id: uuid.UUID) -> Any:
    """The organisation's whole row, or None; the caller checks its hub."""
    return (
        await conn.execute(select(Organisation).where(Organisation.id == organisation_id))
    ).first()


async def hub_organisatie(conn: AsyncConnection, hub_id: uuid.UUID) -> Any:
    """The hub's own organisation (id, name, email_domains), or None when it has none yet."""
    return (
        await conn.execute(
            select(Organisation.id, Organisation.name, Organisation.email_domains).where(
                Organisation.hub_id == hub_id,
                Organisation.type == OrganisationType.HUB.value,
            )
        )
    ).first()


async def inlogdienst(conn: AsyncConnection, organisation_id: uuid.UUID) -> Any:
    """The organisation's identity provider as its form shows it (never the secret), or None."""
    return (
        await conn.execute(
            select(
                OidcProvider.issuer,
                OidcProvider.client_id,
                OidcProvider.scopes,
                OidcProvider.allowed_algorithms,
                OidcProvider.required_acr,
                OidcProvider.trusted_audiences,
                OidcProvider.claim_mappings,
                OidcProvider.post_logout_redirect_uri,
            ).where(OidcProvider.organisation_id == organisation_id)
        )
    ).first()


async def domein_in_gebruik(
    conn: AsyncConnection, domeinen: list[str], behalve: uuid.UUID
) -> str | None:
    """The name of another organisation that has one of these e-mail domains, if any."""
    row = (
        await conn.execute(
            select(Organisation.name).where(
                Organisation.email_domains.overlap(domeinen),
                Organisation.id != behalve,
            )
        )
    ).first()
    return row.name if row else None


async def wijzig(
    conn: AsyncConnection, organisation_id: uuid.UUID, naam: str, domeinen: list[str]
) -> None:
    """Store the organisation's name (at most 200 characters) and e-mail domains."""
    await conn.execute(
        update(Organisation)
        .where(Organisation.id == organisation_id)
        .values(name=naam[:200], email_domains=domeinen)
    )


async def activeer(conn: AsyncConnection, organisation_id: uuid.UUID) -> None:
    """Switch an organisation that was switched off back on."""
    await conn.execute(
        update(Organisation).where(Organisation.id == organisation_id).values(active=True)
    )
