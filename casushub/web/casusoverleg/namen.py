"""Names instead of codes and ids on the casusoverleg screens (platform data, no personal
data): municipalities by CBS code, organisations by id.

A casus stores the gemeentecode (the contactpunt and a move hang on it); a person chooses and
reads the municipality's name. A municipality that does not work on this platform has no name
here: it is chosen as "een andere gemeente" with its code, and shown as such.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.identity.models import Organisation, User
from casushub.platform.models import Tenant, TenantStatus

__all__ = [
    "ANDERE_GEMEENTE",
    "Gemeenten",
    "gebruikersnamen",
    "gekozen_gemeentecode",
    "gemeenten",
    "gemeentenaam_van",
    "gemeentenamen",
    "organisatienamen",
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
