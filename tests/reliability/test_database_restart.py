"""PostgreSQL restarted while the web app serves signed-in writes.

The app runs under uvicorn in its own process on an embedded PostgreSQL of this test (the
shared test server is never stopped). A client keeps registering signalen through the real
form (CSRF token and all) and reading the dashboard while the database is stopped and started
twice. Every answer must be a success (303/200) or a clean Dutch 503; the app must come back
by itself; every signaal whose POST was answered 303 must be in the database afterwards.
"""

from __future__ import annotations

import asyncio
import functools
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

import httpx
from faultkit import LiveApp, OwnCluster, new_database, wait_for
from sqlalchemy import select

from casushub.platform.database import create_admin_engine, create_app_engine
from casushub.platform.identity.roles import Role
from casushub.platform.registry import create_hub, create_tenant
from casushub.platform.tenancy import tenant_session
from casushub.tenants.signalen.models import Signaal
from casushub.web.app import SESSION_COOKIE
from casushub.web.auth.testing import create_signed_in_session

CSRF_FIELD = "_csrf_token"
FORM = "/casusoverleg/signalen/nieuw"
RESTARTS = 2
# Per outage: at least this many requests must have met the stopped database.
REFUSED_PER_OUTAGE = 3
SUCCESSES_BETWEEN = 4


@dataclass
class Traffic:
    run: str
    stored: list[str] = field(default_factory=list)  # markers of POSTs answered 303
    unavailable: int = 0  # clean 503s
    reads_ok: int = 0
    wrong: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


def _token(html: str) -> str:
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', html)
    assert found, "het formulier bevat het CSRF-token"
    return found.group(1)


def _check_refusal(response: httpx.Response, traffic: Traffic, what: str) -> None:
    """A 503 must be the Dutch page, without a traceback; anything else is wrong."""
    body = response.text
    if (
        response.status_code == 503
        and "Tijdelijk niet beschikbaar" in body
        and "Traceback" not in body
        and "asyncpg" not in body
        and response.headers.get("retry-after")
    ):
        traffic.unavailable += 1
        return
    traffic.wrong.append(f"{what}: {response.status_code} {body[:300]!r}")


async def _writer(client: httpx.AsyncClient, traffic: Traffic, token: str) -> None:
    number = 0
    while not traffic.stop.is_set():
        number += 1
        marker = f"storing-{traffic.run}-{number}"
        data = {
            CSRF_FIELD: token,
            "naam": f"Storing Persoon {number}",
            "geboortedatum": "05-03-2001",
            "gemeente_van_verblijf": "9811",
            "ontvangen_op": date.today().strftime("%d-%m-%Y"),
            "omschrijving": marker,
        }
        try:
            response = await client.post(FORM, data=data)
        except httpx.TransportError as exc:  # the app itself must keep answering
            traffic.wrong.append(f"POST {marker}: geen antwoord ({exc!r})")
            continue
        if response.status_code == 303:
            traffic.stored.append(marker)
        else:
            _check_refusal(response, traffic, f"POST {marker}")
        await asyncio.sleep(0.02)


async def _reader(client: httpx.AsyncClient, traffic: Traffic) -> None:
    while not traffic.stop.is_set():
        try:
            response = await client.get("/casusoverleg")
        except httpx.TransportError as exc:
            traffic.wrong.append(f"GET: geen antwoord ({exc!r})")
            continue
        if response.status_code == 200:
            traffic.reads_ok += 1
        else:
            _check_refusal(response, traffic, "GET /casusoverleg")
        await asyncio.sleep(0.05)


async def test_database_restart_under_signed_in_writes() -> None:
    cluster = await asyncio.to_thread(OwnCluster)
    app: LiveApp | None = None
    tasks: list[asyncio.Task[None]] = []
    try:
        settings = await new_database(cluster.url)
        admin = create_admin_engine(settings)
        try:
            await create_hub(admin, slug="storingshub", name="Storings-ZVH", type="zvh")
            tenant = await create_tenant(
                admin,
                settings,
                slug="storing",
                name="Gemeente Storing",
                gemeentecode="9811",
                hub_slug="storingshub",
            )
            signed_in = await create_signed_in_session(
                admin, settings, role=Role.GEMEENTE_REGIE, tenant_id=tenant.id
            )
        finally:
            await admin.dispose()
        live = await asyncio.to_thread(LiveApp, settings, "fault-db-restart-server.log")
        app = live  # stopped in `finally`

        traffic = Traffic(run=secrets.token_hex(3))
        async with httpx.AsyncClient(
            base_url=live.base_url,
            cookies={SESSION_COOKIE: signed_in.cookie},
            timeout=httpx.Timeout(60),
            follow_redirects=False,
        ) as client:
            form = await client.get(FORM)
            assert form.status_code == 200, form.text[:500]
            token = _token(form.text)
            tasks = [
                asyncio.create_task(_writer(client, traffic, token)),
                asyncio.create_task(_reader(client, traffic)),
            ]

            async def successes_beyond(n: int) -> bool:
                assert all(not t.done() for t in tasks), "verkeer stopte"
                return len(traffic.stored) >= n + SUCCESSES_BETWEEN and traffic.reads_ok > 0

            for _ in range(RESTARTS):
                await wait_for(
                    functools.partial(successes_beyond, len(traffic.stored)),
                    what="schrijven lukt (vóór de storing / na herstel)",
                )
                refused_before = traffic.unavailable
                await asyncio.to_thread(cluster.stop)

                async def refused(before: int = refused_before) -> bool:
                    return traffic.unavailable >= before + REFUSED_PER_OUTAGE

                await wait_for(refused, what="verzoeken tijdens de storing krijgen 503")
                await asyncio.to_thread(cluster.start)
            # No app restart: the same process must serve again.
            await wait_for(
                functools.partial(successes_beyond, len(traffic.stored)),
                what="de app herstelt zelf na de laatste herstart",
            )
            traffic.stop.set()
            await asyncio.gather(*tasks)

        assert live.alive(), "de app draait nog (niet herstart)"
        assert cluster.stops == RESTARTS
        assert traffic.wrong == [], "\n".join(traffic.wrong[:20])
        assert traffic.unavailable >= RESTARTS * REFUSED_PER_OUTAGE

        engine = create_app_engine(settings)
        try:
            async with tenant_session(engine, tenant, settings) as session:
                markers = list(
                    (
                        await session.scalars(
                            select(Signaal.omschrijving).where(
                                Signaal.omschrijving.like(f"storing-{traffic.run}-%")
                            )
                        )
                    ).all()
                )
        finally:
            await engine.dispose()
        missing = sorted(set(traffic.stored) - set(markers))
        assert missing == [], f"bevestigd (303) maar niet opgeslagen: {missing}"
        assert len(markers) == len(set(markers)), "geen signaal dubbel opgeslagen"
    finally:
        for task in tasks:
            task.cancel()
        if app is not None:
            await asyncio.to_thread(app.stop)
        await asyncio.to_thread(cluster.cleanup)
