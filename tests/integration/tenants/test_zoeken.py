"""Searching by part of a name (persons, the request queue): ``%`` and ``_`` are letters, not
wildcards."""

from __future__ import annotations

import uuid

from casusfabriek import Organisaties, Sessie, nieuw_signaal, nieuwe_casus

from casushub.platform import klok
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.personen.services import zoek_personen
from casushub.tenants.verwerkingenlog.fg_zoeken import casussen_op_naam
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.services import registreer, zoek_betrokkene
from casushub.tenants.verzoeken.wachtrij import wachtrij


async def test_person_search_takes_percent_and_underscore_literally(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties, settings: Settings
) -> None:
    eigen = uuid.uuid4().hex[:8]
    letterlijk = f"Procent 100% Laag_streep {eigen}"
    gewoon = f"Gewone Naam {eigen}"
    async with sessie(tenant_a) as s:
        await nieuw_signaal(s, orgs, letterlijk)
        await nieuw_signaal(s, orgs, gewoon, aliassen=["Zonder tekens"])
    regie, sleutel = orgs.regie, settings.secret_key
    async with sessie(tenant_a) as s:
        # Before: "%" and "_" were dropped from the term, so "%" searched for "" = everyone.
        for term in ("%", "_", "%%", "%_%"):
            namen = [t.naam for t in await zoek_personen(s, regie, sleutel=sleutel, naam=term)]
            assert gewoon not in namen, term
        assert [
            t.naam
            for t in await zoek_personen(s, regie, sleutel=sleutel, naam=f"% laag_streep {eigen}")
        ] == [letterlijk]
        # A wildcard in the term is a letter: "Gewone_Naam" is not "Gewone Naam".
        assert await zoek_personen(s, regie, sleutel=sleutel, naam=f"Gewone_Naam {eigen}") == []
        assert await zoek_personen(s, regie, sleutel=sleutel, naam=f"Gewone%{eigen}") == []
        # Aliases are searched the same way.
        assert await zoek_personen(s, regie, sleutel=sleutel, naam="zonder%") == []
        assert [t.naam for t in await zoek_personen(s, regie, sleutel=sleutel, naam=gewoon)] == [
            gewoon
        ]


async def test_request_queue_search_takes_percent_and_underscore_literally(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties, settings: Settings
) -> None:
    eigen = uuid.uuid4().hex[:8]
    letterlijk = f"Indiener 50% Laag_streep {eigen}"
    gewoon = f"Indiener Gewoon {eigen}"
    async with sessie(tenant_a) as s:
        for naam in (letterlijk, gewoon):
            await registreer(
                s,
                Actor.system("zoektest"),
                NieuwVerzoek(
                    type=VerzoekType.INZAGE,
                    betrokkene_naam=naam,
                    indiener_naam=naam,
                    kanaal=Kanaal.BRIEF,
                ),
                gemeentecode="9801",
            )
    contactpunt = orgs.actor("gemeente", "contactpunt")

    async def gevonden(zoek: str) -> set[str]:
        async with sessie(tenant_a) as s:
            rij = await wachtrij(
                s, contactpunt, vandaag=klok.vandaag(), sleutel=settings.secret_key, zoek=zoek
            )
        return {v.indiener_naam or "" for v in rij.verzoeken}

    for term in ("%", "_", "%_%"):
        assert gewoon not in await gevonden(term), term
    assert await gevonden(f"50% laag_streep {eigen}") == {letterlijk}
    assert await gevonden(f"Indiener_Gewoon {eigen}") == set()
    assert await gevonden(f"gewoon {eigen}") == {gewoon}


async def test_fg_and_contactpunt_person_searches_take_wildcards_literally(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties, settings: Settings
) -> None:
    eigen = uuid.uuid4().hex[:8]
    letterlijk = f"Fg 10% Laag_streep {eigen}"
    gewoon = f"Fg Gewoon {eigen}"
    async with sessie(tenant_a) as s:
        await nieuwe_casus(s, orgs, letterlijk)
        await nieuwe_casus(s, orgs, gewoon)
    fg = orgs.actor("gemeente", "fg_auditor")
    contactpunt = orgs.actor("gemeente", "contactpunt")
    async with sessie(tenant_a) as s:
        for term in ("%%", "__", "%_%"):
            assert gewoon not in {t.naam for t in await casussen_op_naam(s, fg, term)}, term
            gevonden = await zoek_betrokkene(s, contactpunt, sleutel=settings.secret_key, naam=term)
            assert gewoon not in {p.naam for p in gevonden}, term
        assert {t.naam for t in await casussen_op_naam(s, fg, f"10% laag_streep {eigen}")} == {
            letterlijk
        }
        assert await casussen_op_naam(s, fg, f"Fg_Gewoon {eigen}") == []
        gevonden = await zoek_betrokkene(s, contactpunt, sleutel="k", naam=f"10% laag_{eigen}")
        assert gevonden == []
        gevonden = await zoek_betrokkene(s, contactpunt, sleutel="k", naam=f"laag_streep {eigen}")
        assert {p.naam for p in gevonden} == {letterlijk}
