"""The WCAG contrast maths behind per-hub theming, checked against known published values."""

from __future__ import annotations

import pytest

from casushub.platform.theming import (
    AA_NORMAL_TEXT,
    ThemeColorRefused,
    contrast_ratio,
    hub_stylesheet,
    parse_hex_color,
    primary_color_problem,
    relative_luminance,
)


def test_luminance_of_black_and_white() -> None:
    assert relative_luminance((0, 0, 0)) == 0.0
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)


def test_black_on_white_is_21_to_1_and_symmetric() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000") == pytest.approx(21.0)
    assert contrast_ratio("#777", "#fff") == pytest.approx(contrast_ratio("#fff", "#777"))


def test_same_colour_is_1_to_1() -> None:
    assert contrast_ratio("#154273", "#154273") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("foreground", "background", "expected"),
    [
        # Values as reported by WebAIM's contrast checker.
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),  # one step lighter fails
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
        ("#154273", "#ffffff", 10.2),
    ],
)
def test_known_ratios(foreground: str, background: str, expected: float) -> None:
    assert contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.01)


def test_tokens_in_the_default_theme_meet_aa_on_white() -> None:
    for colour in ("#154273", "#1a1a1a", "#4d4d4d", "#767676", "#a4262c", "#22662a"):
        assert contrast_ratio(colour, "#ffffff") >= AA_NORMAL_TEXT, colour


@pytest.mark.parametrize("value", ["#abc", "#AABBCC", " #154273 "])
def test_hex_forms_are_accepted(value: str) -> None:
    assert len(parse_hex_color(value)) == 3


@pytest.mark.parametrize(
    "value", ["154273", "#12345", "#gggggg", "red", "#154273; background: url(x)", ""]
)
def test_anything_but_hex_is_refused(value: str) -> None:
    with pytest.raises(ThemeColorRefused, match="hexadecimale code"):
        parse_hex_color(value)


def test_light_primary_is_refused_with_the_ratio_in_dutch() -> None:
    problem = primary_color_problem("#ffbf47")
    assert problem is not None
    assert "te weinig contrast" in problem
    assert "1.6:1" in problem


def test_dark_primary_is_accepted() -> None:
    assert primary_color_problem("#154273") is None


def test_hub_stylesheet_sets_only_the_primary_custom_property() -> None:
    assert hub_stylesheet("#05A") == ":root { --ch-color-primary: #0055aa; }\n"


def test_hub_stylesheet_refuses_a_failing_colour() -> None:
    with pytest.raises(ThemeColorRefused):
        hub_stylesheet("#ffff00")
