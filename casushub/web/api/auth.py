"""Bearer API tokens for the admin API: verified per request, scoped to the token's hub, and
stated in the OpenAPI schema as its one security scheme."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.spec import Components, SecurityScheme

from casushub.platform.hub.api_tokens import TokenScope, verifieer

__all__ = ["API_COMPONENTS", "API_SCOPE_KEY", "API_SECURITY", "api_hub_id", "require_api_token"]

API_SCOPE_KEY = "api_token_scope"
# How the API authenticates, in the schema: a bearer API token made on the hub's token screen.
API_COMPONENTS = Components(
    security_schemes={
        "ApiToken": SecurityScheme(
            type="http",
            scheme="bearer",
            description="Een API-token van de hub (Beheer > API-tokens), als Bearer-token.",
        )
    }
)
API_SECURITY: list[dict[str, list[str]]] = [{"ApiToken": []}]


async def require_api_token(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Router guard of ``/api/v1``: a valid, unexpired, unrevoked token or 401."""
    scheme, _sep, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise NotAuthorizedException(headers={"WWW-Authenticate": "Bearer"})
    state: State = connection.app.state
    async with state.engine.begin() as conn:
        scope = await verifieer(conn, token.strip())
    if scope is None:
        raise NotAuthorizedException(
            detail="Het API-token is onbekend, verlopen of ingetrokken.",
            extra={"dutch": True},
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    connection.scope[API_SCOPE_KEY] = scope  # type: ignore[literal-required]  # own key


def api_hub_id(connection: ASGIConnection[Any, Any, Any, Any]) -> uuid.UUID:
    scope = connection.scope.get(API_SCOPE_KEY)
    if not isinstance(scope, TokenScope):
        raise NotAuthorizedException
    return scope.hub_id
