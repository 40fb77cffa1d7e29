"""The weging's form body (casusoverleg and overgang alike) has a choice and an explanation for
every criterion, and loses nothing that was typed."""

from __future__ import annotations

from dataclasses import fields

from casushub.tenants.weging.rules import CRITERIA
from casushub.web.weegformulier import Weegformulier, veld_id


def test_every_criterion_has_its_fields() -> None:
    namen = {f.name for f in fields(Weegformulier)}
    for key in CRITERIA:
        assert f"{key}_beoordeling" in namen
        assert f"{key}_toelichting" in namen


def test_the_criteria_filled_in_are_read_a_note_without_a_choice_included() -> None:
    formulier = Weegformulier(
        geweld_beoordeling="enige_zorg",
        geweld_toelichting="uitleg",
        denkbeelden_toelichting="alleen een toelichting",
    )
    beoordelingen = formulier.beoordelingen()
    assert list(beoordelingen) == ["geweld", "denkbeelden"]
    assert beoordelingen["geweld"].beoordeling == "enige_zorg"
    assert beoordelingen["geweld"].toelichting == "uitleg"
    # Kept, so the rules refuse it as incomplete and the page shows it again.
    assert beoordelingen["denkbeelden"].beoordeling == ""
    assert beoordelingen["denkbeelden"].toelichting == "alleen een toelichting"


def test_a_rule_field_names_the_control_it_belongs_to() -> None:
    organisaties = [("org-1", "Gemeente", "gemeente")]
    assert veld_id("criteria.geweld", organisaties) == "geweld_beoordeling"
    assert veld_id("criteria.geweld.toelichting", organisaties) == "geweld_toelichting"
    assert veld_id("aanwezigen", organisaties) == "aanwezig-org-1"
    assert veld_id("aanwezigen", []) == "aanwezigen"
    assert veld_id("iets anders", organisaties) == "redenering"
