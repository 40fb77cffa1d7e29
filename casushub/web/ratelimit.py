"""Sliding-window rate limits for the public entry points (contactpunt form, sign-in).

Keys are HMACs of the client address or account (no addresses kept in memory in the clear).
In memory per process: a restart forgets, and with N web processes the effective limit is N
times the setting; good enough against scripted abuse of one process, not a quota system.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque
from typing import Any

from litestar import Request, Response
from litestar.datastructures import State

from casushub.web.errors import error_response

__all__ = ["Limiet", "client_key", "limiet", "te_veel"]


class Limiet:
    """Sliding-window counter per key, in memory (per process; a restart forgets it)."""

    MAX_KEYS = 50_000

    def __init__(self, secret: str, aantal: int, venster: float) -> None:
        self._secret = secret.encode()
        self._aantal = aantal
        self._venster = venster
        self._pogingen: dict[str, deque[float]] = {}

    def _key(self, value: str) -> str:
        return hmac.new(self._secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()

    def vol(self, value: str, *, nu: float | None = None) -> bool:
        """True when ``value`` used up its attempts in the window (without counting one)."""
        moment = time.monotonic() if nu is None else nu
        pogingen = self._pogingen.get(self._key(value))
        if not pogingen:
            return False
        while pogingen and pogingen[0] <= moment - self._venster:
            pogingen.popleft()
        return len(pogingen) >= self._aantal

    def tel(self, value: str, *, nu: float | None = None) -> None:
        moment = time.monotonic() if nu is None else nu
        if len(self._pogingen) >= self.MAX_KEYS:
            self._opruimen(moment)
        self._pogingen.setdefault(self._key(value), deque()).append(moment)

    def _opruimen(self, moment: float) -> None:
        for key in [
            k for k, v in self._pogingen.items() if not v or v[-1] <= moment - self._venster
        ]:
            del self._pogingen[key]


def limiet(state: State, naam: str, aantal: int, venster: float) -> Limiet:
    """The app's limiter called ``naam``, made on first use (one per app instance)."""
    limieten: dict[str, Limiet] = state.setdefault("rate_limits", {})
    if naam not in limieten:
        limieten[naam] = Limiet(state.settings.secret_key, aantal, venster)
    return limieten[naam]


def client_key(request: Request[Any, Any, Any]) -> str:
    # The proxy's X-Forwarded-For is applied by uvicorn (FORWARDED_ALLOW_IPS), not read here.
    return request.client.host if request.client else "onbekend"


def te_veel(request: Request[Any, Any, Any], detail: str, retry_after: float) -> Response[Any]:
    """429 with the Dutch error page (or problem+json) and when to try again."""
    response = error_response(request, 429, detail)
    response.headers["Retry-After"] = str(int(retry_after))
    return response
