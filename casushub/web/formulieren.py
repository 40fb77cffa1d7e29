"""Typed form bodies, and the one way a form comes back with its input and its errors.

A screen's form is a dataclass subclassing :class:`Formulier`, every field a ``str`` with a
default (a field the browser leaves out, an unticked checkbox, is then empty instead of a
400), received as ``data: Annotated[MijnFormulier, FORMULIER]``. Litestar decodes the body
into it; the edge has already checked each field's length (``casushub.web.invoer``). The
meaning of the values (required, a date, a choice) stays in the domain rules, which answer
with a ``RegelFout`` in Dutch; :func:`of_opnieuw` turns that into the form again, status 422,
with what was typed kept and each message beside its field.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import TypeVar

from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from casushub.platform.fouten import RegelFout, RegelFouten, alle_fouten
from casushub.web.invoer import datum

__all__ = [
    "DATUM_FOUT",
    "FORMULIER",
    "Formulier",
    "als_uuid",
    "datumveld",
    "formulierscherm",
    "meerdere",
    "of_opnieuw",
    "veldfouten",
]

FORMULIER = Body(media_type=RequestEncodingType.URL_ENCODED)
DATUM_FOUT = "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 05-03-2026."

R = TypeVar("R")


@dataclass
class Formulier:
    """Base of the screens' form bodies: what was typed, to show again."""

    def waarden(self) -> dict[str, str]:
        return {f.name: v for f in fields(self) if isinstance(v := getattr(self, f.name), str)}


def datumveld(waarde: str, veld: str, melding: str = DATUM_FOUT) -> date | None:
    """A date field as people type it (dd-mm-jjjj, or ISO from a date picker); empty is None;
    anything else a ``RegelFout`` on ``veld``."""
    try:
        return datum(waarde)
    except ValueError:
        raise RegelFouten({veld: melding}) from None


def als_uuid(waarde: str) -> uuid.UUID | None:
    """A chosen id from a select or checkbox; anything else is None (no choice)."""
    try:
        return uuid.UUID(waarde)
    except ValueError:
        return None


def meerdere(waarde: list[str] | str) -> list[str]:
    """A multi-value field (checkboxes), declared ``list[str] | str`` in its form: Litestar
    answers one ticked box sent to a plain ``list[str]`` with a 400, so it arrives as a text."""
    return [waarde] if isinstance(waarde, str) else list(waarde)


def veldfouten(fout: RegelFout, standaardveld: str) -> dict[str, str]:
    """Field -> message; a message the rule gave without a field goes beside ``standaardveld``."""
    return {(veld or standaardveld): melding for veld, melding in alle_fouten(fout).items()}


async def of_opnieuw(
    actie: Callable[[], Awaitable[R]],
    formulier: Callable[[dict[str, str]], Awaitable[Template]],
    *,
    standaardveld: str,
) -> R | Template:
    """``actie()``; when a rule refuses it, ``formulier(fouten)`` answered with 422.

    ``actie`` runs its own transaction, so a refusal leaves nothing half-written, and
    ``formulier`` reads what the page needs in a new one.
    """
    try:
        return await actie()
    except RegelFout as fout:
        pagina = await formulier(veldfouten(fout, standaardveld))
    pagina.status_code = HTTP_422_UNPROCESSABLE_ENTITY
    return pagina


def formulierscherm(
    template: str,
    context: dict[str, object],
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    """A screen with a form: what was typed, and each message beside its field."""
    return Template(
        template,
        context={**context, "waarden": waarden or {}, "fouten": fouten or {}, "melding": melding},
        status_code=status_code,
    )
