"""The hub's house style: the admin's screen, the generated stylesheet, the logo, and the
per-request lookup that lets the base layout show them.

The colour reaches the browser only as a stylesheet URL (the CSP forbids inline styles). The
stylesheet and the logo hold no personal data, so unlike pages they may sit in the browser's
own cache: ``private, no-cache`` with an ETag, i.e. revalidated on every use (a change shows at
once) and answered with 304 while unchanged. Both are served only for the hub of the viewer's
own context; any other hub id is a 404, the same as an unknown one.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from litestar import Controller, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from casushub.platform.hub.huisstijl import (
    MAX_LOGO_BYTES,
    Huisstijl,
    HuisstijlGeweigerd,
    huisstijl_van,
    huisstijl_voor_context,
    logo_van,
    stel_in,
)
from casushub.platform.identity.access import Identity
from casushub.platform.identity.roles import Role
from casushub.platform.theming import WHITE, contrast_ratio, hub_stylesheet, parse_hex_color
from casushub.web.auth.guards import current_identity, roles, signed_in
from casushub.web.hub.deps import AnyRequest, hub_admin, render

if TYPE_CHECKING:
    from litestar.types import Scope
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = [
    "HUISSTIJL_STATE",
    "HuisstijlController",
    "huisstijl_handlers",
    "laad_huisstijl",
]

HUISSTIJL_STATE = "huisstijl"
STANDAARDKLEUR = "#154273"  # static/tokens.css --ch-color-primary
_REVALIDATE = "private, no-cache"
# The logo in the header: at most this tall and this wide, aspect ratio kept (HTML width and
# height attributes; no inline style under the CSP).
_KOP_HOOGTE, _KOP_BREEDTE = 48, 200
# No page is rendered for these: no lookup needed.
_OVERSLAAN = (
    "/static/",
    "/huisstijl/",
    "/api/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/auth/session",
)


def _contrast_tekst(kleur: str) -> str | None:
    try:
        ratio = contrast_ratio(parse_hex_color(kleur), WHITE)
    except ValueError:
        return None
    return f"{ratio:.1f}:1"


def _logo_maten(stijl: Huisstijl) -> tuple[int, int]:
    breedte, hoogte = stijl.logo_breedte or 1, stijl.logo_hoogte or 1
    schaal = min(_KOP_HOOGTE / hoogte, _KOP_BREEDTE / breedte)
    return max(1, round(breedte * schaal)), max(1, round(hoogte * schaal))


def kop(stijl: Huisstijl) -> dict[str, Any]:
    """What base.html needs to show a hub's house style."""
    basis = f"/huisstijl/{stijl.hub_id}"
    context: dict[str, Any] = {
        "naam": stijl.weergavenaam,
        "stylesheet": f"{basis}/stijl.css?v={stijl.versie}",
        "logo": None,
    }
    if stijl.heeft_logo:
        breedte, hoogte = _logo_maten(stijl)
        context["logo"] = {
            "src": f"{basis}/logo?v={stijl.versie}",
            "breedte": breedte,
            "hoogte": hoogte,
        }
    return context


async def laad_huisstijl(conn: AsyncConnection, scope: Scope, identity: Identity) -> None:
    """Puts the house style of the signed-in user's hub in ``scope["state"]`` for the layout.

    A lookup of the identity middleware (read on its connection); only for GET requests that
    can render a whole page.
    """
    if (
        scope["type"] != ScopeType.HTTP
        or scope.get("method") != "GET"
        or identity.active is None
        or scope["path"].startswith(_OVERSLAAN)
        or dict(scope.get("headers", [])).get(b"hx-request") == b"true"
    ):
        return
    active = identity.active
    stijl = await huisstijl_voor_context(conn, active.hub_id, active.tenant_id)
    if stijl is not None:
        scope["state"][HUISSTIJL_STATE] = kop(stijl)


def _formulier(
    stijl: Huisstijl | None, waarden: dict[str, str], fouten: dict[str, str], opgeslagen: bool
) -> dict[str, Any]:
    kleur = waarden.get("primaire_kleur", stijl.primaire_kleur if stijl else STANDAARDKLEUR)
    return {
        "huisstijl": stijl,
        "huisstijl_kop": kop(stijl) if stijl else None,
        "waarden": {
            "weergavenaam": waarden.get("weergavenaam", stijl.weergavenaam if stijl else ""),
            "primaire_kleur": kleur,
        },
        "contrast": _contrast_tekst(kleur),
        "fouten": fouten,
        "opgeslagen": opgeslagen,
        "max_kb": MAX_LOGO_BYTES // 1024,
    }


class HuisstijlController(Controller):
    path = "/hub/huisstijl"
    opt = roles(Role.HUB_ADMIN)

    @get("", name="hub-huisstijl")
    async def formulier(
        self, request: AnyRequest, state: State, opgeslagen: FromQuery[str] = ""
    ) -> Template:
        admin = hub_admin(request)
        async with state.engine.connect() as conn:
            stijl = await huisstijl_van(conn, admin.hub_id)
        return render(request, "hub/huisstijl.html", _formulier(stijl, {}, {}, opgeslagen == "ja"))

    @post("", name="hub-huisstijl-opslaan", status_code=303)
    async def opslaan(self, request: AnyRequest, state: State) -> Response[Any]:
        # Read as a form directly: the page posts multipart (with the file), but a client
        # that sends no file may send url-encoded; both carry the same fields.
        data = await request.form()
        admin = hub_admin(request)
        waarden = {naam: str(data.get(naam, "")) for naam in ("weergavenaam", "primaire_kleur")}
        logo: bytes | None = None
        bestand = data.get("logo")
        if isinstance(bestand, UploadFile):
            # One byte over the limit is enough to refuse; never read an unbounded upload.
            try:
                logo = await bestand.read(MAX_LOGO_BYTES + 1) or None
            finally:
                await bestand.close()
        try:
            async with state.engine.begin() as conn:
                await stel_in(
                    conn,
                    admin.hub_id,
                    admin.actor,
                    weergavenaam=waarden["weergavenaam"],
                    primaire_kleur=waarden["primaire_kleur"],
                    logo=logo,
                    logo_verwijderen=data.get("logo_verwijderen") == "ja",
                )
        except HuisstijlGeweigerd as geweigerd:
            async with state.engine.connect() as conn:
                stijl = await huisstijl_van(conn, admin.hub_id)
            context = _formulier(stijl, waarden, geweigerd.fouten, opgeslagen=False)
            return render(request, "hub/huisstijl.html", context, status_code=422)
        # Post/redirect/get: the next page's header already shows the new house style.
        return Redirect("/hub/huisstijl?opgeslagen=ja", status_code=303)


async def _eigen_huisstijl(request: AnyRequest, state: State, hub_id: uuid.UUID) -> Huisstijl:
    identity = current_identity(request)
    active = identity.active if identity else None
    if active is None:
        raise NotFoundException
    async with state.engine.connect() as conn:
        stijl = await huisstijl_voor_context(conn, active.hub_id, active.tenant_id)
    if stijl is None or stijl.hub_id != hub_id:
        raise NotFoundException
    return stijl


def _ongewijzigd(request: AnyRequest, etag: str) -> bool:
    gevraagd = request.headers.get("if-none-match", "")
    return any(t.strip().removeprefix("W/") in {etag, "*"} for t in gevraagd.split(","))


def _gecached(request: AnyRequest, etag: str, body: bytes, media_type: str) -> Response[bytes]:
    headers = {"ETag": etag, "Cache-Control": _REVALIDATE}
    if _ongewijzigd(request, etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


class HuisstijlBestandenController(Controller):
    """The hub's stylesheet and logo."""

    path = "/huisstijl/{hub_id:uuid}"
    opt = signed_in()

    @get("/stijl.css", name="huisstijl-css")
    async def stylesheet(
        self, request: AnyRequest, state: State, hub_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        stijl = await _eigen_huisstijl(request, state, hub_id)
        css = hub_stylesheet(stijl.primaire_kleur).encode()
        etag = f'"{hashlib.sha256(css).hexdigest()[:32]}"'
        return _gecached(request, etag, css, "text/css; charset=utf-8")

    @get("/logo", name="huisstijl-logo")
    async def logo(
        self, request: AnyRequest, state: State, hub_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        await _eigen_huisstijl(request, state, hub_id)
        async with state.engine.connect() as conn:
            gevonden = await logo_van(conn, hub_id)
        if gevonden is None:
            raise NotFoundException
        inhoud, soort, sha256 = gevonden
        # Served with the type sniffed at upload and nosniff (security_headers_hook), so the
        # browser never second-guesses it; inline, never as a download with a chosen name.
        response = _gecached(request, f'"{sha256}"', inhoud, soort)
        response.headers["Content-Disposition"] = "inline"
        return response


huisstijl_handlers: list[ControllerRouterHandler] = [
    HuisstijlController,
    HuisstijlBestandenController,
]
