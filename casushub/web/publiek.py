"""The hub's house style on the citizens' contactpunt pages, where nobody is signed in.

The signed-in layout takes the house style from the active context (``laad_huisstijl``); a
citizen has none, so for ``/contactpunt/<gemeente>`` the municipality in the address picks its
hub's style, served under that same public address (the signed-in ``/huisstijl/…`` routes
stay for members of the hub only).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from casushub.platform.hub.gemeenten import actieve_tenant_id
from casushub.platform.hub.huisstijl import Huisstijl, huisstijl_voor_context, logo_van
from casushub.platform.theming import hub_stylesheet
from casushub.web.auth.guards import public
from casushub.web.hub.huisstijl import HUISSTIJL_STATE, kop

__all__ = ["laad_publieke_huisstijl", "publieke_handlers"]

AnyRequest = Request[Any, Any, State]
_PUBLIEKE_PAGINA = re.compile(r"^/contactpunt/([a-z][a-z0-9_]{1,40})(?:/ontvangen)?$")
_REVALIDATE = "public, max-age=300"


async def _huisstijl(state: State, slug: str) -> Huisstijl | None:
    async with state.engine.connect() as conn:
        tenant_id = await actieve_tenant_id(conn, slug)
        if tenant_id is None:
            return None
        return await huisstijl_voor_context(conn, None, tenant_id)


async def laad_publieke_huisstijl(request: AnyRequest) -> None:
    """``before_request``: the house style for base.html on a public contactpunt page."""
    if request.method != "GET" or request.scope["state"].get(HUISSTIJL_STATE):
        return
    gevonden = _PUBLIEKE_PAGINA.match(request.url.path)
    if gevonden is None:
        return
    stijl = await _huisstijl(request.app.state, gevonden.group(1))
    if stijl is None:
        return
    context = kop(stijl)
    basis = f"/contactpunt/{gevonden.group(1)}"
    context["stylesheet"] = f"{basis}/huisstijl.css?v={stijl.versie}"
    if context["logo"]:
        context["logo"] = {**context["logo"], "src": f"{basis}/logo?v={stijl.versie}"}
    request.scope["state"][HUISSTIJL_STATE] = context


def _antwoord(body: bytes, media_type: str, etag: str) -> Response[bytes]:
    return Response(
        body, media_type=media_type, headers={"ETag": etag, "Cache-Control": _REVALIDATE}
    )


class PubliekeHuisstijlController(Controller):
    """The hub's house style on the public contactpunt pages."""

    path = "/contactpunt/{gemeente:str}"
    opt = public()

    @get("/huisstijl.css", name="contactpunt-huisstijl")
    async def publieke_stylesheet(self, gemeente: FromPath[str], state: State) -> Response[bytes]:
        stijl = await _huisstijl(state, gemeente)
        if stijl is None:
            raise NotFoundException
        css = hub_stylesheet(stijl.primaire_kleur).encode()
        return _antwoord(
            css, "text/css; charset=utf-8", f'"{hashlib.sha256(css).hexdigest()[:32]}"'
        )

    @get("/logo", name="contactpunt-logo")
    async def publiek_logo(self, gemeente: FromPath[str], state: State) -> Response[bytes]:
        stijl = await _huisstijl(state, gemeente)
        if stijl is None:
            raise NotFoundException
        async with state.engine.connect() as conn:
            gevonden = await logo_van(conn, stijl.hub_id)
        if gevonden is None:
            raise NotFoundException
        inhoud, soort, sha256 = gevonden
        response = _antwoord(inhoud, soort, f'"{sha256}"')
        response.headers["Content-Disposition"] = "inline"
        return response


publieke_handlers = [PubliekeHuisstijlController]
