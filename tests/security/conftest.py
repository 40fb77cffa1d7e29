"""Two municipalities on two hubs, filled through the services, for the security tests.

Each side gets the full demo (signals in every phase, cases with plan, items, meeting,
invitation), plus a request with consultations, a job and distinctive marker strings that must
never appear in a response to the other side.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from dbkit import tenant_with_free_code
from litestar import Litestar
from litestar.testing import AsyncTestClient
from overgangkit import overgangszaak
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.api_tokens import maak_token
from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
from casushub.platform.hub.checklist import maak_checklist
from casushub.platform.hub.models import Implementatiestap, Situatie, StapStatus
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.roles import TENANT_ROLES, OrganisationType, Role
from casushub.platform.jobs import create_job
from casushub.platform.models import Hub, Tenant
from casushub.platform.registry import create_hub
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.base import TenantBase
from casushub.tenants.bewaartermijnen.services import stel_blokkade_in
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import Casus
from casushub.tenants.demo import load_casus_demo
from casushub.tenants.overleg.services import agendeer
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import BijlageInvoer, NieuwSignaal, registreer_signaal
from casushub.tenants.verzoeken.rectificatie import rectificeer
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.services import registreer
from casushub.web.app import create_app, session_config
from casushub.web.auth.testing import SignedIn, create_signed_in_session

SYSTEEM = Actor.system("beveiligingstest")


@dataclass
class Side:
    """One municipality on its own hub, with what was seeded into it."""

    name: str
    hub_id: uuid.UUID
    tenant: TenantRef
    markers: list[str]
    # Table name -> ids of rows in this tenant (platform rows under their own names).
    ids: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    signed_in: dict[Role, SignedIn] = field(default_factory=dict)
    # Sessions of participants of a given organisation type ("participant:reclassering").
    typed: dict[str, SignedIn] = field(default_factory=dict)
    api_token: str = ""

    def all_ids(self) -> set[uuid.UUID]:
        return {i for ids in self.ids.values() for i in ids}


@dataclass
class World:
    sides: dict[str, Side]
    admin_engine: AsyncEngine
    settings: Settings

    def other(self, name: str) -> Side:
        return next(s for n, s in self.sides.items() if n != name)

    async def sign_in(self, side: Side, role: Role) -> SignedIn:
        if role not in side.signed_in:
            tenant_role = role in TENANT_ROLES
            signed = await create_signed_in_session(
                self.admin_engine,
                self.settings,
                role=role,
                tenant_id=side.tenant.id if tenant_role else None,
                hub_id=side.hub_id if role == Role.HUB_ADMIN else None,
                organisation_type=(
                    OrganisationType.GEMEENTE if tenant_role else OrganisationType.HUB
                ),
            )
            side.signed_in[role] = signed
            self._remember(side, signed)
        return side.signed_in[role]

    async def sign_in_participant(
        self, side: Side, organisation_type: OrganisationType
    ) -> SignedIn:
        """A participant of an organisation of this type in the side's municipality (the
        plain ``sign_in`` gives participants a gemeente organisation)."""
        key = f"participant:{organisation_type.value}"
        if key not in side.typed:
            signed = await create_signed_in_session(
                self.admin_engine,
                self.settings,
                role=Role.PARTICIPANT,
                tenant_id=side.tenant.id,
                organisation_type=organisation_type,
            )
            side.typed[key] = signed
            self._remember(side, signed)
        return side.typed[key]

    @staticmethod
    def _remember(side: Side, signed: SignedIn) -> None:
        for key, value in (
            ("user", signed.user_id),
            ("session", signed.session_id),
            ("membership", signed.membership_id),
            ("organisation", signed.organisation_id),
        ):
            if value is not None:
                side.ids.setdefault(key, []).append(value)


async def _seed(app_engine: AsyncEngine, settings: Settings, side: Side, code: str) -> None:
    await load_casus_demo(app_engine, settings, [(side.tenant, code)], {})
    marker_naam, marker_tekst, marker_verzoek = side.markers
    async with tenant_session(app_engine, side.tenant, settings) as s, s.begin():
        await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(marker_naam, code, marker_tekst, uuid.uuid4(), date.today()),
        )
        casus = (await s.scalars(select(Casus).order_by(Casus.id).limit(1))).one()
        await voeg_item_toe(
            s,
            SYSTEEM,
            casus_id=casus.id,
            tekst=marker_tekst,
            bron_organisatie_id=uuid.uuid4(),
            datum=date.today(),
            categorie="gewoon",
            # A file on the item as well, holding the marker: a download by the other side
            # would show it (the matrix takes this bijlage's id from the table below).
            bijlagen=[
                BijlageInvoer("markering.txt", "text/plain; charset=utf-8", marker_tekst.encode())
            ],
        )
        # A legal hold on the casus: its id is what the hold screens' lift route names.
        await stel_blokkade_in(
            s,
            SYSTEEM,
            casus.persoon_id,
            grond="rechtszaak",
            reden=marker_tekst,
            casus_id=casus.id,
        )
        await registreer(
            s,
            SYSTEEM,
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam=marker_verzoek,
                indiener_naam=marker_verzoek,
                kanaal=Kanaal.BRIEF,
                persoon_id=casus.persoon_id,
            ),
            gemeentecode=code,
            ontvangen=datetime.now(UTC) - timedelta(days=1),
        )
        # A correction whose new value holds the marker: its page must stay on this side.
        signaal = await s.scalar(select(Signaal.id).where(Signaal.omschrijving == marker_tekst))
        assert signaal is not None
        await rectificeer(
            s,
            SYSTEEM,
            item_soort="signaal",
            item_id=signaal,
            veld="omschrijving",
            nieuwe_waarde=f"{marker_tekst} verbeterd",
        )
    # The overgangsvoorraad: an upload read in, its one case waiting for its weging (under a
    # name holding the marker: the other side must never see it).
    await overgangszaak(app_engine, settings, side.tenant, code, f"{marker_naam}Overgang")
    async with tenant_session(app_engine, side.tenant, settings) as s, s.begin():
        for table in TenantBase.metadata.sorted_tables:
            if "id" in table.c:
                rows = await s.execute(select(table.c.id).limit(3))
                side.ids[table.name] = list(rows.scalars())


async def _platform_objects(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    side: Side,
    token_id: uuid.UUID,
) -> None:
    """The side's hub-level objects, each an id the other side must not reach: its own
    organisation with an invitation, a regional casusoverleg with a meeting that has one of
    its cases on the agenda, an onboarding job of the hub, its API token."""
    suffix = secrets.token_hex(3)
    async with admin_engine.begin() as conn:
        organisatie = await create_organisation(
            conn,
            slug=f"sechub_org_{suffix}",
            name=f"Beveiligingshub {side.name}",
            type=OrganisationType.HUB.value,
            email_domains=[f"sec{suffix}.test"],
            hub_id=side.hub_id,
        )
        uitnodiging = await invite(
            conn,
            organisation_id=organisatie,
            email=f"nieuw@sec{suffix}.test",
            role=Role.HUB_ADMIN,
            hub_id=side.hub_id,
        )
        overleg = await maak_casusoverleg(conn, side.hub_id, f"Overleg {suffix}", [side.tenant.id])
        begin = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
        bijeenkomst = await plan_bijeenkomst(
            conn,
            side.hub_id,
            overleg,
            begin,
            begin + timedelta(hours=2),
            locatie=side.markers[1],  # the marker: the other side must never see it
            videolink=f"https://video.example.test/{side.markers[1]}",
        )
    async with tenant_session(app_engine, side.tenant, settings) as s, s.begin():
        casus = await s.scalar(
            select(Casus.id).where(Casus.status != "afgesloten").order_by(Casus.id).limit(1)
        )
        assert casus is not None
        await agendeer(s, SYSTEEM, casus_id=casus, bijeenkomst_id=bijeenkomst, doel="bespreking")
    side.ids["organisation"] = [organisatie]
    side.ids["invitation"] = [uitnodiging]
    side.ids["casusoverleg"] = [overleg]
    side.ids["bijeenkomst"] = [bijeenkomst]
    side.ids["hub"] = [side.hub_id]
    side.ids["api_token"] = [token_id]
    side.ids["provisietaak"] = [
        await create_job(
            admin_engine,
            "tenants.provision",
            params={"hub_id": str(side.hub_id), "slug": f"nog_{suffix}"},
        )
    ]


@pytest.fixture(scope="session")
async def world(admin_engine: AsyncEngine, app_engine: AsyncEngine, settings: Settings) -> World:
    return await make_world(admin_engine, app_engine, settings)


@pytest.fixture(scope="session")
def new_world(
    admin_engine: AsyncEngine, app_engine: AsyncEngine, settings: Settings
) -> Callable[[], Awaitable[World]]:
    """A world of its own, for a test that changes what every later test relies on (publishes
    the hub's instructions, ends sessions)."""
    return lambda: make_world(admin_engine, app_engine, settings)


async def make_world(
    admin_engine: AsyncEngine, app_engine: AsyncEngine, settings: Settings
) -> World:
    """Two hubs, each with a seeded municipality."""
    sides = {}
    for name in ("A", "B"):
        suffix = secrets.token_hex(3)
        hub_slug = f"sechub_{suffix}"
        await create_hub(admin_engine, slug=hub_slug, name=f"Beveiligingshub {name}")
        async with admin_engine.connect() as conn:
            hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub_slug))).scalar_one()
        # Codes above the fixed ones other tests give their tenants (9801-9901: alfa, beta, the
        # browser journeys' 9850, ...) and below the demo's made-up 9998/9999: a code taken
        # here once made the journeys' own tenant fail to be created on the same worker.
        tenant = await tenant_with_free_code(
            admin_engine,
            settings,
            hub=hub_slug,
            slug=f"sec_{secrets.token_hex(3)}",
            name=f"Gemeente Lek{name}{suffix}",
            codes=range(9950, 9998),
        )
        markers = [f"Lekproef{name}{suffix}{kind}" for kind in ("Naam", "Tekst", "Verzoek")]
        side = Side(name, hub_id, tenant, markers)
        async with admin_engine.connect() as conn:
            code = (
                await conn.execute(select(Tenant.gemeentecode).where(Tenant.id == tenant.id))
            ).scalar_one()
        await _seed(app_engine, settings, side, code)
        side.ids["tenant"] = [tenant.id]
        async with admin_engine.begin() as conn:
            # A running processor agreement: the hub's figures of it (and its upload of the
            # overgangsvoorraad) answer the own side's hub admin.
            await conn.execute(
                update(Tenant)
                .where(Tenant.id == tenant.id)
                .values(verwerkersovereenkomst_start=date(2025, 7, 1))
            )
            # The implementation checklist, done (so the municipality is live, as before).
            await maak_checklist(conn, tenant.id, Situatie.ZVH)
            await conn.execute(
                update(Implementatiestap)
                .where(Implementatiestap.tenant_id == tenant.id)
                .values(status=StapStatus.GEREED.value)
            )
            stappen = await conn.execute(
                select(Implementatiestap.id).where(Implementatiestap.tenant_id == tenant.id)
            )
            side.ids["implementatiestap"] = list(stappen.scalars())[:2]
            token_id, side.api_token = await maak_token(
                conn, hub_id, f"beveiliging {name}", 1, None
            )
        side.ids["job"] = [await create_job(admin_engine, "beveiligingstest", tenant_id=tenant.id)]
        await _platform_objects(admin_engine, app_engine, settings, side, token_id)
        sides[name] = side
    return World(sides, admin_engine, settings)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def anon_client(
    app: Litestar, settings: Settings
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield client
