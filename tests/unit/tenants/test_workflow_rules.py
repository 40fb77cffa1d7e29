"""The casusoverleg's rules without a database: each test fails if its rule is dropped."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict, Unpack

import pytest

from casushub.tenants.bewaartermijnen.rules import destroy_on
from casushub.tenants.casus.errors import GeenToegang, RegelFout
from casushub.tenants.casus.rules import (
    add_months,
    controleer_afsluiting,
    controleer_heropenen,
    controleer_opname,
    controleer_statusovergang,
    direct_zichtbaar,
    review_verlopen,
    uitgenodigde_mag_zien,
)
from casushub.tenants.personen.rules import bevat_bsn, controleer_geen_bsn, elfproef
from casushub.tenants.plan.rules import controleer_interventie, plan_te_laat, plan_uiterlijk
from casushub.tenants.uitnodigingen.rules import controleer_gebruik, vervalt_op
from casushub.tenants.weging.rules import CRITERIA, Beoordeling, Uitkomst, controleer_vaststelling

ALLE = {k: Beoordeling("enige_zorg", "toelichting") for k in CRITERIA}
VANDAAG = date(2026, 11, 25)


class _Vaststelling(TypedDict, total=False):
    datum: date
    aanwezige_types: Collection[str]
    criteria: Mapping[str, Beoordeling]
    uitkomst: str | None
    redenering: str
    vervolgdatum: date | None


def _vaststelling(**changes: Unpack[_Vaststelling]) -> Uitkomst:
    args: _Vaststelling = {
        "datum": VANDAAG,
        "aanwezige_types": {"gemeente", "politie", "om"},
        "criteria": ALLE,
        "uitkomst": "opname",
        "redenering": "zorgelijk geheel",
        "vervolgdatum": None,
    }
    args.update(changes)
    return controleer_vaststelling(**args)


# --- BSN -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["111222333", "123456782", "123.456.782", "bsn: 123 456 782"])
def test_bsn_is_refused_in_any_notation(value: str) -> None:
    assert bevat_bsn(value)
    with pytest.raises(RegelFout, match="burgerservicenummer") as info:
        controleer_geen_bsn({"omschrijving": value}, bsn_toegestaan=False)
    assert info.value.field == "omschrijving"


@pytest.mark.parametrize("value", ["123456789", "0612345678", "1234 AB", "geboren 01-02-2003", ""])
def test_numbers_failing_the_elfproef_pass(value: str) -> None:
    assert not bevat_bsn(value)
    controleer_geen_bsn({"omschrijving": value}, bsn_toegestaan=False)


def test_bsn_in_a_list_field_is_refused_and_allowed_when_enabled() -> None:
    with pytest.raises(RegelFout):
        controleer_geen_bsn({"aliassen": ["Jan", "111222333"]}, bsn_toegestaan=False)
    controleer_geen_bsn({"aliassen": ["111222333"]}, bsn_toegestaan=True)


def test_elfproef() -> None:
    assert elfproef("111222333")
    assert not elfproef("111222334")
    assert not elfproef("000000000")
    assert not elfproef("12345678")


# --- Weging ----------------------------------------------------------------------------------


def test_complete_weging_is_finalised() -> None:
    assert _vaststelling() is Uitkomst.OPNAME


@pytest.mark.parametrize("ontbreekt", ["gemeente", "politie", "om"])
def test_weging_without_a_kernpartij_cannot_be_finalised(ontbreekt: str) -> None:
    types = {"gemeente", "politie", "om", "reclassering"} - {ontbreekt}
    with pytest.raises(RegelFout, match="gemeente, politie en OM") as info:
        _vaststelling(aanwezige_types=types)
    assert info.value.field == "aanwezigen"


@pytest.mark.parametrize("criterium", list(CRITERIA))
def test_each_of_the_five_criteria_is_required(criterium: str) -> None:
    with pytest.raises(RegelFout) as info:
        _vaststelling(criteria={k: v for k, v in ALLE.items() if k != criterium})
    assert info.value.field == f"criteria.{criterium}"
    with pytest.raises(RegelFout):
        _vaststelling(criteria={**ALLE, criterium: Beoordeling("enige_zorg", " ")})


def test_weging_needs_reasoning_outcome_and_follow_up_date() -> None:
    with pytest.raises(RegelFout, match="redenering"):
        _vaststelling(redenering="  ")
    with pytest.raises(RegelFout, match="uitkomst"):
        _vaststelling(uitkomst="zvh_casus")
    with pytest.raises(RegelFout, match="vervolgdatum"):
        _vaststelling(uitkomst="meer_informatie")
    assert (
        _vaststelling(uitkomst="meer_informatie", vervolgdatum=VANDAAG + timedelta(days=14))
        is Uitkomst.MEER_INFORMATIE
    )


# --- Casus -----------------------------------------------------------------------------------


def test_casus_only_from_a_finalised_opname() -> None:
    controleer_opname(uitkomst="opname", vastgesteld=True, heeft_casus=False)
    for uitkomst in ("geen_actie", "meer_informatie", "strafrechtelijk", None):
        with pytest.raises(RegelFout, match="opname"):
            controleer_opname(uitkomst=uitkomst, vastgesteld=True, heeft_casus=False)
    with pytest.raises(RegelFout):
        controleer_opname(uitkomst="opname", vastgesteld=False, heeft_casus=False)
    with pytest.raises(RegelFout, match="al een casus"):
        controleer_opname(uitkomst="opname", vastgesteld=True, heeft_casus=True)


class _Overgang(TypedDict, total=False):
    van: str
    naar: str
    vandaag: date
    volgende_review: date | None
    monitoren_sinds: date | None
    laatste_herbeoordeling: date | None


def _overgang(**changes: Unpack[_Overgang]) -> str:
    args: _Overgang = {
        "van": "monitoren",
        "naar": "lopend",
        "vandaag": VANDAAG,
        "volgende_review": VANDAAG + timedelta(days=100),
        "monitoren_sinds": VANDAAG - timedelta(days=30),
        "laatste_herbeoordeling": VANDAAG - timedelta(days=5),
    }
    args.update(changes)
    return controleer_statusovergang(**args)


def test_back_to_lopend_needs_a_reassessment_since_monitoring_began() -> None:
    assert _overgang() == "lopend"
    with pytest.raises(RegelFout, match="herbeoordeling"):
        _overgang(laatste_herbeoordeling=None)
    with pytest.raises(RegelFout, match="herbeoordeling"):
        _overgang(laatste_herbeoordeling=VANDAAG - timedelta(days=60))


def test_overdue_review_blocks_lopend() -> None:
    assert review_verlopen(
        status="lopend", volgende_review=VANDAAG - timedelta(days=1), vandaag=VANDAAG
    )
    assert not review_verlopen(
        status="afgesloten", volgende_review=date(2000, 1, 1), vandaag=VANDAAG
    )
    with pytest.raises(RegelFout, match="noodzaaktoets is verlopen"):
        _overgang(van="aangemeld", volgende_review=VANDAAG - timedelta(days=1))


def test_closing_is_not_a_plain_status_change_and_afgesloten_is_final() -> None:
    with pytest.raises(RegelFout, match="reden"):
        _overgang(naar="afgesloten")
    with pytest.raises(RegelFout):
        _overgang(van="afgesloten", naar="lopend")
    with pytest.raises(RegelFout):
        _overgang(van="aangemeld", naar="monitoren")


def test_closure_needs_reason_and_a_date_not_in_the_future() -> None:
    assert (
        controleer_afsluiting(status="lopend", reden="doel bereikt", datum=VANDAAG, vandaag=VANDAAG)
        == VANDAAG
    )
    with pytest.raises(RegelFout, match="reden"):
        controleer_afsluiting(status="lopend", reden="", datum=VANDAAG, vandaag=VANDAAG)
    with pytest.raises(RegelFout, match="datum"):
        controleer_afsluiting(status="lopend", reden="x", datum=None, vandaag=VANDAAG)
    with pytest.raises(RegelFout, match="toekomst"):
        controleer_afsluiting(
            status="lopend", reden="x", datum=VANDAAG + timedelta(days=1), vandaag=VANDAAG
        )


def test_reopen_only_within_the_period() -> None:
    controleer_heropenen(
        status="afgesloten",
        afgesloten_geregistreerd=VANDAAG,
        vandaag=VANDAAG + timedelta(days=14),
        termijn_dagen=14,
    )
    with pytest.raises(RegelFout, match="14 dagen"):
        controleer_heropenen(
            status="afgesloten",
            afgesloten_geregistreerd=VANDAAG,
            vandaag=VANDAAG + timedelta(days=15),
            termijn_dagen=14,
        )


def test_destroy_on_defaults() -> None:
    assert destroy_on("casus", None, date(2026, 3, 1)) == date(2031, 3, 1)
    assert destroy_on("casus", "doel bereikt", date(2024, 2, 29)) == date(2029, 2, 28)
    assert destroy_on("signaal", "geen_actie", VANDAAG) == date(2027, 11, 25)
    assert destroy_on("casus", None, VANDAAG, {"casus": 2}) == date(2028, 11, 25)


def test_special_items_are_never_shown_in_passing() -> None:
    assert direct_zichtbaar(rol="gemeente_regie", categorie="gewoon")
    assert not direct_zichtbaar(rol="gemeente_regie", categorie="bijzonder")
    assert not direct_zichtbaar(rol="participant", categorie="strafrechtelijk")
    assert uitgenodigde_mag_zien("gewoon")
    assert not uitgenodigde_mag_zien("bijzonder")
    assert not uitgenodigde_mag_zien("strafrechtelijk")


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 25), 12) == date(2027, 11, 25)


# --- Plan ------------------------------------------------------------------------------------


def test_plan_due_and_overdue() -> None:
    uiterlijk = plan_uiterlijk(VANDAAG, 4)
    assert uiterlijk == VANDAAG + timedelta(weeks=4)
    assert plan_te_laat(
        uiterlijk=uiterlijk, vastgesteld_op=None, vandaag=uiterlijk + timedelta(days=1)
    )
    assert not plan_te_laat(uiterlijk=uiterlijk, vastgesteld_op=None, vandaag=uiterlijk)
    assert not plan_te_laat(
        uiterlijk=uiterlijk, vastgesteld_op=VANDAAG, vandaag=uiterlijk + timedelta(days=1)
    )


POLITIE, GGZ = uuid.uuid4(), uuid.uuid4()


class _Interventie(TypedDict, total=False):
    omschrijving: str
    domein: str
    verantwoordelijke_id: object
    verantwoordelijke_type: str
    bevoegdheid: str
    deelnemer_ids: Collection[object]
    opdrachtgever_id: object | None
    opdracht: str | None


def _interventie(**changes: Unpack[_Interventie]) -> None:
    args: _Interventie = {
        "omschrijving": "gesprek",
        "domein": "zorg",
        "verantwoordelijke_id": POLITIE,
        "verantwoordelijke_type": "politie",
        "bevoegdheid": "Politiewet 2012, art. 3",
        "deelnemer_ids": {POLITIE},
        "opdrachtgever_id": None,
        "opdracht": None,
    }
    args.update(changes)
    controleer_interventie(**args)


def test_intervention_needs_a_power_and_a_participant() -> None:
    _interventie()
    with pytest.raises(RegelFout, match="bevoegdheid"):
        _interventie(bevoegdheid=" ")
    with pytest.raises(RegelFout, match="neemt niet deel"):
        _interventie(deelnemer_ids=set())


def test_invited_party_responsible_only_when_commissioned() -> None:
    with pytest.raises(RegelFout, match="in opdracht"):
        _interventie(verantwoordelijke_id=GGZ, verantwoordelijke_type="satellietpartner")
    with pytest.raises(RegelFout, match="in opdracht"):
        _interventie(
            verantwoordelijke_id=GGZ,
            verantwoordelijke_type="satellietpartner",
            opdrachtgever_id=POLITIE,
            opdracht="",
        )
    _interventie(
        verantwoordelijke_id=GGZ,
        verantwoordelijke_type="satellietpartner",
        opdrachtgever_id=POLITIE,
        opdracht="ambulante begeleiding in opdracht van de gemeente",
    )


# --- Uitnodigingen ---------------------------------------------------------------------------

NU = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_invitation_window() -> None:
    einde = vervalt_op(NU + timedelta(days=2), 24)
    assert einde == NU + timedelta(days=3)
    controleer_gebruik(
        nu=NU, uitgenodigd_op=NU, vervalt=einde, geaccepteerd_op=NU, ingetrokken=False
    )
    with pytest.raises(GeenToegang, match="niet \\(meer\\) geldig"):
        controleer_gebruik(
            nu=einde + timedelta(seconds=1),
            uitgenodigd_op=NU,
            vervalt=einde,
            geaccepteerd_op=NU,
            ingetrokken=False,
        )
    with pytest.raises(GeenToegang, match="geheimhoudingsplicht"):
        controleer_gebruik(
            nu=NU, uitgenodigd_op=NU, vervalt=einde, geaccepteerd_op=None, ingetrokken=False
        )
    with pytest.raises(GeenToegang, match="ingetrokken"):
        controleer_gebruik(
            nu=NU, uitgenodigd_op=NU, vervalt=einde, geaccepteerd_op=NU, ingetrokken=True
        )
