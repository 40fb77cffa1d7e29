"""Bar charts as server-rendered SVG: no script and no style attribute (the CSP stays
strict); colours are SVG presentation attributes. Each chart names itself and points to the
data table beside it, which carries the figures for screen readers."""

from __future__ import annotations

from markupsafe import Markup, escape

from casushub.tenants.cijfers.rules import Tabel

__all__ = ["staafdiagram"]

_LABEL = 260
_BALK = 300
_HOOGTE = 20
_AFSTAND = 6
_KLEUR = "#1a5a96"  # 7:1 on white; the bars also differ from the background by 3:1+


def staafdiagram(tabel: Tabel) -> Markup:
    balken = [
        (f"{rij}" if len(tabel.kolommen) == 1 else f"{rij}, {kol}", waarde, tekst)
        for (rij, teksten), waarden in zip(tabel.rijen, tabel.waarden, strict=True)
        for kol, waarde, tekst in zip(tabel.kolommen, waarden, teksten, strict=True)
    ]
    hoogste = max([w for _, w, _ in balken if w is not None] or [1])
    hoogte = max(1, len(balken)) * (_HOOGTE + _AFSTAND) + _AFSTAND
    breedte = _LABEL + _BALK + 60
    delen = [
        f'<svg class="grafiek" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="grafiek-{tabel.sleutel}-titel" viewBox="0 0 {breedte} {hoogte}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">',
        f'<title id="grafiek-{tabel.sleutel}-titel">Staafdiagram: {escape(tabel.titel)}. '
        "De cijfers staan in de tabel hieronder.</title>",
    ]
    for i, (label, waarde, tekst) in enumerate(balken):
        y = _AFSTAND + i * (_HOOGTE + _AFSTAND)
        midden = y + _HOOGTE * 0.7
        delen.append(
            f'<text x="0" y="{midden:.0f}" font-size="13" fill="#1b1b1b">{escape(label)}</text>'
        )
        if waarde is None:
            delen.append(
                f'<text x="{_LABEL}" y="{midden:.0f}" font-size="13" fill="#1b1b1b">'
                f"{escape(tekst)}</text>"
            )
            continue
        lengte = max(2, round(_BALK * waarde / hoogste))
        delen.append(
            f'<rect x="{_LABEL}" y="{y}" width="{lengte}" height="{_HOOGTE}" fill="{_KLEUR}"/>'
        )
        delen.append(
            f'<text x="{_LABEL + lengte + 6}" y="{midden:.0f}" font-size="13" '
            f'fill="#1b1b1b">{waarde}</text>'
        )
    delen.append("</svg>")
    return Markup("".join(delen))  # noqa: S704 - every text above is escaped
