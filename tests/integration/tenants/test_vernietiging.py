"""Destruction removes everything of a casus or a signal, and nothing of anyone else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from casusfabriek import ALLE_CRITERIA, Organisaties, Sessie, nieuw_signaal, nieuwe_casus, weging
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.base import TenantBase
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import Bijlage, Casus
from casushub.tenants.casus.overzicht import overzicht
from casushub.tenants.casus.services import registreer_herbeoordeling, verhuis
from casushub.tenants.casus.vernietiging import vernietig_casus
from casushub.tenants.overleg.services import agendeer, leg_actie_vast, notuleer
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import voeg_derde_toe
from casushub.tenants.plan.services import InterventieInvoer, voeg_interventie_toe
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import BijlageInvoer, vernietig_signaal
from casushub.tenants.uitnodigingen.services import nodig_uit

NU = datetime.now(UTC)
# Tables that hold data of a casus or a signal; the log and housekeeping tables do not.
WORKFLOW_TABLES = {
    "persoon",
    "derde",
    "signaal",
    "weging",
    "weging_aanwezige",
    "casus",
    "casus_deelnemer",
    "informatie_item",
    "bijlage",
    "verhuizing",
    "overdrachtstaak",
    "herbeoordeling",
    "plan",
    "interventie",
    "agendapunt",
    "agenda_actie",
    "uitnodiging",
    "uitnodiging_item",
}


async def _counts(s: AsyncSession) -> dict[str, int]:
    tables = TenantBase.metadata.tables
    return {
        name: (await s.execute(select(func.count()).select_from(tables[name]))).scalar_one()
        for name in sorted(WORKFLOW_TABLES)
    }


async def _volle_casus(s: AsyncSession, orgs: Organisaties, naam: str) -> Casus:
    casus: Casus = await nieuwe_casus(s, orgs, naam)
    await voeg_derde_toe(s, orgs.regie, casus_id=casus.id, naam="Moeder", relatie="ouder")
    item = await voeg_item_toe(
        s,
        orgs.regie,
        casus_id=casus.id,
        tekst="verslag",
        bron_organisatie_id=orgs.gemeente,
        datum=NU.date(),
        categorie="gewoon",
        bijlagen=[BijlageInvoer("verslag.pdf", "application/pdf", b"%PDF-1.7 test")],
    )
    await voeg_interventie_toe(
        s,
        orgs.regie,
        casus.id,
        InterventieInvoer("gesprek", "zorg", orgs.gemeente, "gemeente", "Wmo 2015"),
    )
    punt = await agendeer(
        s, orgs.regie, casus_id=casus.id, bijeenkomst_id=uuid.uuid4(), doel="intake"
    )
    await notuleer(s, orgs.regie, punt.id, "besproken")
    await leg_actie_vast(s, orgs.regie, punt.id, soort="actie", tekst="bellen")
    await nodig_uit(
        s,
        orgs.regie,
        casus_id=casus.id,
        bijeenkomst_id=punt.bijeenkomst_id,
        einde_bijeenkomst=NU + timedelta(hours=2),
        organisatie_id=orgs.ggz,
        reden="zorg",
        item_ids=[item.id],
        nu=NU,
    )
    await registreer_herbeoordeling(
        s,
        orgs.regie,
        casus.id,
        datum=NU.date(),
        criteria=ALLE_CRITERIA,
        redenering="ok",
    )
    await verhuis(s, orgs.regie, casus.id, naar_gemeente="9802", datum=NU.date())
    # A second signal about the same person belongs to the same aanpak.
    persoon_signaal = await nieuw_signaal(s, orgs, naam, persoon_id=casus.persoon_id)
    assert persoon_signaal.persoon_id == casus.persoon_id
    return casus


async def test_vernietig_casus_removes_everything_of_it_and_nothing_else(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        before = await _counts(s)
        blijft = await _volle_casus(s, orgs, "Blijft Bestaan")
        middle = await _counts(s)
        weg = await _volle_casus(s, orgs, "Gaat Weg")
        full = await _counts(s)
    assert all(full[t] > middle[t] for t in WORKFLOW_TABLES), full
    async with sessie(tenant_a) as s:
        await vernietig_casus(s, weg.id)
    async with sessie(tenant_a) as s:
        assert await _counts(s) == middle
        assert await s.get(Persoon, weg.persoon_id) is None
        assert await s.get(Casus, blijft.id) is not None
        assert await s.scalar(select(func.count()).select_from(Bijlage)) == middle["bijlage"]
    assert middle != before


async def test_vernietig_casus_keeps_a_signal_under_its_own_legal_hold(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs, "Blokkade Op Signaal")
        vrij = await nieuw_signaal(s, orgs, "Blokkade Op Signaal", persoon_id=casus.persoon_id)
        vast = await nieuw_signaal(s, orgs, "Blokkade Op Signaal", persoon_id=casus.persoon_id)
        await s.execute(update(Signaal).where(Signaal.id == vast.id).values(legal_hold=True))
    async with sessie(tenant_a) as s:
        await vernietig_casus(s, casus.id)
    async with sessie(tenant_a) as s:
        assert await s.get(Casus, casus.id) is None
        assert await s.get(Signaal, vrij.id) is None
        # The held signal survives the casus, and so does the person it is about.
        bewaard = await s.get(Signaal, vast.id)
        assert bewaard is not None
        assert bewaard.legal_hold
        assert await s.get(Persoon, casus.persoon_id) is not None


async def test_vernietig_signaal_removes_signal_weging_files_and_orphan_person(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(
            s, orgs, "Geen Actie", bijlagen=[BijlageInvoer("melding.txt", "text/plain", b"x")]
        )
        await weging(s, orgs, signaal, uitkomst="geen_actie")
        before = await _counts(s)
    async with sessie(tenant_a) as s:
        await vernietig_signaal(s, signaal.id)
    async with sessie(tenant_a) as s:
        after = await _counts(s)
        assert await s.get(Signaal, signaal.id) is None
        assert await s.get(Persoon, signaal.persoon_id) is None
    assert before["signaal"] - after["signaal"] == 1
    assert before["weging"] - after["weging"] == 1
    assert before["weging_aanwezige"] - after["weging_aanwezige"] == 3
    assert before["bijlage"] - after["bijlage"] == 1
    assert before["persoon"] - after["persoon"] == 1


async def test_plan_overdue_is_flagged(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        laat = await nieuwe_casus(s, orgs, intake_datum=NU.date() - timedelta(weeks=5))
        op_tijd = await nieuwe_casus(s, orgs, intake_datum=NU.date() - timedelta(weeks=3))
        flagged = {
            r.casus_id for r in (await overzicht(s, orgs.regie, grootte=10_000)).plannen.regels
        }
    assert laat.id in flagged
    assert op_tijd.id not in flagged
