"""The overgang weging's form body has a choice and an explanation for every criterion."""

from __future__ import annotations

from dataclasses import fields

from casushub.tenants.weging.rules import CRITERIA
from casushub.web.overgang.controllers import Weegformulier


def test_every_criterion_has_its_fields() -> None:
    namen = {f.name for f in fields(Weegformulier)}
    for key in CRITERIA:
        assert f"{key}_beoordeling" in namen
        assert f"{key}_toelichting" in namen


def test_only_the_criteria_with_a_choice_are_read() -> None:
    formulier = Weegformulier(geweld_beoordeling="enige_zorg", geweld_toelichting="uitleg")
    beoordelingen = formulier.beoordelingen()
    assert list(beoordelingen) == ["geweld"]
    assert beoordelingen["geweld"].beoordeling == "enige_zorg"
    assert beoordelingen["geweld"].toelichting == "uitleg"
