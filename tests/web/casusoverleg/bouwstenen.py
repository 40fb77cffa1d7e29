"""Building blocks for the casusoverleg screen tests (imported by the tests, not fixtures)."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.models import Hub
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal

CSRF_FIELD = "_csrf_token"
# The header htmx sends: the screens answer it with a fragment instead of a whole page.
HX = {"HX-Request": "true"}
SYSTEEM = Actor.system("test")


@dataclass(frozen=True)
class Partijen:
    politie: uuid.UUID
    partner: uuid.UUID  # a satellite partner: invited per casus, acts only when commissioned


async def hub_id(admin_engine: AsyncEngine, slug: str) -> uuid.UUID:
    async with admin_engine.connect() as conn:
        found = await conn.scalar(select(Hub.id).where(Hub.slug == slug))
    assert found is not None
    return found


async def partijen(admin_engine: AsyncEngine, hub: uuid.UUID) -> Partijen:
    suffix = secrets.token_hex(3)
    async with admin_engine.begin() as conn:
        politie = await create_organisation(
            conn,
            slug=f"politie_{suffix}",
            name=f"Politie {suffix}",
            type="politie",
            email_domains=[f"p{suffix}.test"],
            hub_id=hub,
        )
        partner = await create_organisation(
            conn,
            slug=f"zorg_{suffix}",
            name=f"Zorgpartner {suffix}",
            type="satellietpartner",
            email_domains=[f"z{suffix}.test"],
            hub_id=hub,
        )
    return Partijen(politie, partner)


async def bijeenkomst(
    admin_engine: AsyncEngine,
    hub: uuid.UUID,
    tenants: Sequence[TenantRef],
    *,
    locatie: str = "Stadhuis, zaal 3",
    over_dagen: int = 3,
) -> tuple[uuid.UUID, str]:
    """A regional casusoverleg for ``tenants`` with one meeting; (meeting id, name)."""
    naam = f"Regio Test {secrets.token_hex(3)}"
    begin = datetime.now(UTC).replace(microsecond=0) + timedelta(days=over_dagen)
    async with admin_engine.begin() as conn:
        overleg = await maak_casusoverleg(conn, hub, naam, [t.id for t in tenants])
        meeting = await plan_bijeenkomst(
            conn,
            hub,
            overleg,
            begin,
            begin + timedelta(hours=2),
            locatie=locatie,
            videolink="https://video.example.test/overleg",
        )
    return meeting, naam


async def casus(
    app_engine: AsyncEngine,
    settings: Settings,
    tenant: TenantRef,
    naam: str,
    deelnemers: Sequence[tuple[uuid.UUID, str]],
    *,
    intake: date | None = None,
    bron: uuid.UUID | None = None,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A casus taken in from a complete weging; (casus id, id of its ordinary item).

    ``bron`` is the police organisation the signal and the item come from (a made-up id when
    not given)."""
    gemeente, politie, om = uuid.uuid4(), bron or uuid.uuid4(), uuid.uuid4()
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(naam, "9801", "zorgen", politie, date.today() - timedelta(days=9)),
        )
        weging = await weeg_signaal(
            s,
            SYSTEEM,
            WegingInvoer(
                signaal.id,
                date.today() - timedelta(days=2),
                [
                    Aanwezige(gemeente, "gemeente"),
                    Aanwezige(politie, "politie"),
                    Aanwezige(om, "om"),
                ],
                {k: Beoordeling("ernstige_zorg", "toelichting") for k in CRITERIA},
                "zorgelijk",
                "opname",
            ),
            vaststellen=True,
        )
        nieuw = await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente="9801",
            intake_datum=intake or date.today(),
            deelnemers=[Deelnemer(o, t) for o, t in deelnemers],
        )
        item = await voeg_item_toe(
            s,
            SYSTEEM,
            casus_id=nieuw.id,
            tekst="volgt een opleiding",
            bron_organisatie_id=politie,
            datum=date.today(),
            categorie="gewoon",
        )
    return nieuw.id, item.id


def token(html: str) -> str:
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', html)
    assert found, "the form carries the CSRF token"
    return found.group(1)


async def verwerkingen(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, user: uuid.UUID
) -> list[tuple[str, str, str]]:
    """(gegevensgroep, actie, doel) of the user's access-log entries, in order."""
    async with tenant_session(app_engine, tenant, settings) as s:
        rows = await s.execute(
            select(Verwerking.gegevensgroep, Verwerking.actie, Verwerking.doel)
            .where(Verwerking.user_id == user)
            .order_by(Verwerking.volgnummer)
        )
        return [(g, a, d) for g, a, d in rows.all()]
