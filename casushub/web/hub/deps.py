"""What every hub screen needs: the admin's own hub, form parsing, fragment-or-page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Template

from casushub.platform.identity.access import Identity
from casushub.platform.identity.memberships import Actor
from casushub.platform.identity.roles import Role
from casushub.web.auth.guards import current_identity
from casushub.web.invoer import datum
from casushub.web.navigation import HOOFDMENU

__all__ = ["AnyRequest", "HubAdmin", "datum", "hub_admin", "render"]

AnyRequest = Request[Any, Any, State]
# The hub admin's menu is the one in casushub.web.navigation (base.html shows the active
# role's menu); kept here for screens that pass it explicitly.
NAVIGATIE = [{"label": i.label, "href": i.href} for i in HOOFDMENU[Role.HUB_ADMIN]]


class HubAdmin:
    """The signed-in hub admin and the one hub their active context is for."""

    def __init__(self, identity: Identity, hub_id: uuid.UUID, ip: str) -> None:
        self.identity = identity
        self.hub_id = hub_id
        self.ip = ip

    @property
    def user_id(self) -> uuid.UUID:
        return self.identity.user_id

    @property
    def actor(self) -> Actor:
        assert self.identity.active is not None  # noqa: S101 - hub_admin() checked it
        return Actor(self.user_id, self.identity.active.role, self.hub_id, self.ip)


def hub_admin(request: AnyRequest) -> HubAdmin:
    """Scope of every hub screen: only the hub of the active context, never one from a URL."""
    identity = current_identity(request)
    if identity is None or identity.active is None or identity.active.hub_id is None:
        raise PermissionDeniedException
    return HubAdmin(identity, identity.active.hub_id, request.client.host if request.client else "")


def in_hub(row_hub_id: uuid.UUID | None, admin: HubAdmin) -> None:
    """Another hub's object does not exist here: 404, same as an unknown id."""
    if row_hub_id != admin.hub_id:
        raise NotFoundException


def render(
    request: AnyRequest,
    page: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status_code: int = 200,
) -> Template:
    """The whole page, or just its fragment for an htmx request that targets it."""
    name = fragment if fragment and request.headers.get("hx-request") == "true" else page
    return Template(
        name,
        context={"navigation": NAVIGATIE, **context},
        status_code=status_code,
    )


async def mail_versturen(state: State, email: str, kind: str, link_path: str) -> None:
    """Queue a mail (fixed text and a link, no personal data of citizens), then send it.

    The mail row is committed first; when the broker cannot take the message now, the
    ``mail.sweep`` job sends it later, so the admin's action does not fail on it.
    """
    import asyncio
    import logging

    from casushub.platform.mail import queue_mail

    mail_id = await queue_mail(state.engine, email, kind, link_path)
    try:
        from casushub.workers.actors import mail_deliver
        from casushub.workers.broker import ensure_configured

        ensure_configured()
        await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))
    except Exception:  # noqa: BLE001 - any broker failure: the sweep delivers it later
        logging.getLogger(__name__).warning("mail later verstuurd door mail.sweep")
