"""Deadlines, extensions, decisions, restrictions and receipt numbers of requests."""

from __future__ import annotations

from datetime import date

import pytest

from casushub.tenants.verzoeken.rules import (
    Besluituitkomst,
    VerzoekRegelFout,
    VerzoekStatus,
    add_months,
    beperking_vervalt,
    check_beperking,
    check_besluit,
    check_overgang,
    check_verlenging,
    consultatie_termijn,
    feestdagen,
    is_werkdag,
    ontvangstnummer,
    termijn,
    valideer_ontvangstnummer,
)

REDEN = "Het verzoek is complex: er zijn zes deelnemers die gegevens leverden."


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 1, 15), 1, date(2027, 2, 15)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 8, 31), 1, date(2027, 9, 30)),
    ],
)
def test_add_months_keeps_the_date_or_takes_the_last_day(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_holidays_of_the_algemene_termijnenwet() -> None:
    days = feestdagen(2027)
    # Easter 2027 is 28 March.
    assert date(2027, 3, 29) in days  # tweede paasdag
    assert date(2027, 5, 6) in days  # hemelvaartsdag
    assert date(2027, 5, 17) in days  # tweede pinksterdag
    assert date(2027, 4, 27) in days  # koningsdag
    assert date(2027, 5, 5) in days
    assert date(2027, 12, 25) in days
    assert date(2027, 3, 26) not in days  # goede vrijdag is not one
    # Koningsdag on a Sunday (27 April 2031) is celebrated on Saturday 26 April.
    assert date(2031, 4, 26) in feestdagen(2031)
    assert date(2031, 4, 27) not in feestdagen(2031)


def test_deadline_is_one_month_after_day_zero() -> None:
    # Received Monday 11 January 2027: deadline Thursday 11 February 2027.
    assert termijn(date(2027, 1, 11)) == date(2027, 2, 11)


def test_deadline_from_31_january_ends_on_the_last_day_of_february() -> None:
    # 28 February 2029 is a Wednesday.
    assert termijn(date(2029, 1, 31)) == date(2029, 2, 28)
    # 29 February 2032 is a Sunday: the next working day, 1 March.
    assert termijn(date(2032, 1, 31)) == date(2032, 3, 1)


def test_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day() -> None:
    # Received 12 June 2027 -> 12 July 2027 is a Monday: stays.
    assert termijn(date(2027, 6, 12)) == date(2027, 7, 12)
    # Received 10 July 2027 -> 10 August 2027 is a Tuesday.
    assert termijn(date(2027, 7, 10)) == date(2027, 8, 10)
    # Received 14 August 2027 -> 14 September is a Tuesday; 13 November -> 13 December Monday.
    # Received 25 November 2027 -> 25 December (holiday, Saturday) -> 27 December (Monday).
    assert termijn(date(2027, 11, 25)) == date(2027, 12, 27)
    # Received 5 April 2027 -> 5 May (Bevrijdingsdag, Wednesday) -> 6 May is Hemelvaart -> 7 May.
    assert termijn(date(2027, 4, 5)) == date(2027, 5, 7)
    assert is_werkdag(date(2027, 5, 7))


def test_extension_adds_up_to_two_months() -> None:
    ontvangen = date(2027, 1, 31)
    één = check_verlenging(
        ontvangen_op=ontvangen,
        al_verlengd_maanden=0,
        extra_maanden=1,
        reden=REDEN,
        kennisgeving_op=date(2027, 2, 20),
    )
    assert één.maanden_totaal == 1
    assert één.nieuwe_termijn == date(2027, 3, 31)
    twee = check_verlenging(
        ontvangen_op=ontvangen,
        al_verlengd_maanden=1,
        extra_maanden=1,
        reden=REDEN,
        kennisgeving_op=date(2027, 3, 30),
    )
    assert twee.nieuwe_termijn == date(2027, 4, 30)
    with pytest.raises(VerzoekRegelFout, match="hooguit 2 maanden"):
        check_verlenging(
            ontvangen_op=ontvangen,
            al_verlengd_maanden=2,
            extra_maanden=1,
            reden=REDEN,
            kennisgeving_op=date(2027, 4, 1),
        )
    with pytest.raises(VerzoekRegelFout):
        check_verlenging(
            ontvangen_op=ontvangen,
            al_verlengd_maanden=0,
            extra_maanden=3,
            reden=REDEN,
            kennisgeving_op=date(2027, 2, 1),
        )


def test_extension_notice_must_be_sent_before_the_deadline_passes() -> None:
    ontvangen = date(2027, 1, 31)  # deadline 28 February 2027 (a Sunday) -> 1 March
    assert termijn(ontvangen) == date(2027, 3, 1)
    on_last_day = check_verlenging(
        ontvangen_op=ontvangen,
        al_verlengd_maanden=0,
        extra_maanden=2,
        reden=REDEN,
        kennisgeving_op=date(2027, 3, 1),
    )
    assert on_last_day.nieuwe_termijn == date(2027, 4, 30)
    with pytest.raises(VerzoekRegelFout, match="verstreken"):
        check_verlenging(
            ontvangen_op=ontvangen,
            al_verlengd_maanden=0,
            extra_maanden=1,
            reden=REDEN,
            kennisgeving_op=date(2027, 3, 2),
        )


def test_extension_needs_reasons() -> None:
    with pytest.raises(VerzoekRegelFout, match="reden"):
        check_verlenging(
            ontvangen_op=date(2027, 1, 4),
            al_verlengd_maanden=0,
            extra_maanden=1,
            reden="druk",
            kennisgeving_op=date(2027, 1, 5),
        )


def test_consultation_deadline_leaves_room_before_the_decision() -> None:
    assert consultatie_termijn(date(2027, 1, 4), date(2027, 2, 4)) == date(2027, 1, 18)
    # A request registered late in its term: participants get until five days before.
    assert consultatie_termijn(date(2027, 1, 25), date(2027, 2, 4)) == date(2027, 1, 30)
    # Never before the day of registration.
    assert consultatie_termijn(date(2027, 2, 3), date(2027, 2, 4)) == date(2027, 2, 3)


def test_decision_needs_grounds_and_withholding_makes_it_partial() -> None:
    check_besluit(Besluituitkomst.TOEGEWEZEN, "Alle gegevens worden verstrekt, zie bijlage.")
    with pytest.raises(VerzoekRegelFout, match="Motiveer"):
        check_besluit(Besluituitkomst.AFGEWEZEN, "nee")
    with pytest.raises(VerzoekRegelFout, match="deels toegewezen"):
        check_besluit(
            Besluituitkomst.TOEGEWEZEN, "Alle gegevens worden verstrekt, zie bijlage.", onthouden=1
        )
    check_besluit(
        Besluituitkomst.DEELS_TOEGEWEZEN, "Eén stuk is achtergehouden, zie gronden.", onthouden=1
    )


def test_status_transitions() -> None:
    check_overgang(VerzoekStatus.ONTVANGEN, VerzoekStatus.BESLOTEN)
    check_overgang(VerzoekStatus.OVERDRACHT, VerzoekStatus.OVERGEDRAGEN)
    with pytest.raises(VerzoekRegelFout):
        check_overgang(VerzoekStatus.BESLOTEN, VerzoekStatus.ONTVANGEN)
    with pytest.raises(VerzoekRegelFout):
        check_overgang(VerzoekStatus.OVERDRACHT, VerzoekStatus.BESLOTEN)


def test_restriction_needs_a_legal_ground_and_a_review_date() -> None:
    vandaag = date(2027, 1, 4)
    check_beperking("opsporing", date(2027, 3, 1), vandaag)
    with pytest.raises(VerzoekRegelFout, match="grond"):
        check_beperking("geen_zin", date(2027, 3, 1), vandaag)
    with pytest.raises(VerzoekRegelFout, match="toekomst"):
        check_beperking("opsporing", vandaag, vandaag)
    with pytest.raises(VerzoekRegelFout, match="half jaar"):
        check_beperking("opsporing", date(2027, 12, 1), vandaag)


def test_restriction_lapses_after_its_review_date() -> None:
    herzien = date(2027, 3, 1)
    assert not beperking_vervalt(herzien, date(2027, 3, 1))
    assert beperking_vervalt(herzien, date(2027, 3, 2))


def test_receipt_number_is_checkable() -> None:
    nummer = ontvangstnummer("0363", 2027, bytes([1, 2, 3, 4, 5]))
    assert nummer.startswith("CP-0363-2027-")
    assert valideer_ontvangstnummer(nummer)
    assert valideer_ontvangstnummer(nummer.lower())
    # One changed character is caught by the check character.
    body = nummer[-9:].replace("-", "")
    changed = "1" if body[2] != "1" else "2"
    typo = nummer[:-7] + changed + nummer[-6:]
    assert not valideer_ontvangstnummer(typo)
    assert not valideer_ontvangstnummer("CP-0363-2027-XXXX")
    assert ontvangstnummer("0363", 2027) != ontvangstnummer("0363", 2027)
