"""The casusoverleg services on real PostgreSQL: each rule has a test that fails without it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from casusfabriek import ALLE_CRITERIA, Organisaties, Sessie, nieuw_signaal, nieuwe_casus, weging
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.items import lijst_items, toon_item, voeg_item_toe
from casushub.tenants.casus.models import Casus, Overdrachtstaak
from casushub.tenants.casus.overzicht import overzicht
from casushub.tenants.casus.services import (
    Deelnemer,
    heropen,
    lees_casus,
    maak_casus,
    registreer_herbeoordeling,
    reviews_te_melden,
    sluit_af,
    verhuis,
    wijzig_status,
)
from casushub.tenants.instellingen.services import Wijziging, wijzig_instellingen
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import wijzig_persoon, zoek_personen
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal

VANDAAG = date.today()
# Page size that shows every row: these tests ask whether a casus is listed at all.
ALLES = 10_000


# --- weging ---------------------------------------------------------------------------------


async def test_weging_without_om_cannot_be_finalised(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(s, orgs)
    zonder_om = WegingInvoer(
        signaal_id=signaal.id,
        datum=VANDAAG,
        aanwezigen=[Aanwezige(orgs.gemeente, "gemeente"), Aanwezige(orgs.politie, "politie")],
        criteria=ALLE_CRITERIA,
        redenering="zorgelijk",
        uitkomst="opname",
    )
    with pytest.raises(RegelFout, match="Ontbreekt: OM"):
        async with sessie(tenant_a) as s:
            await weeg_signaal(s, orgs.regie, zonder_om, vaststellen=True)
    async with sessie(tenant_a) as s:
        assert (await s.get(Signaal, signaal.id)).status == "te_wegen"
        # A draft may be saved without OM; it finalises nothing.
        concept = await weeg_signaal(s, orgs.regie, zonder_om, vaststellen=False)
        assert concept.vastgesteld_op is None
        again = await weeg_signaal(s, orgs.regie, zonder_om, vaststellen=False)
        assert again.id == concept.id, "one draft per signal"
    async with sessie(tenant_a) as s:
        gewogen = await weging(s, orgs, signaal)
        assert gewogen.vastgesteld_op is not None
        assert (await s.get(Signaal, signaal.id)).status == "opname"


async def test_geen_actie_starts_the_signal_retention_clock(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(s, orgs)
        gewogen = await weging(s, orgs, signaal, uitkomst="geen_actie")
        assert signaal.status == "geen_actie"
        assert signaal.destroy_on == gewogen.datum.replace(year=gewogen.datum.year + 1)


async def test_meer_informatie_sends_the_signal_back(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    vervolg = VANDAAG + timedelta(days=21)
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(s, orgs)
        await weging(s, orgs, signaal, uitkomst="meer_informatie", vervolgdatum=vervolg)
        assert (signaal.status, signaal.vervolgdatum, signaal.destroy_on) == (
            "te_wegen",
            vervolg,
            None,
        )


# --- casus ----------------------------------------------------------------------------------


async def test_casus_without_positive_weging_is_refused(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    deelnemers = [Deelnemer(orgs.gemeente, "gemeente")]
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(s, orgs)
        negatief = await weging(s, orgs, signaal, uitkomst="strafrechtelijk")
        ander = await nieuw_signaal(s, orgs)
        concept = await weeg_signaal(
            s,
            orgs.regie,
            WegingInvoer(ander.id, VANDAAG, [], ALLE_CRITERIA, "nog niet af", "opname"),
            vaststellen=False,
        )
    for weging_id in (negatief.id, concept.id, uuid.uuid4()):
        with pytest.raises(RegelFout, match="opname in casusoverleg"):
            async with sessie(tenant_a) as s:
                await maak_casus(
                    s,
                    orgs.regie,
                    weging_id=weging_id,
                    regie_gemeente="9801",
                    intake_datum=VANDAAG,
                    deelnemers=deelnemers,
                )
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        with pytest.raises(RegelFout, match="al een casus"):
            await maak_casus(
                s,
                orgs.regie,
                weging_id=casus.weging_id,
                regie_gemeente="9801",
                intake_datum=VANDAAG,
                deelnemers=deelnemers,
            )


async def test_only_this_wet_is_accepted_as_legal_basis(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        with pytest.raises(ValueError, match="grondslag"):
            casus.wettelijke_grondslag = "Gemeentewet (PGA overlast)"
    values = {
        c.name: getattr(casus, c.key)
        for c in Casus.__table__.columns
        if c.name not in {"id", "created_at", "weging_id"}
    }
    async with sessie(tenant_a) as s:
        andere = await weging(s, orgs, await nieuw_signaal(s, orgs))
    # Even past the ORM, the database refuses a general PGA or ZVH case under this schema.
    with pytest.raises(IntegrityError, match="wettelijke_grondslag"):
        async with sessie(tenant_a) as s:
            await s.execute(
                insert(Casus).values(
                    {
                        **values,
                        "id": uuid.uuid4(),
                        "weging_id": andere.id,
                        "wettelijke_grondslag": "Wet verplichte ggz",
                    }
                )
            )


async def test_access_is_need_to_know_and_every_read_is_logged(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
    reclassering = orgs.actor("reclassering", "participant")
    with pytest.raises(GeenToegang):
        async with sessie(tenant_a) as s:
            await lees_casus(s, reclassering, casus.id)
    async with sessie(tenant_a) as s:
        assert casus.id not in {
            r.casus_id for r in (await overzicht(s, reclassering, grootte=ALLES)).casussen.regels
        }
    politie = orgs.actor("politie", "participant")
    async with sessie(tenant_a) as s:
        regel = await lees_casus(s, politie, casus.id)
        assert regel.naam == "Test Persoon"
        entry = (
            (
                await s.execute(
                    select(Verwerking)
                    .where(Verwerking.casus_id == casus.id, Verwerking.user_id == politie.user_id)
                    .order_by(Verwerking.volgnummer.desc())
                )
            )
            .scalars()
            .first()
        )
        assert entry is not None
        assert (entry.actie, entry.gegevensgroep, entry.organisation_id) == (
            "read",
            "casus",
            orgs.politie,
        )


async def test_overdue_review_blocks_lopend_until_reassessed(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    intake = VANDAAG - timedelta(days=400)
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs, intake_datum=intake)
        assert casus.volgende_review < VANDAAG
        assert casus.id in {
            r.casus_id for r in (await overzicht(s, orgs.regie, grootte=ALLES)).reviews.regels
        }
        assert casus.id in await reviews_te_melden(s, VANDAAG)
    with pytest.raises(RegelFout, match="noodzaaktoets is verlopen"):
        async with sessie(tenant_a) as s:
            await wijzig_status(s, orgs.regie, casus.id, "lopend")
    async with sessie(tenant_a) as s:
        await registreer_herbeoordeling(
            s, orgs.regie, casus.id, datum=VANDAAG, criteria=ALLE_CRITERIA, redenering="nog nodig"
        )
        assert (await s.get(Casus, casus.id)).volgende_review > VANDAAG
        await wijzig_status(s, orgs.regie, casus.id, "lopend")
        await wijzig_status(
            s, orgs.regie, casus.id, "monitoren", vandaag=VANDAAG + timedelta(days=1)
        )
    # From monitoren back to lopend: only after a re-assessment recorded since then.
    with pytest.raises(RegelFout, match="herbeoordeling"):
        async with sessie(tenant_a) as s:
            await wijzig_status(
                s, orgs.regie, casus.id, "lopend", vandaag=VANDAAG + timedelta(days=2)
            )
    async with sessie(tenant_a) as s:
        await registreer_herbeoordeling(
            s,
            orgs.regie,
            casus.id,
            datum=VANDAAG + timedelta(days=2),
            criteria=ALLE_CRITERIA,
            redenering="opnieuw zorgen",
        )
        moved = await wijzig_status(
            s, orgs.regie, casus.id, "lopend", vandaag=VANDAAG + timedelta(days=2)
        )
        assert moved.status == "lopend"


async def test_closure_computes_destroy_on_and_reopens_only_briefly(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        with pytest.raises(RegelFout, match="reden"):
            await sluit_af(s, orgs.regie, casus.id, reden=" ", datum=VANDAAG)
        gesloten = await sluit_af(s, orgs.regie, casus.id, reden="doel bereikt", datum=VANDAAG)
        assert gesloten.status == "afgesloten"
        assert gesloten.destroy_on == VANDAAG.replace(year=VANDAAG.year + 5)
        heropend = await heropen(s, orgs.regie, casus.id, vandaag=VANDAAG + timedelta(days=14))
        assert (heropend.status, heropend.destroy_on) == ("aangemeld", None)
        await sluit_af(s, orgs.regie, casus.id, reden="doel bereikt", datum=VANDAAG)
    with pytest.raises(RegelFout, match="14 dagen"):
        async with sessie(tenant_a) as s:
            await heropen(s, orgs.regie, casus.id, vandaag=VANDAAG + timedelta(days=15))
    with pytest.raises(GeenToegang):
        async with sessie(tenant_a) as s:
            await heropen(s, orgs.actor("politie", "participant"), casus.id)


async def test_move_changes_contactpunt_and_creates_a_logged_handover(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        taak = await verhuis(s, orgs.regie, casus.id, naar_gemeente="9802", datum=VANDAAG)
        persoon = await s.get(Persoon, casus.persoon_id)
        assert persoon is not None
        assert persoon.gemeente_van_verblijf == "9802"
        assert casus.gemeente_van_verblijf == "9802"
        assert (await s.get(Overdrachtstaak, taak.id)).naar_gemeente == "9802"
        logged = await s.scalar(
            select(func.count())
            .select_from(Verwerking)
            .where(Verwerking.casus_id == casus.id, Verwerking.gegevensgroep == "verhuizing")
        )
        assert logged == 1


# --- BSN ------------------------------------------------------------------------------------


async def test_bsn_is_refused_unless_enabled_with_a_legal_reference(
    sessie: Sessie,
    admin_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
    orgs: Organisaties,
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"bsn{code}",
        name=f"Gemeente {code}",
        gemeentecode=code,
        hub_slug=hub,
    )
    met_bsn = NieuwSignaal(
        naam="Piet Proef",
        gemeente_van_verblijf=code,
        omschrijving="melding over BSN 111 222 333",
        bron_organisatie_id=orgs.politie,
        ontvangen_op=VANDAAG,
    )
    with pytest.raises(RegelFout, match="burgerservicenummer") as info:
        async with sessie(tenant) as s:
            await registreer_signaal(s, orgs.regie, met_bsn)
    assert info.value.field == "omschrijving"
    async with sessie(tenant) as s:
        assert await s.scalar(select(func.count()).select_from(Persoon)) == 0
        with pytest.raises(RegelFout, match="wettelijke grondslag"):
            await wijzig_instellingen(s, orgs.regie, Wijziging(bsn_toegestaan=True))
        with pytest.raises(GeenToegang):
            await wijzig_instellingen(
                s,
                orgs.actor("gemeente", "procesregisseur"),
                Wijziging(bsn_toegestaan=True, bsn_grondslag="x"),
            )
        await wijzig_instellingen(
            s, orgs.regie, Wijziging(bsn_toegestaan=True, bsn_grondslag="Wet X, art. 12")
        )
    async with sessie(tenant) as s:
        signaal = await registreer_signaal(s, orgs.regie, met_bsn)
        assert "111 222 333" in signaal.omschrijving


# --- search and isolation -------------------------------------------------------------------


async def test_search_logs_the_fact_not_the_terms(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties, settings: Settings
) -> None:
    naam = f"Zoekbaar {uuid.uuid4().hex[:8]}"
    async with sessie(tenant_a) as s:
        await nieuw_signaal(s, orgs, naam, aliassen=["De Vos"])
    regie = orgs.regie
    async with sessie(tenant_a) as s:
        found = await zoek_personen(s, regie, sleutel=settings.secret_key, naam=naam.upper())
        assert [t.naam for t in found] == [naam]
        assert await zoek_personen(s, regie, sleutel=settings.secret_key, naam="niemand-xyz") == []
        entries = list(
            (
                await s.execute(
                    select(Verwerking)
                    .where(Verwerking.user_id == regie.user_id, Verwerking.actie == "search")
                    .order_by(Verwerking.volgnummer)
                )
            ).scalars()
        )
    assert [e.detail.split()[-1] for e in entries] == ["treffers=1", "treffers=0"]
    for entry in entries:
        assert entry.detail is not None
        assert entry.detail.startswith("zoekterm:hmac-sha256:")
        assert "zoekbaar" not in entry.detail.lower()
        assert "niemand" not in entry.detail
    # A participant finds only persons of the cases it takes part in.
    async with sessie(tenant_a) as s:
        assert (
            await zoek_personen(s, orgs.actor("politie", "participant"), sleutel="k", naam=naam)
            == []
        )


async def test_services_on_one_tenant_never_see_another(
    sessie: Sessie, tenant_a: TenantRef, tenant_b: TenantRef, orgs: Organisaties
) -> None:
    naam = f"Alleen Alfa {uuid.uuid4().hex[:6]}"
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs, naam)
    async with sessie(tenant_b) as s:
        with pytest.raises(NietGevonden):
            await lees_casus(s, orgs.regie, casus.id)
        assert casus.id not in {
            r.casus_id for r in (await overzicht(s, orgs.regie, grootte=ALLES)).casussen.regels
        }
        assert await zoek_personen(s, orgs.regie, sleutel="k", naam=naam) == []
        with pytest.raises(NietGevonden):
            await voeg_item_toe(
                s,
                orgs.regie,
                casus_id=casus.id,
                tekst="x",
                bron_organisatie_id=orgs.gemeente,
                datum=VANDAAG,
                categorie="gewoon",
            )


# --- items ----------------------------------------------------------------------------------


async def test_special_items_need_an_explicit_action_with_purpose(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    politie = orgs.actor("politie", "participant")
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        item = await voeg_item_toe(
            s,
            politie,
            casus_id=casus.id,
            tekst="diagnose en medicatie",
            bron_organisatie_id=orgs.politie,
            datum=VANDAAG,
            categorie="bijzonder",
            deelbeperking="niet verder delen",
        )
    async with sessie(tenant_a) as s:
        [listed] = await lijst_items(s, orgs.regie, casus.id)
        assert listed.verborgen
        assert listed.tekst is None
        assert listed.categorie == "bijzonder"
        with pytest.raises(RegelFout, match="waarvoor"):
            await toon_item(s, orgs.regie, item.id, doel=" ")
        shown = await toon_item(s, orgs.regie, item.id, doel="voorbereiding zorgbespreking")
        assert shown.tekst == "diagnose en medicatie"
        entry = (
            await s.execute(
                select(Verwerking)
                .where(Verwerking.casus_id == casus.id)
                .order_by(Verwerking.volgnummer.desc())
                .limit(1)
            )
        ).scalar_one()
        assert (entry.gegevensgroep, entry.doel) == (
            "informatie_bijzonder",
            "voorbereiding zorgbespreking",
        )


async def test_rectification_of_a_person_is_checked_and_logged(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(s, orgs, "Verkeerd Gespeld")
    with pytest.raises(RegelFout, match="burgerservicenummer"):
        async with sessie(tenant_a) as s:
            await wijzig_persoon(
                s,
                orgs.regie,
                signaal.persoon_id,
                naam="Goed Gespeld",
                geboortedatum=None,
                adres=None,
                aliassen=["111222333"],
            )
    with pytest.raises(GeenToegang):
        async with sessie(tenant_a) as s:
            await wijzig_persoon(
                s,
                orgs.actor("politie", "participant"),
                signaal.persoon_id,
                naam="X",
                geboortedatum=None,
                adres=None,
                aliassen=[],
            )
    async with sessie(tenant_a) as s:
        persoon = await wijzig_persoon(
            s,
            orgs.regie,
            signaal.persoon_id,
            naam="Goed Gespeld",
            geboortedatum=None,
            adres="Dorpsstraat 1",
            aliassen=["GG"],
        )
        assert (persoon.naam, persoon.aliassen) == ("Goed Gespeld", ["GG"])
        entry = await s.scalar(
            select(Verwerking.doel).where(
                Verwerking.persoon_id == persoon.id, Verwerking.actie == "update"
            )
        )
        assert entry == "rectificatie"
