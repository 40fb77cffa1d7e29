"""From the signed-in identity to the domain's ``Actor`` (domain refusals become HTTP in
``casushub.web.errors``)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException

from casushub.platform.identity.access import Identity
from casushub.platform.logs import request_id_var
from casushub.tenants.actor import Actor

__all__ = ["provide_actor"]


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    identity = request.scope.get("user")
    if not isinstance(identity, Identity) or identity.active is None:
        raise NotAuthorizedException
    return Actor(
        user_id=identity.user_id,
        organisation_id=identity.active.organisation_id,
        role=identity.active.role.value,
        request_id=request_id_var.get(),
        organisation_type=identity.active.organisation_type,
    )
