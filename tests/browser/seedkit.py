"""Objects the page checks need ids for (a casus, a meeting, an invitation…), made once per
session through the real services, and the ids they fill into PAGES paths like ``{casus}``."""

from __future__ import annotations

import json
import secrets
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.jobs import create_job
from casushub.platform.models import Tenant
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus
from casushub.tenants.overleg.services import agendeer
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.uitnodigingen.services import nodig_uit
from casushub.tenants.verzoeken import services as verzoeken
from casushub.tenants.verzoeken.rectificatie import rectificeer
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal
from casushub.web.auth.testing import SignedIn, create_signed_in_session

# The casusoverleg screen tests' building blocks: the hub lookup and the casus.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web" / "casusoverleg"))
from bouwstenen import casus as casus_met_item
from bouwstenen import hub_id as hub_uuid
from overgangkit import overgangszaak

__all__ = [
    "SYSTEEM",
    "Seeds",
    "citizen_with_receipt",
    "hub_uuid",
    "invite_party",
    "seed",
    "sign_in_role",
    "weging_invoer",
]

SYSTEEM = Actor.system("browsertest")
GEMEENTECODE = "9801"  # tenant "alfa" (tests/conftest.py)


@dataclass(frozen=True)
class Seeds:
    hub: uuid.UUID
    politie: uuid.UUID
    overleg: uuid.UUID
    bijeenkomst: uuid.UUID
    einde_bijeenkomst: datetime
    casus: uuid.UUID
    item: uuid.UUID
    agendapunt: uuid.UUID
    signaal: uuid.UUID
    weging: uuid.UUID
    verzoek: uuid.UUID
    job: uuid.UUID
    uitnodiging: uuid.UUID | None = None
    # A rectification request linked to the casus's person (the decision page with its form),
    # and a correction its recipients read.
    verzoek_gekoppeld: uuid.UUID | None = None
    rectificatie: uuid.UUID | None = None
    overgang_import: uuid.UUID | None = None
    overgang_zaak: uuid.UUID | None = None
    # A second municipality of the hub under a running agreement: the hub admin's upload.
    overgang_tenant: uuid.UUID | None = None
    overgang_hub_import: uuid.UUID | None = None

    def ids(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if isinstance(v, uuid.UUID)}


def weging_invoer(signaal_id: uuid.UUID, uitkomst: str = "opname") -> WegingInvoer:
    return WegingInvoer(
        signaal_id,
        date.today() - timedelta(days=1),
        [
            Aanwezige(uuid.uuid4(), "gemeente"),
            Aanwezige(uuid.uuid4(), "politie"),
            Aanwezige(uuid.uuid4(), "om"),
        ],
        {k: Beoordeling("ernstige_zorg", "toelichting") for k in CRITERIA},
        "zorgelijk",
        uitkomst,
    )


async def sign_in_role(
    admin_engine: AsyncEngine, settings: Settings, role: str, tenant: TenantRef, hub: uuid.UUID
) -> SignedIn:
    """A session for a PAGES role: hub roles hold their hub, the operator nothing, the rest
    a membership in ``tenant``."""
    if role == Role.PLATFORM_OPERATOR:
        return await create_signed_in_session(
            admin_engine, settings, role=Role(role), organisation_type=OrganisationType.HUB
        )
    if role == Role.HUB_ADMIN:
        return await create_signed_in_session(
            admin_engine,
            settings,
            role=Role(role),
            hub_id=hub,
            organisation_type=OrganisationType.HUB,
        )
    if role == Role.INVITED_PARTY:
        return await create_signed_in_session(
            admin_engine,
            settings,
            role=Role(role),
            tenant_id=tenant.id,
            organisation_type=OrganisationType.SATELLIETPARTNER,
        )
    return await create_signed_in_session(
        admin_engine, settings, role=Role(role), tenant_id=tenant.id
    )


async def seed(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant: TenantRef,
    hub: str,
) -> Seeds:
    hub_id = await hub_uuid(admin_engine, hub)
    suffix = secrets.token_hex(3)
    begin = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    async with admin_engine.begin() as conn:
        politie = await create_organisation(
            conn,
            slug=f"politie_{suffix}",
            name=f"Politie Eenheid {suffix}",
            type="politie",
            email_domains=[f"p{suffix}.test"],
            hub_id=hub_id,
        )
        overleg = await maak_casusoverleg(conn, hub_id, f"Regio Pagina's {suffix}", [tenant.id])
        meeting = await plan_bijeenkomst(
            conn,
            hub_id,
            overleg,
            begin,
            begin + timedelta(hours=2),
            locatie="Stadhuis, zaal 3",
            videolink="https://video.example.test/overleg",
        )
    job = await create_job(
        admin_engine, "tenants.provision", params={"slug": f"p{suffix}", "hub_id": str(hub_id)}
    )
    # bouwstenen takes the casus in under gemeente 9801 (GEMEENTECODE), as the rest here.
    casus, item = await casus_met_item(
        app_engine, settings, tenant, "Casper Casus", [(politie, "politie")], bron=politie
    )
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        punt = await agendeer(s, SYSTEEM, casus_id=casus, bijeenkomst_id=meeting, doel="bespreking")
        # A second signal, weighed "opname" but not yet taken in: the opname screen.
        open_signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal("Olga Opname", GEMEENTECODE, "zorgen", politie, date.today()),
        )
        open_weging = await weeg_signaal(
            s, SYSTEEM, weging_invoer(open_signaal.id), vaststellen=True
        )
        # A third, not weighed yet: the weging screen.
        te_wegen = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal("Wim Weging", GEMEENTECODE, "zorgen", politie, date.today()),
        )
        verzoek = await verzoeken.registreer(
            s,
            SYSTEEM,
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Ines Inzage",
                indiener_naam="Ines Inzage",
                kanaal=Kanaal.BALIE,
            ),
            gemeentecode=GEMEENTECODE,
        )
        gekoppeld = await verzoeken.registreer(
            s,
            SYSTEEM,
            NieuwVerzoek(
                type=VerzoekType.RECTIFICATIE,
                betrokkene_naam="Casper Casus",
                indiener_naam="Casper Casus",
                kanaal=Kanaal.BRIEF,
            ),
            gemeentecode=GEMEENTECODE,
        )
        persoon_id = await s.scalar(select(Casus.persoon_id).where(Casus.id == casus))
        assert persoon_id is not None
        await verzoeken.koppel_persoon(s, SYSTEEM, gekoppeld.id, persoon_id)
        correctie, _ = await rectificeer(
            s,
            SYSTEEM,
            item_soort="signaal",
            item_id=te_wegen.id,
            veld="omschrijving",
            nieuwe_waarde="Zorgen over contacten (verbeterd).",
        )
    # An imported convenant-era case and its upload (with one faulty row in the report).
    overgang_import, overgang_zaak = await overgangszaak(
        app_engine, settings, tenant, GEMEENTECODE, "Otto Overgang"
    )
    hub_tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"ovhub{suffix}",
        name="Gemeente Overgang",
        gemeentecode="9861",
        hub_slug=hub,
    )
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(Tenant)
            .where(Tenant.id == hub_tenant.id)
            .values(verwerkersovereenkomst_start=date(2025, 7, 1))
        )
    hub_import, _ = await overgangszaak(app_engine, settings, hub_tenant, "9861", "Hanna Hub")
    return Seeds(
        verzoek_gekoppeld=gekoppeld.id,
        rectificatie=correctie.id,
        overgang_tenant=hub_tenant.id,
        overgang_hub_import=hub_import,
        overgang_import=overgang_import,
        overgang_zaak=overgang_zaak,
        hub=hub_id,
        politie=politie,
        overleg=overleg,
        bijeenkomst=meeting,
        einde_bijeenkomst=begin + timedelta(hours=2),
        casus=casus,
        item=item,
        agendapunt=punt.id,
        signaal=te_wegen.id,
        weging=open_weging.id,
        verzoek=verzoek.id,
        job=job,
    )


async def invite_party(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, seeds: Seeds, party: SignedIn
) -> uuid.UUID:
    """Invite the invited party's organisation for the seeded casus and meeting."""
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        uitnodiging = await nodig_uit(
            s,
            SYSTEEM,
            casus_id=seeds.casus,
            bijeenkomst_id=seeds.bijeenkomst,
            einde_bijeenkomst=seeds.einde_bijeenkomst + timedelta(days=1),
            organisatie_id=party.organisation_id,
            reden="Betrokken hulpverlener",
            item_ids=[seeds.item],
        )
    return uitnodiging.id


async def citizen_with_receipt(
    admin_engine: AsyncEngine, settings: Settings, tenant: TenantRef
) -> str:
    """A citizen's (anonymous) session holding the receipt the public form leaves in it."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from casushub.platform.identity.models import WebSessionData
    from casushub.web.contactpunt import ONTVANGEN_KEY

    cookie = secrets.token_hex(32)
    nu = datetime.now(UTC)
    bewijs = {
        "slug": tenant.slug,
        "nummer": "CP-9801-TEST",
        "type": "inzage",
        "ontvangen_op": nu.date().isoformat(),
        "termijn": (nu + timedelta(days=30)).date().isoformat(),
        "email": False,
    }
    async with admin_engine.begin() as conn:
        await conn.execute(
            insert(WebSessionData).values(
                key=cookie,
                value=json.dumps({ONTVANGEN_KEY: bewijs}).encode(),
                expires_at=nu + timedelta(hours=settings.session_absolute_hours),
            )
        )
    return cookie
