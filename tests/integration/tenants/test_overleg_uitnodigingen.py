"""Invited parties (window, scope, special data) and the meeting view across municipalities."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from casusfabriek import Organisaties, Sessie, nieuwe_casus
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, RegelFout
from casushub.tenants.casus.items import lijst_items, toon_item, voeg_item_toe
from casushub.tenants.casus.models import CasusDeelnemer, InformatieItem
from casushub.tenants.casus.services import lees_casus
from casushub.tenants.casus.toegang import log_weigering
from casushub.tenants.overleg.services import (
    actie_naar_interventie,
    agendeer,
    leg_actie_vast,
    notuleer,
    vergaderoverzicht,
)
from casushub.tenants.plan.services import InterventieInvoer, lees_plan
from casushub.tenants.uitnodigingen.services import (
    accepteer,
    lees_uitnodiging,
    mijn_uitnodigingen,
    nodig_uit,
    trek_in,
)
from casushub.tenants.verwerkingenlog.models import Verwerking

NU = datetime.now(UTC)
VANDAAG = NU.date()


async def _item(
    s: AsyncSession, orgs: Organisaties, casus_id: uuid.UUID, categorie: str, tekst: str
) -> InformatieItem:
    return await voeg_item_toe(
        s,
        orgs.regie,
        casus_id=casus_id,
        tekst=tekst,
        bron_organisatie_id=orgs.gemeente,
        datum=VANDAAG,
        categorie=categorie,
    )


async def test_invited_party_only_in_scope_and_inside_its_window(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    bijeenkomst, einde = uuid.uuid4(), NU + timedelta(hours=3)
    ggz = orgs.actor("ggz", "invited_party")
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        gedeeld = await _item(s, orgs, casus.id, "gewoon", "woont bij moeder")
        niet_gedeeld = await _item(s, orgs, casus.id, "gewoon", "schulden")
        with pytest.raises(RegelFout, match="noodzaak"):
            await nodig_uit(
                s,
                orgs.regie,
                casus_id=casus.id,
                bijeenkomst_id=bijeenkomst,
                einde_bijeenkomst=einde,
                organisatie_id=orgs.ggz,
                reden=" ",
                item_ids=[gedeeld.id],
                nu=NU,
            )
        uitnodiging = await nodig_uit(
            s,
            orgs.regie,
            casus_id=casus.id,
            bijeenkomst_id=bijeenkomst,
            einde_bijeenkomst=einde,
            organisatie_id=orgs.ggz,
            reden="behandelrelatie; nodig voor zorgaanbod",
            item_ids=[gedeeld.id],
            nu=NU,
        )
        assert uitnodiging.vervalt_op == einde + timedelta(hours=24)
    # Inactive until the confidentiality duty is accepted.
    with pytest.raises(GeenToegang, match="geheimhoudingsplicht"):
        async with sessie(tenant_a) as s:
            await lees_uitnodiging(s, ggz, uitnodiging.id, nu=NU)
    async with sessie(tenant_a) as s:
        assert [u.id for u in await mijn_uitnodigingen(s, ggz, nu=NU)] == [uitnodiging.id]
        await accepteer(s, ggz, uitnodiging.id, geheimhouding_geaccepteerd=True, nu=NU)
    async with sessie(tenant_a) as s:
        gezien = await lees_uitnodiging(s, ggz, uitnodiging.id, nu=NU + timedelta(hours=1))
        assert [i.tekst for i in gezien.items] == ["woont bij moeder"]
        assert niet_gedeeld.id not in {i.item_id for i in gezien.items}
    # Anything beyond the scope: the casus itself, the item list, another organisation.
    for attempt in (
        lambda s: lees_casus(s, ggz, casus.id),
        lambda s: lijst_items(s, ggz, casus.id),
        lambda s: toon_item(s, ggz, niet_gedeeld.id, doel="nieuwsgierig"),
        lambda s: lees_uitnodiging(s, orgs.actor("reclassering", "invited_party"), uitnodiging.id),
    ):
        with pytest.raises(GeenToegang):
            async with sessie(tenant_a) as s:
                await attempt(s)
    # Outside the window: refused, and the refusal is logged in its own transaction.
    na_venster = uitnodiging.vervalt_op + timedelta(seconds=1)
    with pytest.raises(GeenToegang, match="niet \\(meer\\) geldig"):
        async with sessie(tenant_a) as s:
            await lees_uitnodiging(s, ggz, uitnodiging.id, nu=na_venster)
    async with sessie(tenant_a) as s:
        await log_weigering(
            s, ggz, gegevensgroep="informatie", casus_id=casus.id, reden="buiten venster"
        )
    async with sessie(tenant_a) as s:
        refused = await s.scalar(
            select(Verwerking.detail).where(
                Verwerking.user_id == ggz.user_id, Verwerking.doel == "toegang geweigerd"
            )
        )
        assert refused == "geweigerd: buiten venster"
        # A lapsed invitation has nothing left to withdraw; inside its window it can be.
        with pytest.raises(RegelFout, match="al verlopen"):
            await trek_in(s, orgs.regie, uitnodiging.id, nu=na_venster)
        # Withdrawn means refused even inside the window.
        await trek_in(s, orgs.regie, uitnodiging.id)
        with pytest.raises(RegelFout, match="al ingetrokken"):
            await trek_in(s, orgs.regie, uitnodiging.id)
    with pytest.raises(GeenToegang, match="ingetrokken"):
        async with sessie(tenant_a) as s:
            await lees_uitnodiging(s, ggz, uitnodiging.id, nu=NU + timedelta(hours=1))


async def test_satellite_cannot_read_bijzonder_items(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    ggz = orgs.actor("ggz", "invited_party")
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        gewoon = await _item(s, orgs, casus.id, "gewoon", "school verlaten")
        bijzonder = await _item(s, orgs, casus.id, "bijzonder", "psychiatrische diagnose")
        strafrechtelijk = await _item(s, orgs, casus.id, "strafrechtelijk", "eerdere veroordeling")
        for geheim in (bijzonder, strafrechtelijk):
            with pytest.raises(RegelFout, match="niet met uitgenodigde partijen"):
                await nodig_uit(
                    s,
                    orgs.regie,
                    casus_id=casus.id,
                    bijeenkomst_id=uuid.uuid4(),
                    einde_bijeenkomst=NU + timedelta(hours=2),
                    organisatie_id=orgs.ggz,
                    reden="zorg",
                    item_ids=[gewoon.id, geheim.id],
                    nu=NU,
                )
        uitnodiging = await nodig_uit(
            s,
            orgs.regie,
            casus_id=casus.id,
            bijeenkomst_id=uuid.uuid4(),
            einde_bijeenkomst=NU + timedelta(hours=2),
            organisatie_id=orgs.ggz,
            reden="zorg",
            item_ids=[gewoon.id],
            nu=NU,
        )
        await accepteer(s, ggz, uitnodiging.id, geheimhouding_geaccepteerd=True, nu=NU)
    with pytest.raises(GeenToegang):
        async with sessie(tenant_a) as s:
            await toon_item(s, ggz, bijzonder.id, doel="bespreking")
    # Re-tagging a shared item as special takes it out of the invitee's view at once.
    async with sessie(tenant_a) as s:
        (await s.get(InformatieItem, gewoon.id)).categorie = "bijzonder"
    async with sessie(tenant_a) as s:
        assert (await lees_uitnodiging(s, ggz, uitnodiging.id, nu=NU)).items == []


async def test_meeting_view_hides_other_municipalities_items(
    sessie: Sessie,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    orgs: Organisaties,
) -> None:
    bijeenkomst = uuid.uuid4()
    orgs_b = Organisaties(uuid.uuid4(), orgs.politie, orgs.om, orgs.reclassering, orgs.ggz)
    async with sessie(tenant_a) as s:
        casus_a = await nieuwe_casus(s, orgs, "Anna Alfa")
        punt_a = await agendeer(
            s, orgs.regie, casus_id=casus_a.id, bijeenkomst_id=bijeenkomst, doel="bespreking"
        )
        await notuleer(s, orgs.regie, punt_a.id, "afspraken over begeleiding")
        andere_a = await nieuwe_casus(s, orgs, "Adam Alfa")
        await agendeer(
            s, orgs.regie, casus_id=andere_a.id, bijeenkomst_id=bijeenkomst, doel="review"
        )
        item = await _item(s, orgs, andere_a.id, "gewoon", "werk gevonden")
        uitnodiging = await nodig_uit(
            s,
            orgs.regie,
            casus_id=andere_a.id,
            bijeenkomst_id=bijeenkomst,
            einde_bijeenkomst=NU + timedelta(hours=2),
            organisatie_id=orgs.ggz,
            reden="zorg",
            item_ids=[item.id],
            nu=NU,
        )
        ggz = orgs.actor("ggz", "invited_party")
        await accepteer(s, ggz, uitnodiging.id, geheimhouding_geaccepteerd=True, nu=NU)
    async with sessie(tenant_b) as s:
        casus_b = await nieuwe_casus(s, orgs_b, "Bert Bravo")
        await agendeer(
            s, orgs_b.regie, casus_id=casus_b.id, bijeenkomst_id=bijeenkomst, doel="intake"
        )
        # A case in Bravo without the police among its participants.
        zonder_politie = await nieuwe_casus(s, orgs_b, "Bas Bravo")
        await agendeer(
            s, orgs_b.regie, casus_id=zonder_politie.id, bijeenkomst_id=bijeenkomst, doel="intake"
        )
    async with sessie(tenant_b) as s:
        await s.execute(
            delete(CasusDeelnemer).where(
                CasusDeelnemer.casus_id == zonder_politie.id,
                CasusDeelnemer.organisatie_id == orgs.politie,
            )
        )

    async def view(contexten: list[tuple[TenantRef, Actor]]) -> set[str]:
        regels = await vergaderoverzicht(app_engine, settings, bijeenkomst, contexten, nu=NU)
        return {f"{r.tenant}:{r.naam}" for r in regels}

    # A municipality's user sees only its own municipality's items.
    assert await view([(tenant_a, orgs.regie)]) == {"alfa:Anna Alfa", "alfa:Adam Alfa"}
    assert await view([(tenant_b, orgs_b.regie)]) == {"bravo:Bert Bravo", "bravo:Bas Bravo"}
    # The police, working for both, see the cases they take part in, in both.
    politie = orgs.actor("politie", "participant")
    assert await view([(tenant_a, politie), (tenant_b, politie)]) == {
        "alfa:Anna Alfa",
        "alfa:Adam Alfa",
        "bravo:Bert Bravo",
    }
    # The invited party sees only the item it is invited to, without the minutes.
    regels = await vergaderoverzicht(app_engine, settings, bijeenkomst, [(tenant_a, ggz)], nu=NU)
    assert [(r.naam, r.notulen, r.uitnodiging_id) for r in regels] == [
        ("Adam Alfa", None, uitnodiging.id)
    ]
    later = uitnodiging.vervalt_op + timedelta(minutes=1)
    assert (
        await vergaderoverzicht(app_engine, settings, bijeenkomst, [(tenant_a, ggz)], nu=later)
        == []
    )
    # Minutes are there for the municipality.
    regie_view = await vergaderoverzicht(
        app_engine, settings, bijeenkomst, [(tenant_a, orgs.regie)], nu=NU
    )
    assert {r.naam: r.notulen for r in regie_view}["Anna Alfa"] == "afspraken over begeleiding"


async def test_meeting_action_becomes_a_plan_intervention(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        punt = await agendeer(
            s, orgs.regie, casus_id=casus.id, bijeenkomst_id=uuid.uuid4(), doel="intake"
        )
        besluit = await leg_actie_vast(s, orgs.regie, punt.id, soort="besluit", tekst="opnemen")
        actie = await leg_actie_vast(s, orgs.regie, punt.id, soort="actie", tekst="huisbezoek")
        invoer = InterventieInvoer(
            omschrijving="huisbezoek door wijkagent",
            domein="bestuurlijk",
            verantwoordelijke_id=orgs.politie,
            verantwoordelijke_type="politie",
            bevoegdheid="Politiewet 2012, art. 3",
            deadline=VANDAAG + timedelta(days=14),
        )
        with pytest.raises(RegelFout, match="Alleen een actie"):
            await actie_naar_interventie(s, orgs.regie, besluit.id, invoer)
        interventie = await actie_naar_interventie(s, orgs.regie, actie.id, invoer)
        assert actie.interventie_id == interventie.id
        plan = await lees_plan(s, orgs.regie, casus.id)
        assert [i.omschrijving for i in plan.interventies] == ["huisbezoek door wijkagent"]
        # A satellite partner only when commissioned by a participant, recorded.
        with pytest.raises(RegelFout, match="in opdracht"):
            await actie_naar_interventie(
                s,
                orgs.regie,
                (await leg_actie_vast(s, orgs.regie, punt.id, soort="actie", tekst="zorg")).id,
                InterventieInvoer(
                    omschrijving="ambulante zorg",
                    domein="zorg",
                    verantwoordelijke_id=orgs.ggz,
                    verantwoordelijke_type="satellietpartner",
                    bevoegdheid="Wet langdurige zorg",
                ),
            )
