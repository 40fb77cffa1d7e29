"""What a participant sees depends on its organisation: only the weegploeg sees signals.

Gemeente, politie and OM (the kernpartijen) weigh signals, so they see the queue and the
persons it names. Reclassering, the Raad voor de Kinderbescherming and JenV see a person only
once a casus exists in which their organisation takes part: on the dashboard, the werkruimte,
the signal and weging pages and in search, in the rows and in the counts.

One municipality of its own per test module, filled through the services:

- ``alleen_signaal``: a person with a signal awaiting its weging and no casus;
- ``gedeeld``: a person with two casussen, the first with the test's non-kernpartij
  participant among its participants, the second without;
- ``ander``: a person with a casus of the kernpartijen only.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import csrf_token, use_session
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Tenant
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden
from casushub.tenants.casus.models import CasusDeelnemer
from casushub.tenants.casus.overzicht import overzicht
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.personen.services import tel_personen, zoek_personen
from casushub.tenants.signalen.services import NieuwSignaal, lees_signaal, registreer_signaal
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import (
    Aanwezige,
    WegingInvoer,
    lees_weging,
    weeg_signaal,
)
from casushub.web.app import CSRF_HEADER, session_config
from casushub.web.auth.testing import create_signed_in_session

SYSTEEM = Actor.system("scopetest")
NIET_WEGEND = [OrganisationType.RECLASSERING, OrganisationType.RVDK, OrganisationType.JENV]
WEGEND = [OrganisationType.POLITIE, OrganisationType.OM, OrganisationType.GEMEENTE]
KERN = [
    Aanwezige(uuid.uuid4(), "gemeente"),
    Aanwezige(uuid.uuid4(), "politie"),
    Aanwezige(uuid.uuid4(), "om"),
]


@dataclass
class Scope:
    tenant: TenantRef
    code: str
    namen: dict[str, str]
    signalen: dict[str, uuid.UUID] = field(default_factory=dict)
    wegingen: dict[str, uuid.UUID] = field(default_factory=dict)
    casussen: dict[str, uuid.UUID] = field(default_factory=dict)
    personen: dict[str, uuid.UUID] = field(default_factory=dict)
    # Organisation type -> (session cookie, organisation id) of a participant.
    deelnemers: dict[str, tuple[str, uuid.UUID]] = field(default_factory=dict)


async def _weeg(s: Any, signaal_id: uuid.UUID, uitkomst: str | None) -> uuid.UUID:
    weging = await weeg_signaal(
        s,
        SYSTEEM,
        WegingInvoer(
            signaal_id=signaal_id,
            datum=date.today() - timedelta(days=1),
            aanwezigen=KERN,
            criteria={k: Beoordeling("enige_zorg", "zorgen") for k in CRITERIA},
            redenering="Afgewogen op de vijf criteria.",
            uitkomst=uitkomst,
        ),
        vaststellen=True,
    )
    return weging.id


async def _fill(engine: AsyncEngine, settings: Settings, scope: Scope) -> None:
    async with tenant_session(engine, scope.tenant, settings) as s, s.begin():

        async def signaal(sleutel: str, persoon_id: uuid.UUID | None = None) -> uuid.UUID:
            nieuw = await registreer_signaal(
                s,
                SYSTEEM,
                NieuwSignaal(
                    scope.namen[sleutel.split(":")[0]],
                    scope.code,
                    # The name in the description too: the weging page shows it.
                    f"Zorgelijke uitingen van {scope.namen[sleutel.split(':')[0]]}.",
                    uuid.uuid4(),
                    date.today() - timedelta(days=3),
                    persoon_id=persoon_id,
                ),
            )
            scope.signalen[sleutel] = nieuw.id
            scope.personen.setdefault(sleutel.split(":")[0], nieuw.persoon_id)
            return nieuw.id

        async def casus(sleutel: str, persoon_id: uuid.UUID | None = None) -> None:
            weging = await _weeg(s, await signaal(sleutel, persoon_id), "opname")
            scope.wegingen[sleutel] = weging
            nieuw = await maak_casus(
                s,
                SYSTEEM,
                weging_id=weging,
                regie_gemeente=scope.code,
                intake_datum=date.today(),
                deelnemers=[Deelnemer(a.organisatie_id, a.organisatie_type) for a in KERN],
            )
            scope.casussen[sleutel] = nieuw.id

        await signaal("alleen_signaal")
        await casus("gedeeld:eerste")
        await casus("gedeeld:tweede", scope.personen["gedeeld"])
        await casus("ander")


@pytest.fixture(scope="module")
async def scope(
    admin_engine: AsyncEngine, app_engine: AsyncEngine, settings: Settings, hub: str
) -> Scope:
    suffix = secrets.token_hex(3)
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"zicht_{suffix}",
        name=f"Gemeente Zicht {suffix}",
        gemeentecode="9899",
        hub_slug=hub,
    )
    async with admin_engine.connect() as conn:
        code = (
            await conn.execute(select(Tenant.gemeentecode).where(Tenant.id == tenant.id))
        ).scalar_one()
    namen = {
        k: f"Zicht{k.title().replace('_', '')}{suffix}"
        for k in ("alleen_signaal", "gedeeld", "ander")
    }
    scope = Scope(tenant, code, namen)
    await _fill(app_engine, settings, scope)
    for soort in [*NIET_WEGEND, *WEGEND]:
        signed = await create_signed_in_session(
            admin_engine,
            settings,
            role=Role.PARTICIPANT,
            tenant_id=tenant.id,
            organisation_type=soort,
        )
        scope.deelnemers[soort.value] = (signed.cookie, signed.organisation_id)
        # Every participant takes part in the first casus about "gedeeld" (not the second).
        async with tenant_session(app_engine, tenant, settings) as s, s.begin():
            s.add(
                CasusDeelnemer(
                    casus_id=scope.casussen["gedeeld:eerste"],
                    organisatie_id=signed.organisation_id,
                    organisatie_type=soort.value,
                )
            )
    return scope


ClientAs = Callable[[str], Awaitable[AsyncTestClient[Litestar]]]


@pytest.fixture
async def client_as(app: Litestar, settings: Settings, scope: Scope) -> AsyncIterator[ClientAs]:
    """A test client signed in as the participant of one organisation type."""
    async with AsyncExitStack() as stack:

        async def make(soort: str) -> AsyncTestClient[Litestar]:
            client = AsyncTestClient(app, session_config=session_config(settings))
            await stack.enter_async_context(client)
            use_session(client, scope.deelnemers[soort][0])
            return client

        yield make


def _actor(scope: Scope, soort: str) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        organisation_id=scope.deelnemers[soort][1],
        role="participant",
        organisation_type=soort,
    )


# --- the screens ----------------------------------------------------------------------------


@pytest.mark.parametrize("soort", [s.value for s in NIET_WEGEND])
async def test_dashboard_shows_no_signal_and_no_person_outside_its_casussen(
    client_as: ClientAs, scope: Scope, soort: str
) -> None:
    client = await client_as(soort)
    response = await client.get("/casusoverleg")
    assert response.status_code == 200
    text = response.text
    assert scope.namen["gedeeld"] in text, "its own casus is listed"
    assert scope.namen["alleen_signaal"] not in text, "a person of a signal only"
    assert scope.namen["ander"] not in text, "a casus it takes no part in"
    assert "Te wegen signalen (" not in text, "the size of the signal queue"
    assert str(scope.signalen["alleen_signaal"]) not in text


@pytest.mark.parametrize("soort", [s.value for s in WEGEND])
async def test_weegploeg_sees_the_signal_queue(
    client_as: ClientAs, scope: Scope, soort: str
) -> None:
    client = await client_as(soort)
    response = await client.get("/casusoverleg")
    assert response.status_code == 200
    assert scope.namen["alleen_signaal"] in response.text
    assert f"/casusoverleg/signalen/{scope.signalen['alleen_signaal']}/weging" in response.text
    assert "Te wegen signalen (1)" in response.text


@pytest.mark.parametrize("soort", [s.value for s in NIET_WEGEND])
async def test_werkruimte_counts_only_the_persons_of_its_casussen(
    client_as: ClientAs, scope: Scope, soort: str
) -> None:
    client = await client_as(soort)
    response = await client.get("/werkruimte")
    assert response.status_code == 200
    # Its one casus counted, and no queue of signals: those name persons it may not see.
    assert re.search(
        r'werkblok__aantal">\s*1\s*</span>\s*<a[^>]*>\s*Lopende casussen', response.text
    ), response.text
    assert "Te wegen signalen" not in response.text


@pytest.mark.parametrize("soort", [s.value for s in NIET_WEGEND])
async def test_signal_and_weging_pages_are_refused(
    client_as: ClientAs, scope: Scope, soort: str
) -> None:
    client = await client_as(soort)
    token = await csrf_token(client)
    # Also the signal its own casus came from: the weging page is the weegploeg's.
    for signaal in ("alleen_signaal", "gedeeld:eerste"):
        path = f"/casusoverleg/signalen/{scope.signalen[signaal]}/weging"
        page = await client.get(path)
        assert page.status_code == 403, (signaal, page.status_code)
        assert scope.namen[signaal.split(":")[0]] not in page.text
        posted = await client.post(
            path,
            data={"datum": "01-01-2026", "redenering": "x", "actie": "opslaan"},
            headers={CSRF_HEADER: token},
        )
        assert posted.status_code == 403, (signaal, posted.status_code)
        assert scope.namen[signaal.split(":")[0]] not in posted.text


@pytest.mark.parametrize("soort", [s.value for s in WEGEND])
async def test_weegploeg_opens_the_weging_page(
    client_as: ClientAs, scope: Scope, soort: str
) -> None:
    client = await client_as(soort)
    page = await client.get(f"/casusoverleg/signalen/{scope.signalen['alleen_signaal']}/weging")
    assert page.status_code == 200
    assert scope.namen["alleen_signaal"] in page.text


@pytest.mark.parametrize("soort", [s.value for s in [*NIET_WEGEND, *WEGEND]])
async def test_search_finds_persons_and_casussen_of_its_own_casussen_only(
    client_as: ClientAs, scope: Scope, soort: str
) -> None:
    client = await client_as(soort)
    for sleutel in ("alleen_signaal", "ander"):
        response = await client.get("/casusoverleg/zoeken", params={"naam": scope.namen[sleutel]})
        assert response.status_code == 200
        assert scope.namen[sleutel] not in response.text.split("<h2>Resultaten</h2>")[-1]
        assert "Geen personen gevonden." in response.text
    response = await client.get("/casusoverleg/zoeken", params={"naam": scope.namen["gedeeld"]})
    assert response.status_code == 200
    assert f"/casusoverleg/casussen/{scope.casussen['gedeeld:eerste']}" in response.text
    # The person's other casus, in which this organisation takes no part, is not linked.
    assert str(scope.casussen["gedeeld:tweede"]) not in response.text


# --- the services (also for callers other than these screens) -------------------------------


@pytest.mark.parametrize("soort", [s.value for s in NIET_WEGEND])
async def test_services_refuse_and_count_like_the_screens(
    app_engine: AsyncEngine, settings: Settings, scope: Scope, soort: str
) -> None:
    actor = _actor(scope, soort)
    async with tenant_session(app_engine, scope.tenant, settings) as s, s.begin():
        lijsten = await overzicht(s, actor)
        assert lijsten.signalen.totaal == 0
        assert lijsten.signalen.regels == []
        assert {r.casus_id for r in lijsten.casussen.regels} == {scope.casussen["gedeeld:eerste"]}
        assert await tel_personen(s, actor) == 1
        with pytest.raises(GeenToegang):
            await lees_signaal(s, actor, scope.signalen["alleen_signaal"])
        # The weging its own casus came from it may read; another one not.
        weging = await lees_weging(s, actor, scope.wegingen["gedeeld:eerste"])
        assert weging.id == scope.wegingen["gedeeld:eerste"]
        with pytest.raises(GeenToegang):
            await lees_weging(s, actor, scope.wegingen["ander"])
        treffers = await zoek_personen(s, actor, sleutel="k" * 32, naam="Zicht")
        assert [t.persoon_id for t in treffers] == [scope.personen["gedeeld"]]
        assert treffers[0].casus_ids == (scope.casussen["gedeeld:eerste"],)
    async with tenant_session(app_engine, scope.tenant, settings) as s, s.begin():
        # A signal about a person it cannot see is refused as if that person did not exist.
        with pytest.raises(NietGevonden):
            await registreer_signaal(
                s,
                actor,
                NieuwSignaal(
                    "",
                    scope.code,
                    "Nog een zorg.",
                    scope.deelnemers[soort][1],
                    date.today(),
                    persoon_id=scope.personen["alleen_signaal"],
                ),
            )


async def test_an_actor_without_organisation_type_is_not_in_the_weegploeg(
    app_engine: AsyncEngine, settings: Settings, scope: Scope
) -> None:
    """Fail closed: an Actor built without its organisation's type weighs nothing."""
    actor = Actor(user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="participant")
    async with tenant_session(app_engine, scope.tenant, settings) as s, s.begin():
        assert (await overzicht(s, actor)).signalen.totaal == 0
        with pytest.raises(GeenToegang):
            await lees_signaal(s, actor, scope.signalen["alleen_signaal"])
    politie = _actor(scope, "politie")
    async with tenant_session(app_engine, scope.tenant, settings) as s, s.begin():
        assert (await overzicht(s, politie)).signalen.totaal == 1
        assert await tel_personen(s, politie) == 1
