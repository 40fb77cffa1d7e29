"""An invited party reaches a meeting only inside its invitation's window, on every route.

The meeting page (date, place, video link and the agenda items), its calendar file and the
invitation's own page answer an invited party only between the moment it was invited and the
moment the invitation lapses; before and after, the meeting does not exist for it (404, the
same as an unknown id) and the invitation page refuses. Agenda printing and minutes are not
for invited parties at all (the role guard). Regie of the municipality keeps seeing all of it.

Four meetings of one casusoverleg, each with a different invitation of the same party:
``open`` (in its window, accepted), ``verlopen`` (lapsed), ``nog_niet`` (its window has not
opened yet) and ``geen`` (no invitation).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import use_session
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Hub
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.overleg.services import agendeer
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.uitnodigingen.rules import controleer_gebruik, in_venster
from casushub.tenants.uitnodigingen.services import (
    accepteer,
    lees_uitnodiging,
    mijn_uitnodigingen,
    nodig_uit,
)
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal
from casushub.web.app import session_config
from casushub.web.auth.testing import create_signed_in_session

SYSTEEM = Actor.system("venstertest")
VIDEO = "https://video.example.test/venster-"
KERN = [Aanwezige(uuid.uuid4(), t) for t in ("gemeente", "politie", "om")]
MEETINGS = ("open", "verlopen", "nog_niet", "geen")


@dataclass
class Venster:
    tenant: TenantRef
    code: str
    naam: str
    meetings: dict[str, uuid.UUID] = field(default_factory=dict)
    uitnodigingen: dict[str, uuid.UUID] = field(default_factory=dict)
    gast: tuple[str, uuid.UUID, uuid.UUID] = ("", uuid.UUID(int=0), uuid.UUID(int=0))
    regie: str = ""


async def _casus(s: Any, code: str, naam: str) -> tuple[uuid.UUID, uuid.UUID]:
    signaal = await registreer_signaal(
        s, SYSTEEM, NieuwSignaal(naam, code, "Zorgen.", uuid.uuid4(), date.today())
    )
    weging = await weeg_signaal(
        s,
        SYSTEEM,
        WegingInvoer(
            signaal_id=signaal.id,
            datum=date.today(),
            aanwezigen=KERN,
            criteria={k: Beoordeling("enige_zorg", "zorgen") for k in CRITERIA},
            redenering="Afgewogen.",
            uitkomst="opname",
        ),
        vaststellen=True,
    )
    casus = await maak_casus(
        s,
        SYSTEEM,
        weging_id=weging.id,
        regie_gemeente=code,
        intake_datum=date.today(),
        deelnemers=[Deelnemer(a.organisatie_id, a.organisatie_type) for a in KERN],
    )
    item = await voeg_item_toe(
        s,
        SYSTEEM,
        casus_id=casus.id,
        tekst="Gedeeld met de partner.",
        bron_organisatie_id=uuid.uuid4(),
        datum=date.today(),
        categorie="gewoon",
    )
    return casus.id, item.id


@pytest.fixture(scope="module")
async def venster(
    admin_engine: AsyncEngine, app_engine: AsyncEngine, settings: Settings, hub: str
) -> Venster:
    suffix = secrets.token_hex(3)
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"venster_{suffix}",
        name=f"Gemeente Venster {suffix}",
        gemeentecode="9898",
        hub_slug=hub,
    )
    nu = datetime.now(UTC).replace(microsecond=0)
    # Every meeting lies ahead: the window, not the meeting's date, decides.
    begin = nu + timedelta(days=3)
    async with admin_engine.begin() as conn:
        hub_id = await conn.scalar(select(Hub.id).where(Hub.slug == hub))
        assert hub_id is not None
        overleg = await maak_casusoverleg(conn, hub_id, f"Venster {suffix}", [tenant.id])
        meetings = {
            naam: await plan_bijeenkomst(
                conn,
                hub_id,
                overleg,
                begin + timedelta(days=i),
                begin + timedelta(days=i, hours=2),
                locatie="Stadhuis",
                videolink=f"{VIDEO}{naam}-{suffix}",
            )
            for i, naam in enumerate(MEETINGS)
        }
    gast = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.INVITED_PARTY,
        tenant_id=tenant.id,
        organisation_type=OrganisationType.SATELLIETPARTNER,
    )
    regie = await create_signed_in_session(
        admin_engine, settings, role=Role.GEMEENTE_REGIE, tenant_id=tenant.id
    )
    naam = f"Vensterman{suffix}"
    v = Venster(
        tenant,
        "9898",
        naam,
        meetings,
        gast=(gast.cookie, gast.user_id, gast.organisation_id),
        regie=regie.cookie,
    )
    gast_actor = Actor(gast.user_id, gast.organisation_id, "invited_party")
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        casus_id, item_id = await _casus(s, v.code, naam)
        # (invited at, end of the meeting as the invitation knows it) per meeting.
        einde = begin + timedelta(hours=2)
        momenten = {
            "open": (nu - timedelta(hours=1), einde),
            "verlopen": (nu - timedelta(days=10), nu - timedelta(days=9)),
            "nog_niet": (nu + timedelta(days=1), einde + timedelta(days=2)),
        }
        for naam_m, (uitgenodigd, afloop) in momenten.items():
            await agendeer(
                s,
                SYSTEEM,
                casus_id=casus_id,
                bijeenkomst_id=meetings[naam_m],
                doel="bespreking",
            )
            uitnodiging = await nodig_uit(
                s,
                SYSTEEM,
                casus_id=casus_id,
                bijeenkomst_id=meetings[naam_m],
                einde_bijeenkomst=afloop,
                organisatie_id=gast.organisation_id,
                reden="Behandelrelatie.",
                item_ids=[item_id],
                nu=uitgenodigd,
            )
            v.uitnodigingen[naam_m] = uitnodiging.id
            # Accepted at a moment inside each window: only the window itself differs.
            await accepteer(
                s, gast_actor, uitnodiging.id, geheimhouding_geaccepteerd=True, nu=uitgenodigd
            )
        await agendeer(
            s, SYSTEEM, casus_id=casus_id, bijeenkomst_id=meetings["geen"], doel="bespreking"
        )
    return v


@pytest.fixture
async def gast(app: Litestar, settings: Settings, venster: Venster) -> AsyncIterator[Any]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        use_session(client, venster.gast[0])
        yield client


@pytest.fixture
async def regie(app: Litestar, settings: Settings, venster: Venster) -> AsyncIterator[Any]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        use_session(client, venster.regie)
        yield client


def _routes(meeting: uuid.UUID) -> dict[str, str]:
    base = f"/casusoverleg/bijeenkomsten/{meeting}"
    return {"pagina": base, "ics": f"{base}/uitnodiging.ics"}


async def test_inside_the_window_the_meeting_and_its_item_open(gast: Any, venster: Venster) -> None:
    meeting = venster.meetings["open"]
    routes = _routes(meeting)
    pagina = await gast.get(routes["pagina"])
    assert pagina.status_code == 200
    assert f"{VIDEO}open" in pagina.text
    assert venster.naam in pagina.text
    assert f"/casusoverleg/uitnodigingen/{venster.uitnodigingen['open']}" in pagina.text
    ics = await gast.get(routes["ics"])
    assert ics.status_code == 200
    assert f"{VIDEO}open" in ics.text
    uitnodiging = await gast.get(f"/casusoverleg/uitnodigingen/{venster.uitnodigingen['open']}")
    assert uitnodiging.status_code == 200
    assert "Gedeeld met de partner." in uitnodiging.text
    dashboard = await gast.get("/casusoverleg")
    assert str(meeting) in dashboard.text


@pytest.mark.parametrize("naam", ["verlopen", "nog_niet", "geen"])
async def test_outside_the_window_every_route_of_the_meeting_is_refused(
    gast: Any, venster: Venster, naam: str
) -> None:
    meeting = venster.meetings[naam]
    unknown = _routes(uuid.uuid4())
    for route, path in _routes(meeting).items():
        response = await gast.get(path)
        assert response.status_code == 404, (route, response.status_code)
        assert VIDEO not in response.text, route
        assert venster.naam not in response.text, route
        # The same answer as for a meeting that does not exist.
        assert (await gast.get(unknown[route])).status_code == 404
    for route in ("agenda.pdf", "aanwezigheid"):
        refused = await gast.get(f"/casusoverleg/bijeenkomsten/{meeting}/{route}")
        assert refused.status_code == 403, route
    dashboard = await gast.get("/casusoverleg")
    assert str(meeting) not in dashboard.text
    if naam in venster.uitnodigingen:
        page = await gast.get(f"/casusoverleg/uitnodigingen/{venster.uitnodigingen[naam]}")
        assert page.status_code == 403
        assert "Gedeeld met de partner." not in page.text


async def test_regie_sees_every_meeting_of_its_casusoverleg(regie: Any, venster: Venster) -> None:
    for naam, meeting in venster.meetings.items():
        for route, path in _routes(meeting).items():
            response = await regie.get(path)
            assert response.status_code == 200, (naam, route)
            assert f"{VIDEO}{naam}" in response.text, (naam, route)


async def test_the_window_opens_only_at_the_moment_of_inviting(
    app_engine: AsyncEngine, settings: Settings, venster: Venster
) -> None:
    """The opening end of the window, on its own: a moment before ``uitgenodigd_op`` is
    outside, the moment itself inside (in the rule and in every service that applies it)."""
    nu = datetime(2026, 11, 25, 12, tzinfo=UTC)
    einde = nu + timedelta(days=2)
    assert in_venster(nu=nu, uitgenodigd_op=nu, vervalt=einde)
    assert not in_venster(nu=nu - timedelta(seconds=1), uitgenodigd_op=nu, vervalt=einde)
    with pytest.raises(GeenToegang, match="niet \\(meer\\) geldig"):
        controleer_gebruik(
            nu=nu - timedelta(seconds=1),
            uitgenodigd_op=nu,
            vervalt=einde,
            geaccepteerd_op=nu,
            ingetrokken=False,
        )
    _, user_id, organisatie_id = venster.gast
    actor = Actor(user_id, organisatie_id, "invited_party")
    async with tenant_session(app_engine, venster.tenant, settings) as s, s.begin():
        uitnodiging_id = venster.uitnodigingen["nog_niet"]
        with pytest.raises(GeenToegang):
            await lees_uitnodiging(s, actor, uitnodiging_id)
        assert uitnodiging_id not in {u.id for u in await mijn_uitnodigingen(s, actor)}
        # Once the moment of inviting has come, the same invitation opens.
        later = datetime.now(UTC) + timedelta(days=1, minutes=1)
        weergave = await lees_uitnodiging(s, actor, uitnodiging_id, nu=later)
        assert weergave.uitnodiging.id == uitnodiging_id
        assert uitnodiging_id in {u.id for u in await mijn_uitnodigingen(s, actor, nu=later)}
