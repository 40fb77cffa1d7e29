"""Partners under the Wet's safety net: an invited partner brings information in when its
invitation allows it (source, ground, tags; a source for the contactpunt), and a national
measure of the Minister of JenV is announced before it is taken, with the municipality's
decision on it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from casusfabriek import Organisaties, Sessie, nieuwe_casus
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, RegelFout, RegelFouten
from casushub.tenants.casus.items import lijst_items, voeg_item_toe
from casushub.tenants.casus.models import CasusDeelnemer, InformatieItem
from casushub.tenants.maatregelen.models import VoorgenomenMaatregel
from casushub.tenants.maatregelen.services import (
    aantal_open,
    besluit_over,
    kondig_aan,
    maatregelen_van_casus,
    open_maatregelen,
)
from casushub.tenants.plan.models import Interventie
from casushub.tenants.plan.services import lees_plan
from casushub.tenants.uitnodigingen.inbreng import breng_in
from casushub.tenants.uitnodigingen.models import UitnodigingItem
from casushub.tenants.uitnodigingen.services import (
    accepteer,
    lees_uitnodiging,
    nodig_uit,
    trek_in,
)
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.verzoeken.bronnen import bron_organisaties, te_raadplegen

NU = datetime.now(UTC)
VANDAAG = NU.date()


async def _uitnodiging(
    s: AsyncSession, orgs: Organisaties, casus_id: uuid.UUID, item_id: uuid.UUID, *, inbrengen: bool
) -> uuid.UUID:
    uitnodiging = await nodig_uit(
        s,
        orgs.regie,
        casus_id=casus_id,
        bijeenkomst_id=uuid.uuid4(),
        einde_bijeenkomst=NU + timedelta(hours=3),
        organisatie_id=orgs.ggz,
        reden="behandelrelatie",
        item_ids=[item_id],
        nu=NU - timedelta(minutes=1),
        mag_inbrengen=inbrengen,
    )
    return uitnodiging.id


TOELICHTING = "Gevaar voor anderen; overlegd met de vertrouwensarts."


async def _breng(
    s: AsyncSession, actor: Actor, uitnodiging_id: uuid.UUID, categorie: str = "gewoon"
) -> InformatieItem:
    return await breng_in(
        s,
        actor,
        uitnodiging_id,
        tekst="In behandeling sinds maart; komt afspraken na.",
        categorie=categorie,
        deelgrond="conflict_van_plichten",
        deelgrond_toelichting=TOELICHTING,
    )


async def test_partner_brings_information_only_when_its_invitation_allows_it(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    ggz = orgs.actor("ggz", "invited_party")
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
        gedeeld = await voeg_item_toe(
            s,
            orgs.regie,
            casus_id=casus.id,
            tekst="woont bij moeder",
            bron_organisatie_id=orgs.gemeente,
            datum=VANDAAG,
            categorie="gewoon",
        )
        zonder = await _uitnodiging(s, orgs, casus.id, gedeeld.id, inbrengen=False)
        met = await _uitnodiging(s, orgs, casus.id, gedeeld.id, inbrengen=True)
        # Not a source before it brought anything in.
        assert orgs.ggz not in await te_raadplegen(s, casus.persoon_id)

        # Before accepting confidentiality: nothing, not even bringing in.
        with pytest.raises(GeenToegang, match="geheimhoudingsplicht"):
            await _breng(s, ggz, met)
        await accepteer(s, ggz, zonder, geheimhouding_geaccepteerd=True)
        await accepteer(s, ggz, met, geheimhouding_geaccepteerd=True)
        with pytest.raises(GeenToegang, match="geen informatie inbrengen"):
            await _breng(s, ggz, zonder)
        # Another organisation's invited party cannot use this invitation.
        with pytest.raises(GeenToegang):
            await _breng(s, orgs.actor("reclassering", "invited_party"), met)

        # Every missing answer at once; nothing chosen for the partner.
        with pytest.raises(RegelFouten) as leeg:
            await breng_in(
                s, ggz, met, tekst=" ", categorie="", deelgrond="", deelgrond_toelichting=""
            )
        assert set(leeg.value.fouten) == {
            "tekst",
            "categorie",
            "deelgrond",
            "deelgrond_toelichting",
        }

        item = await _breng(s, ggz, met)
        assert (item.bron_organisatie_id, item.uitnodiging_id) == (orgs.ggz, met)
        assert item.deelgrond == "conflict_van_plichten"
        assert item.categorie == "gewoon"
        # A special item is brought in but joins no invitation scope (rule 4).
        bijzonder = await _breng(s, ggz, met, "bijzonder")
        scope = set(
            await s.scalars(
                select(UitnodigingItem.item_id).where(UitnodigingItem.uitnodiging_id == met)
            )
        )
        assert item.id in scope
        assert bijzonder.id not in scope

        # The partner sees what it brought in; the regie sees it with its source and ground.
        gezien = await lees_uitnodiging(s, ggz, met)
        assert {i.item_id for i in gezien.items} == {gedeeld.id, item.id}
        bij_regie = {i.item_id: i for i in await lijst_items(s, orgs.regie, casus.id)}
        assert bij_regie[item.id].bron_organisatie_id == orgs.ggz
        assert bij_regie[item.id].deelgrond_label.startswith("Conflict van plichten")
        assert bij_regie[item.id].deelgrond_toelichting == TOELICHTING
        assert bij_regie[bijzonder.id].tekst is None  # closed like any special item

        # A source for the contactpunt: consulted on a data subject's request.
        assert orgs.ggz in await te_raadplegen(s, casus.persoon_id)
        assert orgs.ggz in await bron_organisaties(s, casus.persoon_id)

        logged = await s.scalar(
            select(Verwerking.id).where(
                Verwerking.user_id == ggz.user_id,
                Verwerking.doel == "informatie inbrengen als uitgenodigde partij",
            )
        )
        assert logged is not None

        # Withdrawn: no more bringing in.
        await trek_in(s, orgs.regie, met)
        with pytest.raises(GeenToegang, match="ingetrokken"):
            await _breng(s, ggz, met)
        aantal = await s.scalar(
            select(InformatieItem.id).where(InformatieItem.uitnodiging_id == met).limit(1)
        )
        assert aantal is not None


def _jenv(orgs_jenv: uuid.UUID) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        organisation_id=orgs_jenv,
        role="participant",
        organisation_type="jenv",
    )


VOORGENOMEN = VANDAAG + timedelta(days=14)


async def _kondig(
    s: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    omschrijving: str = "Paspoort laten vervallen",
    voorgenomen_op: date = VOORGENOMEN,
) -> VoorgenomenMaatregel:
    return await kondig_aan(
        s,
        actor,
        casus_id,
        omschrijving=omschrijving,
        bevoegdheid="Paspoortwet",
        voorgenomen_op=voorgenomen_op,
    )


async def test_jenv_announces_a_measure_and_the_municipality_decides(
    sessie: Sessie, fresh_tenant: Callable[[], Awaitable[TenantRef]], orgs: Organisaties
) -> None:
    # A municipality of its own: the counts are of the whole municipality, and other tests
    # announce measures in the shared one.
    tenant = await fresh_tenant()
    jenv_org = uuid.uuid4()
    jenv = _jenv(jenv_org)
    async with sessie(tenant) as s:
        casus = await nieuwe_casus(s, orgs)
        # Police is a participant of the casus but not JenV; JenV must take part in the casus.
        with pytest.raises(GeenToegang, match="Justitie en Veiligheid"):
            politie = Actor(uuid.uuid4(), orgs.politie, "participant", organisation_type="politie")
            await _kondig(s, politie, casus.id)
        with pytest.raises(GeenToegang, match="neemt niet deel"):
            await _kondig(s, jenv, casus.id)
        s.add(CasusDeelnemer(casus_id=casus.id, organisatie_id=jenv_org, organisatie_type="jenv"))
        await s.flush()

        with pytest.raises(RegelFouten) as leeg:
            await kondig_aan(
                s, jenv, casus.id, omschrijving="", bevoegdheid="", voorgenomen_op=None
            )
        assert set(leeg.value.fouten) == {"omschrijving", "bevoegdheid"}
        with pytest.raises(RegelFouten, match="voordat hij wordt genomen"):
            await _kondig(s, jenv, casus.id, voorgenomen_op=VANDAAG - timedelta(days=1))

        paspoort = await _kondig(s, jenv, casus.id)
        melding = await _kondig(s, jenv, casus.id, "Melding")
        assert await aantal_open(s) == 2
        open_ = await open_maatregelen(s, orgs.regie)
        assert {o.maatregel.id for o in open_} == {paspoort.id, melding.id}
        assert {o.naam for o in open_} == {"Test Persoon"}
        assert {m.id for m in await maatregelen_van_casus(s, jenv, casus.id)} == {
            paspoort.id,
            melding.id,
        }

        # The municipality decides, not the hub acting for it, nor JenV itself.
        for actor in (orgs.actor("gemeente", "procesregisseur"), jenv):
            with pytest.raises(GeenToegang):
                await besluit_over(s, actor, paspoort.id, besluit="opnemen", reden="past")
        with pytest.raises(GeenToegang):
            await open_maatregelen(s, jenv)
        # Nothing pre-selected: no choice and no reason are refused together.
        with pytest.raises(RegelFouten) as geen:
            await besluit_over(s, orgs.regie, paspoort.id, besluit="", reden=" ")
        assert set(geen.value.fouten) == {"besluit", "reden"}

        besloten = await besluit_over(
            s, orgs.regie, paspoort.id, besluit="opnemen", reden="Past bij het uitreisverbod."
        )
        assert besloten.besluit == "opnemen"
        assert besloten.interventie_id is not None
        interventie = await s.get(Interventie, besloten.interventie_id)
        assert interventie is not None
        assert (interventie.verantwoordelijke_id, interventie.verantwoordelijke_type) == (
            jenv_org,
            "jenv",
        )
        assert interventie.bevoegdheid == "Paspoortwet"
        assert interventie.deadline == VOORGENOMEN
        plan = await lees_plan(s, orgs.regie, casus.id)
        assert [i.id for i in plan.interventies] == [interventie.id]
        with pytest.raises(RegelFout, match="al besloten"):
            await besluit_over(s, orgs.regie, paspoort.id, besluit="kennisnemen", reden="x")

        genoteerd = await besluit_over(
            s, orgs.regie, melding.id, besluit="kennisnemen", reden="Geen gevolgen voor het plan."
        )
        assert genoteerd.interventie_id is None
        assert len((await lees_plan(s, orgs.regie, casus.id)).interventies) == 1
        assert await aantal_open(s) == 0
