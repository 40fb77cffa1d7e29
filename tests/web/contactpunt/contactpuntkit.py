"""Helpers of the contactpunt screen tests (importable as ``contactpunt.contactpuntkit``:
pytest puts tests/web, the first folder up without __init__.py, on sys.path)."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken import services
from casushub.tenants.verzoeken.models import Verzoek
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.web.app import create_app, session_config

CSRF_FIELD = "_csrf_token"
Client = AsyncTestClient[Litestar]


def contactpunt_app(
    settings: Settings, *, contactpunt_limiet_client: int, contactpunt_limiet_email: int
) -> Litestar:
    # The limiter counts in the shared test database, keyed with the app's secret: a secret of
    # its own gives each app fresh counts.
    return create_app(
        replace(
            settings,
            secret_key=secrets.token_hex(24),
            contactpunt_limiet_client=contactpunt_limiet_client,
            contactpunt_limiet_email=contactpunt_limiet_email,
        )
    )


async def open_client(app: Litestar, settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield client


async def formulier_token(client: Client, slug: str) -> str:
    page = await client.get(f"/contactpunt/{slug}")
    assert page.status_code == 200
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert found, "the form carries the CSRF token"
    return found.group(1)


def formulier(gemeente: TenantRef | None = None, /, **extra: str) -> dict[str, str]:
    return {
        "gemeente_van_verblijf": gemeente.slug.removeprefix("cp") if gemeente else "",
        "type": "inzage",
        "naam": "Fatima el Amrani",
        "geboortedatum": "17-03-1990",
        "email": "fatima@voorbeeld.nl",
        "telefoon": "",
        "adres": "",
        "bericht": "Ik wil weten wat er over mij is vastgelegd.",
        "website": "",
        **extra,
    }


async def opgeslagen_verzoeken(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef
) -> list[Verzoek]:
    async with tenant_session(app_engine, tenant, settings) as session:
        return list((await session.scalars(select(Verzoek))).all())


async def staff_token(client: Client, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text[:300]
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


async def verzoek_van(
    session: AsyncSession,
    actor: Actor,
    naam: str,
    gemeentecode: str,
    *,
    soort: VerzoekType = VerzoekType.INZAGE,
    kanaal: Kanaal = Kanaal.BRIEF,
    persoon_id: uuid.UUID | None = None,
    ontvangen: datetime | None = None,
) -> Verzoek:
    """A request the person made themselves, registered at the contactpunt."""
    return await services.registreer(
        session,
        actor,
        NieuwVerzoek(
            type=soort,
            betrokkene_naam=naam,
            indiener_naam=naam,
            kanaal=kanaal,
            persoon_id=persoon_id,
        ),
        gemeentecode=gemeentecode,
        ontvangen=ontvangen,
    )
