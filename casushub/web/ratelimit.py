"""Rate limits on the public entry points (contactpunt form, sign-in): the web side.

The counting lives in casushub.platform.ratelimit (in PostgreSQL, shared by all web processes);
this module picks the client's key and answers 429 in Dutch.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.datastructures import State

from casushub.platform.ratelimit import Limiet
from casushub.web.errors import error_response

__all__ = ["Limiet", "client_key", "limiet", "te_veel"]


def limiet(state: State, naam: str, aantal: int, venster: float) -> Limiet:
    """The app's limiter called ``naam``, made on first use (one per app instance)."""
    limieten: dict[str, Limiet] = state.setdefault("rate_limits", {})
    if naam not in limieten:
        limieten[naam] = Limiet(naam, state.settings.secret_key, aantal, venster)
    return limieten[naam]


def client_key(request: Request[Any, Any, Any]) -> str:
    # The proxy's X-Forwarded-For is applied by uvicorn (FORWARDED_ALLOW_IPS), not read here.
    return request.client.host if request.client else "onbekend"


def te_veel(request: Request[Any, Any, Any], detail: str, retry_after: float) -> Response[Any]:
    """429 with the Dutch error page (or problem+json) and when to try again."""
    response = error_response(request, 429, detail)
    response.headers["Retry-After"] = str(int(retry_after))
    return response
