"""ASGI middleware: request id + access line, and security headers on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType

from casushub.platform.logs import request_id_var

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from casushub.platform.settings import Settings

__all__ = ["CONTENT_SECURITY_POLICY", "request_context_middleware", "security_headers_hook"]

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
_log = logging.getLogger("casushub.access")


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Give every request an id (kept from a trusted proxy when well-formed) and log one line.

    Only the path is logged, never the query string: search terms may be personal data.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = scope["method"]
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            _log.info(
                "%s %s %s",
                method,
                scope["path"],
                status,
                extra={
                    "method": method,
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)

    return middleware


def security_headers_hook(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """Security headers on every response; HSTS only where TLS is in play.

    A ``before_send`` hook rather than middleware: Litestar runs app middleware only for
    matched routes, and the 404 for an unknown path must carry the same headers.
    """

    async def hook(message: Message, scope: Scope) -> None:
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
