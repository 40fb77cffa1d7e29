"""Where to go after signing in or switching roles: back to the page, when that role may see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from litestar.exceptions import HTTPException

from casushub.platform.identity.login import safe_return_path
from casushub.web.auth.guards import ANY_SIGNED_IN, PUBLIC_OPT, ROLES_OPT

if TYPE_CHECKING:
    from litestar import Litestar

    from casushub.platform.identity.memberships import MembershipView

__all__ = ["WERKRUIMTE", "kies_rol_pad", "na_inloggen", "na_rolwissel"]

WERKRUIMTE = "/werkruimte"
_AUTH_PREFIX = "/auth/"


def na_inloggen(volgende: str) -> str:
    """The page asked for, or the werkruimte when none was (the start page counts as none)."""
    pad = safe_return_path(volgende)
    return WERKRUIMTE if pad == "/" or pad.startswith(_AUTH_PREFIX) else pad


def kies_rol_pad(volgende: str) -> str:
    return f"/auth/context?volgende={quote(volgende, safe='')}"


def _route(app: Litestar, path: str) -> tuple[Any, dict[str, Any]] | None:
    try:
        _, handler, _, params, _ = app.asgi_router.handle_routing(path, "GET")
    except HTTPException:
        return None
    return handler, params


def na_rolwissel(
    app: Litestar, volgende: str | None, gekozen: MembershipView, vorige: MembershipView | None
) -> str:
    """Back to the page the person was on when the new role may open it, else its werkruimte.

    A page about one object (an id in its path) belongs to one municipality: after a switch to
    another municipality it does not exist there, so that too goes to the werkruimte.
    """
    pad = na_inloggen(volgende or "")
    if pad == WERKRUIMTE:
        return pad
    gevonden = _route(app, urlsplit(pad).path)
    if gevonden is None:
        return WERKRUIMTE
    handler, params = gevonden
    if handler.opt.get(PUBLIC_OPT) is True:
        return pad
    toegestaan = handler.opt.get(ROLES_OPT)
    if toegestaan != ANY_SIGNED_IN and (
        not isinstance(toegestaan, frozenset) or gekozen.role not in toegestaan
    ):
        return WERKRUIMTE
    andere_scope = vorige is None or (vorige.tenant_id, vorige.hub_id) != (
        gekozen.tenant_id,
        gekozen.hub_id,
    )
    if params and andere_scope:
        return WERKRUIMTE
    return pad
