"""Names instead of codes and ids on the casusoverleg screens (platform data, no personal
data): municipalities by CBS code, organisations by id; and the platform lookups those screens
need besides (the organisations that can act in a municipality's cases, the work addresses an
invitation is mailed to).

A casus stores the gemeentecode (the contactpunt and a move hang on it); a person chooses and
reads the municipality's name. A municipality that does not work on this platform has no name
here: it is chosen as "een andere gemeente" with its code, and shown as such.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.identity.models import Invitation, Membership, Organisation, User
from casushub.platform.identity.roles import Role
from casushub.platform.models import Tenant, TenantStatus

__all__ = [
    "ANDERE_GEMEENTE",
    "Gemeenten",
    "adressen_van_uitgenodigden",
    "gebruikersnamen",
    "gekozen_gemeentecode",
    "gemeentecode_van",
    "gemeenten",
    "gemeentenaam_van",
    "gemeentenamen",
    "organisatienamen",
    "organisaties_van_hub",
    "soortnaam",
]

# The option for a municipality that is not on this platform (its code is typed next to it).
ANDERE_GEMEENTE = "anders"


@dataclass(frozen=True, slots=True)
class Gemeenten:
    """The municipalities on this platform: code -> name, and the options of a select."""

    namen: Mapping[str, str]

    def naam(self, code: str | None) -> str:
        if not code:
            return "onbekend"
        return self.namen.get(code) or f"een gemeente buiten dit platform (CBS-code {code})"

    def opties(self, *, zonder: str | None = None) -> list[tuple[str, str]]:
        """("", "Kies een gemeente"), every municipality by name, then "another one"."""
        namen = sorted(((c, n) for c, n in self.namen.items() if c != zonder), key=lambda o: o[1])
        return [
            ("", "Kies een gemeente"),
            *namen,
            (ANDERE_GEMEENTE, "Een andere gemeente (werkt niet met dit platform)"),
        ]


async def gemeenten(engine: AsyncEngine) -> Gemeenten:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Tenant.gemeentecode, Tenant.name).where(
                Tenant.status != TenantStatus.TERMINATED.value
            )
        )
        return Gemeenten({code: naam for code, naam in rows})


async def gemeentenamen(conn: AsyncConnection, codes: Collection[str | None]) -> Gemeenten:
    """Only the municipalities of ``codes``: a page that names two need not read them all."""
    gevraagd = sorted({c for c in codes if c})
    if not gevraagd:
        return Gemeenten({})
    rows = await conn.execute(
        select(Tenant.gemeentecode, Tenant.name).where(
            Tenant.status != TenantStatus.TERMINATED.value, Tenant.gemeentecode.in_(gevraagd)
        )
    )
    return Gemeenten({code: naam for code, naam in rows})


def gekozen_gemeentecode(keuze: str, andere_code: str) -> str:
    """The code behind a choice in the select ("anders": the code typed next to it, with or
    without the "GM" prefix CBS writes)."""
    if keuze.strip() != ANDERE_GEMEENTE:
        return keuze.strip()
    code = andere_code.strip().upper()
    return code[2:] if code.startswith("GM") else code


async def organisatienamen(engine: AsyncEngine, ids: Collection[uuid.UUID]) -> dict[str, str]:
    """str(id) -> organisation name (an unknown or removed one is simply absent)."""
    if not ids:
        return {}
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(set(ids))))
        )
        return {str(i): n for i, n in rows}


async def gebruikersnamen(engine: AsyncEngine, ids: Collection[uuid.UUID]) -> dict[str, str]:
    """str(id) -> the user's name (their e-mail address when the provider gave no name)."""
    if not ids:
        return {}
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(User.id, User.name, User.email).where(User.id.in_(list(set(ids))))
        )
        return {str(i): n or e or "onbekende gebruiker" for i, n, e in rows}


async def gemeentenaam_van(engine: AsyncEngine, tenant_id: uuid.UUID) -> str:
    async with engine.connect() as conn:
        naam = await conn.scalar(select(Tenant.name).where(Tenant.id == tenant_id))
    return naam or "uw gemeente"


async def gemeentecode_van(conn: AsyncConnection, tenant_id: uuid.UUID) -> str | None:
    return await conn.scalar(select(Tenant.gemeentecode).where(Tenant.id == tenant_id))


async def organisaties_van_hub(
    engine: AsyncEngine, tenant_id: uuid.UUID
) -> list[tuple[str, str, str]]:
    """(id, name, type) of every active organisation that can act in this municipality's
    cases: its own gemeente, the hub's statutory participants and its other partners
    (who may act only when commissioned), by type and name. Organisation data, no personal
    data."""
    async with engine.connect() as conn:
        hub_id = await conn.scalar(select(Tenant.hub_id).where(Tenant.id == tenant_id))
        rows = await conn.execute(
            select(Organisation.id, Organisation.name, Organisation.type)
            .where(
                Organisation.active.is_(True),
                Organisation.type != "hub",
                (Organisation.tenant_id == tenant_id)
                | ((Organisation.hub_id == hub_id) & (Organisation.type != "gemeente")),
            )
            .order_by(Organisation.type, Organisation.name)
        )
        return [(str(i), n, str(t)) for i, n, t in rows]


async def adressen_van_uitgenodigden(
    engine: AsyncEngine, tenant_id: uuid.UUID, organisatie_id: uuid.UUID
) -> set[str]:
    """The work addresses of the invited organisation's people in this municipality: members
    as invited party, and those invited as such who have not signed in yet."""
    async with engine.connect() as conn:
        leden = await conn.execute(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisatie_id,
                Membership.tenant_id == tenant_id,
                Membership.role == Role.INVITED_PARTY.value,
                User.active.is_(True),
            )
        )
        open_ = await conn.execute(
            select(Invitation.email).where(
                Invitation.organisation_id == organisatie_id,
                Invitation.tenant_id == tenant_id,
                Invitation.role == Role.INVITED_PARTY.value,
                Invitation.accepted_at.is_(None),
                or_(Invitation.expires_at.is_(None), Invitation.expires_at > datetime.now(UTC)),
            )
        )
        return {e.strip().lower() for (e,) in [*leden, *open_] if e and e.strip()}


_SOORTEN = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "Openbaar Ministerie",
    "reclassering": "reclassering",
    "rvdk": "Raad voor de Kinderbescherming",
    "jenv": "Ministerie van Justitie en Veiligheid",
    "satellietpartner": "samenwerkingspartner",
    "hub": "hub",
}


def soortnaam(soort: str) -> str:
    """An organisation type in words ("om" is "Openbaar Ministerie")."""
    return _SOORTEN.get(soort, soort)
