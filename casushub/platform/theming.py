"""Per-hub theming: WCAG 2.1 contrast checks and the generated hub stylesheet.

A hub admin may choose the primary colour of the hub's screens. It is used as the header
background behind white text and as the colour of links and buttons on white, so it must reach
the WCAG 2.1 AA contrast ratio for normal text (4.5:1, success criterion 1.4.3) against white;
anything less is refused with a Dutch message. The colour reaches the browser only through a
generated stylesheet that sets ``--ch-color-primary`` (static/tokens.css derives the rest from
it): the CSP forbids inline styles.

Formulas: https://www.w3.org/TR/WCAG21/#dfn-relative-luminance and #dfn-contrast-ratio.
"""

from __future__ import annotations

import re

from casushub.platform.fouten import RegelFout

__all__ = [
    "AA_LARGE_TEXT",
    "AA_NORMAL_TEXT",
    "ThemeColorRefused",
    "contrast_ratio",
    "hub_stylesheet",
    "parse_hex_color",
    "primary_color_problem",
    "relative_luminance",
]

AA_NORMAL_TEXT = 4.5
AA_LARGE_TEXT = 3.0  # also the minimum for focus rings and input borders (SC 1.4.11)
WHITE = (255, 255, 255)

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

RGB = tuple[int, int, int]


class ThemeColorRefused(RegelFout):
    """The colour cannot be used; ``message`` is Dutch and meant for the hub admin."""


def parse_hex_color(value: str) -> RGB:
    """``#rgb`` or ``#rrggbb`` (any case) -> (r, g, b); anything else is refused.

    Only hex notation is accepted so the value can be written into a stylesheet verbatim
    without any chance of smuggling other CSS in.
    """
    value = value.strip()
    if not _HEX.match(value):
        raise ThemeColorRefused("Geef de kleur op als hexadecimale code, bijvoorbeeld #154273.")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _channel(value: int) -> float:
    c = value / 255
    # The WCAG 2.1 text says 0.03928; the sRGB standard says 0.04045. No 8-bit channel value
    # falls between the two, so the result is the same either way.
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """Relative luminance of an sRGB colour: 0.0 for black, 1.0 for white."""
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: RGB | str, second: RGB | str) -> float:
    """WCAG contrast ratio between two colours, from 1.0 (same) to 21.0 (black on white).

    Symmetric: the order of the two colours does not matter.
    """
    a = relative_luminance(parse_hex_color(first) if isinstance(first, str) else first)
    b = relative_luminance(parse_hex_color(second) if isinstance(second, str) else second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def primary_color_problem(value: str) -> str | None:
    """Why ``value`` cannot be a hub's primary colour (Dutch), or None when it can."""
    try:
        rgb = parse_hex_color(value)
    except ThemeColorRefused as refused:
        return refused.message
    ratio = contrast_ratio(rgb, WHITE)
    if ratio < AA_NORMAL_TEXT:
        return (
            f"Deze kleur heeft te weinig contrast met wit ({ratio:.1f}:1; minimaal "
            f"{AA_NORMAL_TEXT}:1 volgens WCAG 2.1 AA). Kies een donkerdere kleur."
        )
    return None


def hub_stylesheet(primary: str) -> str:
    """The CSS a hub's pages link to (``{% block theme %}`` in base.html).

    Raises ThemeColorRefused for a colour that fails :func:`primary_color_problem`, so a bad
    value stored before the check existed can never reach a page.
    """
    problem = primary_color_problem(primary)
    if problem:
        raise ThemeColorRefused(problem)
    r, g, b = parse_hex_color(primary)
    return f":root {{ --ch-color-primary: #{r:02x}{g:02x}{b:02x}; }}\n"
