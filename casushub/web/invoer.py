"""The maximum length of every form field, checked at the edge before any handler runs.

One place knows each field's maximum: a field named like a column (``naam``, ``adres``,
``omschrijving``…) gets that column's length from the SQLAlchemy models of the platform and
the tenants; a few fields that are stored under another name are listed in ``VERWANT``; every
other field (free text stored in a ``Text`` column, dates, choices) gets ``MAX_VRIJE_TEKST``.
When one name has several columns, the largest wins, so the edge never refuses what some form
may store; a value that still does not fit its smaller column is refused by the database and
answered with a 422 (``casushub.web.errors``), never a 500.

``invoer_aan_de_rand`` runs as the app's ``before_request`` hook, so after the guards (only a
signed-in person with the right role gets this far) and before the body is decoded into the
handler's form type. Any form route picks it up, whatever the handler does with its body. An
over-long value is answered with a 422 page that names each field and its maximum and holds
the whole submission in a form to the same address (the long values editable, the others
hidden), so nothing typed is lost. In the screens the form macros put the same maximum in
``maxlength`` (``maximum_lengte`` below), so a browser never sends it in the first place.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from litestar import MediaType, Request, Response
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.response import Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY
from sqlalchemy import MetaData, String

import casushub.platform
import casushub.tenants
from casushub.platform.models import PlatformBase
from casushub.tenants.base import TenantBase

__all__ = [
    "MAX_VRIJE_TEKST",
    "VERWANT",
    "TeLangVeld",
    "datum",
    "invoer_aan_de_rand",
    "kolom_maxima",
    "maximum_lengte",
    "te_lange_velden",
]

# Free text (stored in Text columns), and any field no column describes: generous for a
# report or minutes, far below the request size limit.
MAX_VRIJE_TEKST = 20_000

# A field named after a short code column (a CBS code of four characters) may carry a choice
# that is not the code itself ("elders", "anders": the form then asks for the code in another
# field); its form checks the code's own rule with a Dutch message. The edge only keeps out
# what no such field could mean.
KORTSTE_MAXIMUM = 100

# Form fields stored in a column of another name: field -> column.
VERWANT: dict[str, str] = {
    "derde_naam": "naam",
    "telefoon": "indiener_telefoon",
}
# Sent by Litestar's CSRF form field; the 422 page brings its own.
_CSRF_VELD = "_csrf_token"

_FORM_TYPES = frozenset({RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART})


def _metadata() -> tuple[MetaData, ...]:
    # A table is in its metadata only once its module is imported; import every models
    # module so the maxima do not depend on what the app happened to import first.
    for package in (casushub.platform, casushub.tenants):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if module.name.rsplit(".", 1)[-1] == "models":
                importlib.import_module(module.name)
    return (PlatformBase.metadata, TenantBase.metadata)


@cache
def kolom_maxima() -> dict[str, int]:
    """Column name -> the largest length under that name over every table (``String(n)``:
    ``n``; ``Text``: ``MAX_VRIJE_TEKST``)."""
    maxima: dict[str, int] = {}
    for metadata in _metadata():
        for table in metadata.tables.values():
            for column in table.columns:
                if not isinstance(column.type, String):
                    continue
                # Text (a String without length) holds free text: the free-text maximum.
                length = column.type.length or MAX_VRIJE_TEKST
                maxima[column.name] = max(length, maxima.get(column.name, 0))
    return maxima


def maximum_lengte(veld: str) -> int:
    """The most characters the field ``veld`` may hold, in every form."""
    maxima = kolom_maxima()
    return max(maxima.get(VERWANT.get(veld, veld), MAX_VRIJE_TEKST), KORTSTE_MAXIMUM)


@dataclass(frozen=True)
class TeLangVeld:
    naam: str
    label: str
    maximum: int
    lengte: int
    waarde: str


def _label(veld: str) -> str:
    return veld.replace("_", " ").strip().capitalize() or veld


def te_lange_velden(form: Mapping[str, Any]) -> list[TeLangVeld]:
    """Each text value in ``form`` (a multi-dict's items or a plain mapping) over its field's
    maximum, in form order."""
    te_lang: list[TeLangVeld] = []
    for naam, waarde in _items(form):
        if isinstance(waarde, str) and len(waarde) > (maximum := maximum_lengte(naam)):
            te_lang.append(TeLangVeld(naam, _label(naam), maximum, len(waarde), waarde))
    return te_lang


# A multipart body up to this size is read here (its text fields checked); a larger one is an
# upload, left unread for its handler.
MAX_MULTIPART_AAN_DE_RAND = 1024 * 1024


def _small(request: Request[Any, Any, Any]) -> bool:
    lengte = request.headers.get("content-length", "")
    return lengte.isdigit() and int(lengte) <= MAX_MULTIPART_AAN_DE_RAND


def _items(form: Mapping[str, Any]) -> list[tuple[str, Any]]:
    multi_items = getattr(form, "multi_items", None)
    if callable(multi_items):
        return list(multi_items())
    return list(form.items())


async def invoer_aan_de_rand(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """The app's ``before_request`` hook: a 422 page for a form with an over-long value."""
    if request.method not in {"POST", "PUT", "PATCH"} or (
        request.content_type[0] not in _FORM_TYPES
    ):
        return None
    if request.content_type[0] == RequestEncodingType.MULTI_PART and not _small(request):
        # An upload: its handler checks the size before it reads the body, which must stay so.
        # Its text fields are short; one that does not fit its column is still a 422.
        return None
    form = await request.form()
    te_lang = te_lange_velden(form)
    if not te_lang:
        return None
    lang = {veld.naam for veld in te_lang}
    overige = [
        (naam, waarde)
        for naam, waarde in _items(form)
        if naam not in lang and naam != _CSRF_VELD and isinstance(waarde, str)
    ]
    bestanden = any(isinstance(waarde, UploadFile) for _, waarde in _items(form))
    headers: dict[str, str] = {}
    if request.headers.get("hx-request"):
        # The form may have posted over htmx into a fragment: show this page as the page.
        headers = {"HX-Retarget": "#inhoud", "HX-Reswap": "outerHTML", "HX-Reselect": "#inhoud"}
    actie = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Template(
        "errors/te_lang.html",
        context={
            "te_lang": te_lang,
            "overige": overige,
            "bestanden": bestanden,
            "actie": actie,
            "title": "De invoer is te lang",
        },
        status_code=HTTP_422_UNPROCESSABLE_ENTITY,
        media_type=MediaType.HTML,
        headers=headers,
    )


def datum(value: str) -> date | None:
    """Dutch (dd-mm-jjjj) or ISO dates; empty is None; anything else raises ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar date, no moment
        except ValueError:
            continue
    raise ValueError(value)
