"""Each retention rule, with the case that fails when the rule is removed or changed."""

from __future__ import annotations

from datetime import date

import pytest

from casushub.tenants.bewaartermijnen import rules
from casushub.tenants.bewaartermijnen.rules import (
    DEFAULT_PARAMS,
    PLACEHOLDER_NOTE,
    GeenBewaartermijn,
    destroy_on,
    resolve,
    rule_text,
)


def test_casus_five_years_after_closure_whatever_the_reason() -> None:
    assert destroy_on("casus", None, date(2026, 3, 1)) == date(2031, 3, 1)
    assert destroy_on("casus", "verhuisd", date(2026, 3, 1)) == date(2031, 3, 1)


def test_signal_geen_actie_one_year_after_the_weging() -> None:
    assert destroy_on("signaal", "geen_actie", date(2026, 3, 1)) == date(2027, 3, 1)


@pytest.mark.parametrize("outcome", ["opname", "meer_informatie", "strafrechtelijk", None])
def test_other_signal_outcomes_have_no_period_of_their_own(outcome: str | None) -> None:
    # An 'opname' signal goes with its casus; the others are not final.
    with pytest.raises(GeenBewaartermijn):
        destroy_on("signaal", outcome, date(2026, 3, 1))


def test_access_log_default_outlives_the_longest_data_period() -> None:
    assert DEFAULT_PARAMS["verwerkingenlog"] > max(
        DEFAULT_PARAMS["casus"], DEFAULT_PARAMS["signaal:geen_actie"]
    )
    assert destroy_on("verwerkingenlog", None, date(2026, 1, 1)) == date(2032, 1, 1)


def test_29_february_lands_on_28_february() -> None:
    assert destroy_on("signaal", "geen_actie", date(2028, 2, 29)) == date(2029, 2, 28)


def test_tenant_parameters_override_defaults_most_specific_first() -> None:
    params = {"casus": 7, "casus:overleden": 2}
    assert destroy_on("casus", None, date(2026, 1, 1), params) == date(2033, 1, 1)
    assert destroy_on("casus", "overleden", date(2026, 1, 1), params) == date(2028, 1, 1)
    assert destroy_on("casus", "verhuisd", date(2026, 1, 1), params) == date(2033, 1, 1)
    assert resolve("signaal", "geen_actie", {"signaal:geen_actie": 2}) == (
        "signaal:geen_actie",
        2,
    )


def test_unknown_kind_has_no_rule() -> None:
    with pytest.raises(GeenBewaartermijn):
        destroy_on("agendapunt", None, date(2026, 1, 1))
    # A tenant value for an unknown kind does not create a rule either.
    with pytest.raises(GeenBewaartermijn):
        destroy_on("agendapunt", None, date(2026, 1, 1), {"agendapunt": 1})


def test_rule_text_names_key_and_period_only() -> None:
    assert rule_text("casus", None) == "casus: 5 jaar na afsluiting van de casus"
    assert rule_text("signaal", "geen_actie", {"signaal:geen_actie": 2}) == (
        "signaal:geen_actie: 2 jaar na de weging 'geen actie'"
    )


def test_defaults_are_marked_as_placeholders() -> None:
    assert rules.__doc__ is not None
    assert "PLACEHOLDERS" in rules.__doc__
    assert "juridisch adviseur" in PLACEHOLDER_NOTE


def test_the_table_holds_one_rule_per_kind_of_record() -> None:
    assert set(rules.RULES) == {"casus", "signaal:geen_actie", "verwerkingenlog"}
    assert set(DEFAULT_PARAMS) == set(rules.RULES)
