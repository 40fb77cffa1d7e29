"""Figures without personal data: known data in, known counts out, never an exact small count."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from casusfabriek import ALLE_CRITERIA, Organisaties, Sessie
from sqlalchemy import select

from casushub.platform import klok
from casushub.platform.tenancy import TenantRef
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.cijfers.rules import (
    ONDER_DREMPEL,
    VERBORGEN,
    Cijfers,
    toon_aantal,
    toon_hubcel,
    weergave,
)
from casushub.tenants.cijfers.services import log_inzage, verzamel
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.weging.services import WegingInvoer, weeg_signaal

VORIG_JAAR = klok.vandaag().year - 1


async def _signaal(s, orgs: Organisaties, bron: uuid.UUID, dag: date, naam: str):  # type: ignore[no-untyped-def]
    invoer = NieuwSignaal(naam, "9801", "zorgen", bron, dag)
    return await registreer_signaal(s, orgs.regie, invoer)


async def _gegevens(sessie: Sessie, tenant: TenantRef, orgs: Organisaties) -> None:
    """Six police signals and two of the gemeente in March; five taken in, one 'geen actie'."""
    maart = date(VORIG_JAAR, 3, 10)
    async with sessie(tenant) as s:
        politie = [await _signaal(s, orgs, orgs.politie, maart, f"P{n}") for n in range(6)]
        for n in range(2):
            await _signaal(s, orgs, orgs.gemeente, maart, f"G{n}")
        for i, signaal in enumerate(politie):
            weging = await weeg_signaal(
                s,
                orgs.regie,
                WegingInvoer(
                    signal_id := signaal.id,
                    date(VORIG_JAAR, 3, 20),
                    orgs.kernpartijen,
                    ALLE_CRITERIA,
                    "afweging",
                    "geen_actie" if i == 5 else "opname",
                ),
                vaststellen=True,
            )
            assert signal_id
            if i < 5:
                await maak_casus(
                    s,
                    orgs.regie,
                    weging_id=weging.id,
                    regie_gemeente="9801",
                    intake_datum=date(VORIG_JAAR, 3, 21),
                    deelnemers=[Deelnemer(orgs.gemeente, "gemeente")],
                )


async def test_known_data_in_known_counts_out_small_counts_suppressed(
    sessie: Sessie, fresh_tenant: Callable[[], Awaitable[TenantRef]], orgs: Organisaties
) -> None:
    tenant = await fresh_tenant()
    await _gegevens(sessie, tenant, orgs)
    bron_types = {orgs.politie: "politie", orgs.gemeente: "gemeente"}
    async with sessie(tenant) as s:
        ruw = await verzamel(s, orgs.regie, jaar=VORIG_JAAR, bron_types=bron_types)
        leeg = await verzamel(s, orgs.regie, jaar=VORIG_JAAR - 1, bron_types=bron_types)
    assert ruw.aantallen["signalen"] == {("maart", "politie"): 6, ("maart", "gemeente"): 2}
    assert ruw.aantallen["wegingen"] == {
        ("opname in casusoverleg", "aantal"): 5,
        ("geen actie", "aantal"): 1,
    }
    assert ruw.aantallen["fasen"] == {("aangemeld", "aantal"): 5}
    assert sorted(ruw.duren["signaal_weging"]) == [10] * 6
    assert leeg.aantallen["signalen"] == {}

    w = weergave([ruw], vaste_rijen={}, vaste_kolommen={})
    tabellen = {t.sleutel: t for t in w.tabellen}
    signalen = tabellen["signalen"]
    assert signalen.kolommen == ("gemeente", "politie")
    assert signalen.rijen == (("maart", (ONDER_DREMPEL, "6")),)
    assert dict(tabellen["wegingen"].rijen) == {
        "geen actie": (ONDER_DREMPEL,),
        "opname in casusoverleg": ("5",),
    }
    assert dict((k, v) for k, _, v in w.duren)["signaal_weging"] == "10 dagen"
    assert dict((k, v) for k, _, v in w.duren)["casusduur"] == "< 5 waarnemingen"
    # No cell anywhere shows a count under the threshold exactly.
    for tabel in w.tabellen:
        for _, teksten in tabel.rijen:
            for tekst in teksten:
                assert tekst == ONDER_DREMPEL or int(tekst) >= 5, (tabel.sleutel, tekst)


def _kan_afleiden(per_gemeente: list[int], hubcel=toon_hubcel) -> bool:  # type: ignore[no-untyped-def]
    """Can someone who sees every municipality's cells and the hub's cell pin down a count
    from 1 to 4 of one municipality? Tries every assignment the shown figures allow."""
    getoond = [toon_aantal(n) for n in per_gemeente]
    hub = hubcel(per_gemeente)
    klein = [i for i, t in enumerate(getoond) if t == ONDER_DREMPEL]
    mogelijk = []
    for waarden in itertools.product(range(5), repeat=len(klein)):
        probeer = list(per_gemeente)
        for i, w in zip(klein, waarden, strict=True):
            probeer[i] = w
        if hubcel(probeer) == hub:
            mogelijk.append(waarden)
    return any(len({m[k] for m in mogelijk}) == 1 for k in range(len(klein)))


def test_a_figure_cannot_single_out_a_person() -> None:
    """No count below 5 is ever shown exactly, and none can be derived: not from one
    municipality's figures, nor from the hub's sum minus the other municipalities' cells."""
    for n in range(5):
        assert toon_aantal(n) == ONDER_DREMPEL
    assert [toon_aantal(n) for n in (5, 6, 17)] == ["5", "6", "17"]
    for aantal in (1, 2, 3):
        for per_gemeente in itertools.product([0, 1, 2, 3, 4, 5, 9, 13], repeat=aantal):
            assert not _kan_afleiden(list(per_gemeente)), per_gemeente
    # The checker is not vacuous: an exact hub sum beside one small cell gives it away.
    assert _kan_afleiden([4, 9], hubcel=lambda w: str(sum(w)))
    assert toon_hubcel([4, 9]) == "ten minste 9"
    assert toon_hubcel([3, 4]) == VERBORGEN
    assert toon_hubcel([5, 9]) == "14"
    a = Cijfers(aantallen={"wegingen": {("opname", "aantal"): 3}})
    b = Cijfers(aantallen={"wegingen": {("opname", "aantal"): 9}})
    c = Cijfers(aantallen={"wegingen": {("opname", "aantal"): 6}})
    hub = weergave([a, b], vaste_rijen={}, vaste_kolommen={})
    assert dict(next(t for t in hub.tabellen if t.sleutel == "wegingen").rijen) == {
        "opname": ("ten minste 9",)
    }
    hub = weergave([b, c], vaste_rijen={}, vaste_kolommen={})
    assert dict(next(t for t in hub.tabellen if t.sleutel == "wegingen").rijen) == {
        "opname": ("15",)
    }


async def test_viewing_and_downloading_are_logged(
    sessie: Sessie, fresh_tenant: Callable[[], Awaitable[TenantRef]], orgs: Organisaties
) -> None:
    tenant = await fresh_tenant()
    regie = orgs.regie
    async with sessie(tenant) as s:
        await log_inzage(s, regie, jaar=VORIG_JAAR, download=False)
        await log_inzage(s, regie, jaar=VORIG_JAAR, download=True)
    async with sessie(tenant) as s:
        regels = list(
            (
                await s.execute(
                    select(Verwerking.actie, Verwerking.user_id).where(
                        Verwerking.gegevensgroep == "cijfers"
                    )
                )
            ).all()
        )
    assert sorted(a for a, _ in regels) == ["export", "read"]
    assert {u for _, u in regels} == {regie.user_id}


async def test_participants_get_no_figures(
    sessie: Sessie, fresh_tenant: Callable[[], Awaitable[TenantRef]], orgs: Organisaties
) -> None:
    from casushub.tenants.casus.errors import GeenToegang

    tenant = await fresh_tenant()
    with pytest.raises(GeenToegang):
        async with sessie(tenant) as s:
            await verzamel(s, orgs.actor("politie", "participant"), jaar=VORIG_JAAR, bron_types={})
