"""The overgangsvoorraad: dry run per row, idempotent import, deadline and destruction."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from casusfabriek import ALLE_CRITERIA, Organisaties, Sessie, nieuw_signaal
from sqlalchemy import func, select

from casushub.platform import klok
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.casus.errors import RegelFout
from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.overgang.formaat import voorbeeld_csv, voorbeeld_json
from casushub.tenants.overgang.inlezen import (
    bevestig,
    lees_batch,
    proefimport,
    rond_import_af,
    wijzig_weegtermijn,
)
from casushub.tenants.overgang.lijst import herinneringen, telling
from casushub.tenants.overgang.models import Overgangsimport, Overgangszaak, ZaakStatus
from casushub.tenants.overgang.vernietiging import vernietig_verlopen
from casushub.tenants.overgang.weging import ZaakWeging, weeg_zaak
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Verwerking

GEHEIM = b"test-geheim"
SYSTEEM = Actor.system("test-overgang")
KOP = "bron_id,naam,aliassen,geboortedatum,gemeente_van_verblijf,startdatum,status,signalen\n"

FreshTenant = Callable[[], Awaitable[TenantRef]]


def _csv(*regels: str) -> bytes:
    return (KOP + "\n".join(regels) + "\n").encode()


async def _proef(s, orgs: Organisaties, inhoud: bytes, naam: str = "zaken.csv", **kw):  # type: ignore[no-untyped-def]
    return await proefimport(
        s,
        orgs.regie,
        bestandsnaam=naam,
        inhoud=inhoud,
        bekende_gemeenten={"9801", "9802"},
        geheim=GEHEIM,
        **kw,
    )


async def _lees_in(sessie: Sessie, tenant: TenantRef, orgs: Organisaties, inhoud: bytes, **kw):  # type: ignore[no-untyped-def]
    async with sessie(tenant) as s:
        upload = await _proef(s, orgs, inhoud)
        upload_id = upload.id
        await bevestig(s, orgs.regie, upload_id, upload_id)
    async with sessie(tenant) as s:
        await lees_batch(s, upload_id, 0, 1, **kw)
    async with sessie(tenant) as s:
        await lees_batch(s, upload_id, 1, 10_000, **kw)
        return await rond_import_af(s, upload_id)


async def test_dry_run_reports_every_faulty_row_at_once_and_writes_no_case(
    sessie: Sessie, fresh_tenant: FreshTenant, orgs: Organisaties
) -> None:
    tenant = await fresh_tenant()
    async with sessie(tenant) as s:
        await nieuw_signaal(s, orgs, "Al Bekend")  # born 2004-05-06
    inhoud = _csv(
        'A1,Goede Rij,,2001-02-03,9801,2023-01-01,lopend,"2023-01-01;politie;zorg"',
        "A2,Met Bsn,Alias 111222333,2001-02-03,9801,2023-01-01,lopend,",
        "A3,Foute Datum,,31-31-2001,9801,2023-01-01,lopend,",
        "A4,Onbekende Gemeente,,2001-02-03,1234,2023-01-01,lopend,",
        "A1,Dubbel Bron,,2001-02-03,9801,2023-01-01,lopend,",
        "A6,goede  rij,,03-02-2001,9801,2023-01-01,lopend,",
        "A7,Al Bekend,,2004-05-06,9801,2023-01-01,lopend,",
        ",,,,,,,",
        "A9,Toekomst,,2001-02-03,9801,2099-01-01,,",
        'A10,Bsn In Signaal,,2001-02-03,9801,2023-01-01,lopend,"2023-01-01;x;bsn 123.456.782"',
    )
    async with sessie(tenant) as s:
        personen_voor = await s.scalar(select(func.count()).select_from(Persoon))
        upload = await _proef(s, orgs, inhoud)
        rapport: dict[str, Any] = {}
        for r in upload.rapport:
            rapport.setdefault(r["bron_id"] or str(r["rij"]), r)
    assert upload.aantal_rijen == 9  # the empty line is no row
    assert rapport["A1"]["status"] == "nieuw"
    assert "burgerservicenummer" in " ".join(rapport["A2"]["fouten"])
    assert "aliassen" in " ".join(rapport["A2"]["fouten"])
    assert "geen datum" in " ".join(rapport["A3"]["fouten"])
    assert "'1234' is geen gemeente" in " ".join(rapport["A4"]["fouten"])
    dubbel = [r for r in upload.rapport if r["bron_id"] == "A1"][1]
    assert dubbel["fouten"] == ["Dit bron-id staat ook in rij 1."]
    assert "staat ook in rij 1" in " ".join(rapport["A6"]["fouten"])
    assert "al bekend in casushub" in " ".join(rapport["A7"]["fouten"])
    assert "in de toekomst" in " ".join(rapport["A9"]["fouten"])
    assert "Vul de status in." in rapport["A9"]["fouten"]
    assert "signalen" in " ".join(rapport["A10"]["fouten"])
    assert upload.aantal_fouten == 8
    # The report holds no names; only the one valid row is staged, and nothing else exists.
    assert "Goede Rij" not in json.dumps(upload.rapport)
    assert [r["bron_id"] for r in upload.rijen] == ["A1"]
    async with sessie(tenant) as s:
        assert await s.scalar(select(func.count()).select_from(Overgangszaak)) == 0
        assert await s.scalar(select(func.count()).select_from(Persoon)) == personen_voor


async def test_import_is_idempotent_by_source_id_and_logged_with_who(
    sessie: Sessie, fresh_tenant: FreshTenant, orgs: Organisaties
) -> None:
    tenant = await fresh_tenant()
    inhoud = voorbeeld_csv("9801").encode()
    upload = await _lees_in(sessie, tenant, orgs, inhoud)
    assert upload is not None
    assert (upload.ingelezen, upload.overgeslagen) == (2, 0)
    assert upload.rijen == []
    # The same cases again, now as JSON: recognised by their source id, nothing to read in.
    async with sessie(tenant) as s:
        tweede = await _proef(s, orgs, voorbeeld_json("9801").encode(), "zaken.json")
        assert tweede.formaat == "json"
        assert {r["status"] for r in tweede.rapport} == {"al_ingelezen"}
        assert tweede.rijen == []
        zaken = list((await s.execute(select(Overgangszaak))).scalars())
        assert len(zaken) == 2
        assert {z.naam for z in zaken} == {"Fictief Voorbeeld", "Verzonnen Testpersoon"}
        eerste = next(z for z in zaken if z.bron_id == "VOORBEELD-001")
        assert eerste.gegevens["signalen"][0]["bron"] == "politie"
        assert eerste.weeg_uiterlijk > klok.vandaag()
        logregels = list(
            (
                await s.execute(
                    select(Verwerking).where(Verwerking.gegevensgroep == "overgangszaak")
                )
            ).scalars()
        )
    assert len(logregels) == 2
    # Logged as the user who confirmed the import ("what and by whom").
    assert upload.bevestigd_door is not None
    assert {r.user_id for r in logregels} == {upload.bevestigd_door}
    # A batch run again (a redelivered message) inserts nothing new.
    async with sessie(tenant) as s:
        assert await lees_batch(s, upload.id, 0, 10) == (0, 0)
        assert await s.scalar(select(func.count()).select_from(Overgangszaak)) == 2


async def test_missed_deadline_destroys_the_case_with_a_receipt(
    sessie: Sessie, fresh_tenant: FreshTenant, orgs: Organisaties
) -> None:
    tenant = await fresh_tenant()
    async with sessie(tenant) as s:
        await wijzig_weegtermijn(s, orgs.regie, 2)
    begin = date(2026, 1, 10)
    await _lees_in(sessie, tenant, orgs, voorbeeld_csv("9801").encode(), vandaag=begin)
    deadline = date(2026, 3, 10)
    async with sessie(tenant) as s:
        assert set((await s.execute(select(Overgangszaak.weeg_uiterlijk))).scalars()) == {deadline}
        assert await vernietig_verlopen(s, SYSTEEM, vandaag=deadline) == 0
    async with sessie(tenant) as s:
        assert await vernietig_verlopen(s, SYSTEEM, vandaag=deadline + timedelta(days=1)) == 2
    async with sessie(tenant) as s:
        zaken = list((await s.execute(select(Overgangszaak))).scalars())
        assert {z.status for z in zaken} == {ZaakStatus.VERNIETIGD.value}
        assert all(z.naam is None and z.gegevens == {} and z.bron_id is None for z in zaken)
        bewijzen = list(
            (
                await s.execute(
                    select(Vernietigingsbewijs).where(Vernietigingsbewijs.soort == "overgangszaak")
                )
            ).scalars()
        )
        assert {b.record_id for b in bewijzen} == {z.id for z in zaken}
        assert all("termijn" in b.regel for b in bewijzen)
        # A later upload of the same file does not bring the destroyed cases back.
        weer = await _proef(s, orgs, voorbeeld_csv("9801").encode())
        assert {r["status"] for r in weer.rapport} == {"al_ingelezen"}
    async with sessie(tenant) as s:
        assert await vernietig_verlopen(s, SYSTEEM, vandaag=deadline + timedelta(days=2)) == 0


async def test_opname_makes_a_casus_with_history_and_geen_actie_is_destroyed(
    sessie: Sessie, fresh_tenant: FreshTenant, orgs: Organisaties
) -> None:
    tenant = await fresh_tenant()
    await _lees_in(sessie, tenant, orgs, voorbeeld_csv("9801").encode())
    async with sessie(tenant) as s:
        zaken = {z.bron_id: z.id for z in (await s.execute(select(Overgangszaak))).scalars()}
    invoer = ZaakWeging(
        datum=klok.vandaag(),
        aanwezigen=orgs.kernpartijen,
        criteria=ALLE_CRITERIA,
        redenering="de criteria rechtvaardigen voortzetting onder de Wet",
        uitkomst="opname",
    )
    async with sessie(tenant) as s:
        zaak = await weeg_zaak(s, orgs.regie, zaken["VOORBEELD-001"], invoer, regie_gemeente="9801")
        casus_id = zaak.casus_id
    assert casus_id is not None
    async with sessie(tenant) as s:
        casus = await s.get(Casus, casus_id)
        assert casus is not None
        persoon = await s.get(Persoon, casus.persoon_id)
        assert persoon is not None
        assert persoon.naam == "Fictief Voorbeeld"
        teksten = list(
            (
                await s.execute(
                    select(InformatieItem.tekst).where(InformatieItem.casus_id == casus_id)
                )
            ).scalars()
        )
        assert any("Overgenomen uit het convenant" in t for t in teksten)
        assert any("zorgen over uitingen op sociale media" in t for t in teksten)
        assert any("jongerenwerk" in t for t in teksten)
        stub = await s.get(Overgangszaak, zaken["VOORBEELD-001"])
        assert stub is not None
        assert stub.naam is None
        assert stub.status == "opgenomen"
    # Incomplete criteria are refused; then "geen actie" marks it for tonight's destruction.
    onvolledig = ZaakWeging(
        datum=klok.vandaag(),
        aanwezigen=orgs.kernpartijen,
        criteria={"geweld": ALLE_CRITERIA["geweld"]},
        redenering="x",
        uitkomst="geen_actie",
    )
    with pytest.raises(RegelFout, match="criterium"):
        async with sessie(tenant) as s:
            await weeg_zaak(
                s, orgs.regie, zaken["VOORBEELD-002"], onvolledig, regie_gemeente="9801"
            )
    async with sessie(tenant) as s:
        await weeg_zaak(
            s,
            orgs.regie,
            zaken["VOORBEELD-002"],
            ZaakWeging(
                klok.vandaag(), orgs.kernpartijen, ALLE_CRITERIA, "geen zorgen meer", "geen_actie"
            ),
            regie_gemeente="9801",
        )
    async with sessie(tenant) as s:
        assert await vernietig_verlopen(s, SYSTEEM) == 1
        stub = await s.get(Overgangszaak, zaken["VOORBEELD-002"])
        assert stub is not None
        assert stub.status == "vernietigd"
        assert stub.naam is None
        regel = await s.scalar(
            select(Vernietigingsbewijs.regel).where(Vernietigingsbewijs.record_id == stub.id)
        )
        assert regel is not None
        assert "geen actie" in regel
        assert await s.scalar(select(func.count()).select_from(Overgangsimport)) == 1


async def test_the_regie_is_reminded_once_when_a_deadline_comes_near(
    sessie: Sessie, fresh_tenant: FreshTenant, orgs: Organisaties
) -> None:
    tenant = await fresh_tenant()
    begin = date(2026, 1, 10)
    await _lees_in(sessie, tenant, orgs, voorbeeld_csv("9801").encode(), vandaag=begin)
    async with sessie(tenant) as s:
        # Three months to go: nothing to say yet.
        assert await herinneringen(s, vandaag=begin) == 0
        assert (await telling(s, vandaag=begin)).bijna_verlopen == 0
    bijna = date(2026, 4, 1)  # the deadline (10 April) within two weeks
    async with sessie(tenant) as s:
        assert (await telling(s, vandaag=bijna)).bijna_verlopen == 2
        assert await herinneringen(s, vandaag=bijna) == 2
    async with sessie(tenant) as s:
        assert await herinneringen(s, vandaag=bijna + timedelta(days=1)) == 0
