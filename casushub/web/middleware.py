"""ASGI middleware: request id + access line, and security headers on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType

from casushub.platform.logs import request_id_var

if TYPE_CHECKING:
    from contextvars import Token

    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from casushub.platform.settings import Settings

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "request_context_middleware",
    "security_headers_hook",
    "start_access_line",
]

# No 'unsafe-inline' anywhere: scripts and styles come only from our own static files.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_ACCESS_LINE = "casushub.access_line"
_log = logging.getLogger("casushub.access")


@dataclass
class _AccessLine:
    """One request's access line, written once with the status the client got."""

    method: str
    path: str
    request_id: str
    token: Token[str | None]
    started: float = field(default_factory=time.perf_counter)
    status: int = 500
    response_started: bool = False
    # Set when an exception left the middleware before any answer: the app's outer exception
    # handler answers afterwards, and the before_send hook writes the line once that is out.
    answered_outside: bool = False
    written: bool = False

    def write(self) -> None:
        if self.written:
            return
        self.written = True
        _log.info(
            "%s %s %s",
            self.method,
            self.path,
            self.status,
            extra={
                "method": self.method,
                "path": self.path,
                "status": self.status,
                "duration_ms": round((time.perf_counter() - self.started) * 1000, 2),
            },
        )
        try:
            request_id_var.reset(self.token)
        except ValueError:  # pragma: no cover - only if the answer went out in another context
            request_id_var.set(None)


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Give every request an id (kept from a trusted proxy when well-formed) and log one line.

    Only the path is logged, never the query string: search terms may be personal data.

    Litestar runs its CSRF check (and any middleware's exception) inside this middleware, but
    answers such a refusal with the exception handler *around* the whole middleware stack,
    after this one has returned. So the status and the ``X-Request-ID`` header are taken in the
    ``before_send`` hook (:func:`security_headers_hook`), which sees every answer; the request
    id stays set until that answer is out, so the error page shows the same reference.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        request_id = _request_id(scope)
        line = _AccessLine(
            scope["method"], scope["path"], request_id, request_id_var.set(request_id)
        )
        scope["state"][_ACCESS_LINE] = line
        try:
            await app(scope, receive, send)
        except Exception:
            if line.response_started:  # nothing will answer again: log what was sent
                line.write()
            else:
                line.answered_outside = True
            raise
        except BaseException:  # cancelled (client gone): no handler answers
            line.write()
            raise
        line.write()

    return middleware


def _request_id(scope: Scope) -> str:
    incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
    return incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex


def start_access_line(scope: Scope) -> _AccessLine | None:
    """The request's access line, started here if no route matched (a 404 for an unknown
    path): app middleware never ran then. Written once the answer is out, with a request id
    that the error page shows and the ``X-Request-ID`` header carries."""
    if scope["type"] != ScopeType.HTTP:
        return None
    state = scope.setdefault("state", {})
    line: _AccessLine | None = state.get(_ACCESS_LINE)
    if line is None:
        request_id = _request_id(scope)
        token = request_id_var.set(request_id)
        line = _AccessLine(scope["method"], scope["path"], request_id, token)
        line.answered_outside = True
        state[_ACCESS_LINE] = line
    return line


def _access_line(message: Message, scope: Scope) -> None:
    line: _AccessLine | None = scope.get("state", {}).get(_ACCESS_LINE)
    if line is None and message["type"] == "http.response.start":
        line = start_access_line(scope)
    if line is None or line.written:
        return
    if message["type"] == "http.response.start":
        line.status = message["status"]
        line.response_started = True
        MutableScopeHeaders.from_message(message)["X-Request-ID"] = line.request_id
    elif (
        line.answered_outside
        and message["type"] == "http.response.body"
        and not message.get("more_body", False)
    ):
        line.write()


def security_headers_hook(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """Security headers on every response; HSTS only where TLS is in play. Also the request id
    and the access line's status (see :func:`request_context_middleware`).

    A ``before_send`` hook rather than middleware: Litestar runs app middleware only for
    matched routes, and the 404 for an unknown path must carry the same headers.
    """

    async def hook(message: Message, scope: Scope) -> None:
        _access_line(message, scope)
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if "cache-control" not in headers:
            # Default for every page: personal data must not sit in shared caches or the
            # back/forward cache. Static files set their own.
            headers["Cache-Control"] = "no-store"
        if scope.get("scheme") == "https" or settings.force_https:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"

    return hook
