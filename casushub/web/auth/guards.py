"""Route guards: every route declares who may use it, and one app-wide guard enforces it.

Declarations are machine-readable in the handler's ``opt`` (a test enumerates all routes):

- ``opt=public()``: anyone, signed in or not (start page, sign-in, probes, static files);
- ``opt=signed_in()``: any signed-in person, also one whose account has no access yet;
- ``opt=roles(Role.X, …)``: the active context must hold one of these roles;
- ``opt=api_token()`` (``{"api": "hub_admin"}``): the admin API under ``/api/``. Only a bearer
  API token authenticates there, never a browser session cookie: this guard refuses a request
  without ``Authorization: Bearer …`` (401), and the API router's own guard
  (``casushub.web.api.auth``) verifies the token and scopes the request to the token's hub.

A route that declares nothing is refused (deny by default). Scope (which hub, which tenant) is
checked where the data are opened: ``provide_tenant`` asks ``check_tenant_access``; hub pages
use ``Identity.active.hub_id``. Per-casus need-to-know plugs in there later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from casushub.platform.identity.access import Identity
from casushub.platform.identity.roles import Role

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

__all__ = [
    "ANY_SIGNED_IN",
    "api_token",
    "current_identity",
    "public",
    "requires_role",
    "roles",
    "route_policy",
    "signed_in",
]

PUBLIC_OPT = "public"
API_OPT = "api"
API_HUB_ADMIN = "hub_admin"
ROLES_OPT = "roles"
ANY_SIGNED_IN = "signed_in"
LOGIN_PATH = "/auth/login"
NO_ACCESS_YET = (
    "Uw account heeft nog geen toegang tot casushub. Een beheerder van uw organisatie moet u "
    "eerst toegang geven."
)


def public() -> dict[str, Any]:
    return {PUBLIC_OPT: True}


def api_token() -> dict[str, Any]:
    return {API_OPT: API_HUB_ADMIN}


def signed_in() -> dict[str, Any]:
    return {ROLES_OPT: ANY_SIGNED_IN}


def roles(*allowed: Role) -> dict[str, Any]:
    if not allowed:
        msg = "noem minstens één rol"
        raise ValueError(msg)
    return {ROLES_OPT: frozenset(allowed)}


def current_identity(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
    identity = connection.scope.get("user")
    return identity if isinstance(identity, Identity) else None


def _not_signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> NotAuthorizedException:
    headers: dict[str, str] = {}
    if connection.headers.get("hx-request") == "true":
        # htmx would swap a login page into a fragment: make it navigate the whole page.
        current = connection.headers.get("hx-current-url", "")
        path = "/" + current.split("/", 3)[3] if current.count("/") >= 3 else "/"
        headers["HX-Redirect"] = f"{LOGIN_PATH}?reden=verlopen&volgende={quote(path, safe='')}"
    return NotAuthorizedException(headers=headers)


def _check(
    connection: ASGIConnection[Any, Any, Any, Any], allowed: frozenset[Role] | str | None
) -> None:
    if allowed is None:
        # Deny by default: a route without a declaration is a programming error.
        raise PermissionDeniedException
    identity = current_identity(connection)
    if identity is None:
        raise _not_signed_in(connection)
    if allowed == ANY_SIGNED_IN:
        return
    if not identity.has_access:
        raise PermissionDeniedException(detail=NO_ACCESS_YET, extra={"dutch": True})
    if identity.active is None or identity.active.role not in allowed:
        raise PermissionDeniedException


def route_policy(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The app-wide guard: enforces each handler's ``opt`` declaration."""
    if handler.opt.get(PUBLIC_OPT) is True:
        return
    if handler.opt.get(API_OPT) == API_HUB_ADMIN:
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            # A session cookie alone never opens the API (no CSRF protection there).
            raise NotAuthorizedException(headers={"WWW-Authenticate": "Bearer"})
        return
    _check(connection, handler.opt.get(ROLES_OPT))


def requires_role(*allowed: Role) -> Any:
    """A guard for a single handler or controller, e.g. ``guards=[requires_role(Role.X)]``."""
    required = frozenset(allowed)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        _check(connection, required)

    return guard
