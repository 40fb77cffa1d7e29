"""Confirmations after a save ("Signaal opgeslagen"), shown once on the next page.

A handler that redirects after a successful POST calls :func:`meld`; the text waits in the
server-side session (never in a cookie or the URL: it may name what was saved) and the base
layout takes it out again on the next full page, in a status region that app.js also reads
out. A swapped htmx fragment carries its own confirmation instead.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.types import Empty

__all__ = ["SLEUTEL", "meld", "neem_melding", "registreer"]

SLEUTEL = "melding"


def meld(request: Request[Any, Any, Any], tekst: str) -> None:
    """Keep ``tekst`` for the next page this session opens."""
    sessie = request.scope.get("session")
    huidig = dict(sessie) if isinstance(sessie, dict) else {}
    request.set_session({**huidig, SLEUTEL: tekst})


def neem_melding(request: Any) -> str | None:
    """The waiting confirmation, removed from the session (shown once). ``request`` may be
    missing from a template's context (an error page): then there is nothing."""
    scope = getattr(request, "scope", None)
    if not isinstance(scope, dict):
        return None
    sessie = scope.get("session")
    if sessie is Empty or not isinstance(sessie, dict) or SLEUTEL not in sessie:
        return None
    tekst = sessie.pop(SLEUTEL)
    return str(tekst) if tekst else None


def registreer(engine: Any) -> None:
    """Template engine callback: makes :func:`neem_melding` available to the base layout."""
    engine.engine.globals["neem_melding"] = neem_melding
