"""Every refused request for an object leaves an access-log entry.

A request that names an object by id in its path (``/casusoverleg/casussen/{casus_id}``,
``/api/v1/tenants/{tenant_id}``) and is refused with 403 or 404 is recorded: an attempt to
reach another municipality's data is exactly what the FG must be able to find. Refusals are
decided in many places (the route guard, the tenant dependency, each service's need-to-know
check, an id that does not exist in this tenant's schema); this ``after_exception`` hook sees
all of them in one place, after the refused transaction has rolled back: Litestar's
``NotFoundException``/``PermissionDeniedException`` and the domain's ``NietGevonden``/
``GeenToegang`` (``casushub.platform.fouten``), which ``casushub.web.errors`` answers with the
same 404/403.

Where it is written: in the active municipality's own access log (verwerkingenlog, hash
chained) when the person works in a tenant context, else in the platform's admin audit log
(hub staff, the platform operator, an API token). The answer itself does not change, so an
unknown id and another tenant's id still look the same to the client.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.status_codes import HTTP_403_FORBIDDEN, HTTP_404_NOT_FOUND

from casushub.platform.fouten import DomeinFout
from casushub.platform.identity.access import Identity
from casushub.platform.identity.audit import record as audit_record
from casushub.platform.logs import request_id_var
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.toegang import log_weigering
from casushub.web.api.auth import API_SCOPE_KEY
from casushub.web.errors import domein_status

if TYPE_CHECKING:
    from litestar.types import Scope

__all__ = ["ACTIE", "log_weigering_hook"]

ACTIE = "toegang_geweigerd"
GEGEVENSGROEP = "toegang"
_log = logging.getLogger("casushub.access")
_WEIGERINGEN = frozenset({HTTP_403_FORBIDDEN, HTTP_404_NOT_FOUND})


def _object_ids(scope: Scope) -> list[tuple[str, uuid.UUID]]:
    params: dict[str, Any] = dict(scope.get("path_params") or {})
    return [(name, value) for name, value in params.items() if isinstance(value, uuid.UUID)]


def _weigering(exc: Exception) -> tuple[int, str] | None:
    """(status, message) of a 403/404 refusal, ``None`` for any other exception."""
    if isinstance(exc, NotFoundException | PermissionDeniedException):
        return exc.status_code, exc.detail
    status = domein_status(exc)
    if isinstance(exc, DomeinFout) and status is not None and status in _WEIGERINGEN:
        return status, exc.message
    return None


def _omschrijving(scope: Scope, ids: list[tuple[str, uuid.UUID]], status: int, detail: str) -> str:
    # The route's template, not the path: the ids are named once, after it.
    route = scope.get("path_template") or scope.get("path", "")
    named = " ".join(f"{name}={value}" for name, value in ids)
    omschrijving = f"{status} {scope.get('method', '')} {route} {named}"
    # A 403 says why (an expired invitation, no need to know); a 404 says only that it was not
    # found, so its message adds nothing.
    if status == HTTP_403_FORBIDDEN and detail:
        omschrijving += f": {detail}"
    return omschrijving


async def log_weigering_hook(exc: Exception, scope: Scope) -> None:
    """``after_exception`` hook: record a 403/404 on a route that names an object by id."""
    weigering = _weigering(exc)
    if weigering is None:
        return
    status, detail = weigering
    ids = _object_ids(scope)
    if not ids:
        return
    identity = scope.get("user")
    token_scope: Any = scope.get(API_SCOPE_KEY)
    if not isinstance(identity, Identity) and token_scope is None:
        # Nobody to attribute it to (an anonymous visitor is refused earlier, with a 401).
        return
    state = scope["litestar_app"].state
    omschrijving = _omschrijving(scope, ids, status, detail)
    try:
        active = identity.active if isinstance(identity, Identity) else None
        if (
            isinstance(identity, Identity)
            and active is not None
            and active.tenant_id is not None
            and active.tenant_slug is not None
        ):
            # The membership names the tenant; no registry round trip on every refusal (a tenant
            # that cannot be served makes the write fail, which is logged below).
            tenant = TenantRef(active.tenant_id, active.tenant_slug)
            actor = Actor(
                user_id=identity.user_id,
                organisation_id=active.organisation_id,
                role=active.role.value,
                request_id=request_id_var.get(),
                organisation_type=active.organisation_type,
            )
            async with (
                tenant_session(state.engine, tenant, state.settings) as session,
                session.begin(),
            ):
                await log_weigering(
                    session, actor, gegevensgroep=GEGEVENSGROEP, casus_id=None, reden=omschrijving
                )
            return
        async with state.engine.begin() as conn:
            await audit_record(
                conn,
                ACTIE,
                actor_user_id=identity.user_id if isinstance(identity, Identity) else None,
                organisation_id=(
                    identity.active.organisation_id
                    if isinstance(identity, Identity) and identity.active
                    else None
                ),
                target=omschrijving,
                details={
                    "status": status,
                    **({"api_hub_id": str(token_scope.hub_id)} if token_scope is not None else {}),
                },
            )
    except Exception:  # noqa: BLE001 - the refusal is answered even if its log entry fails
        _log.warning("weigering niet vastgelegd: %s", omschrijving, exc_info=True)
