"""Where a signal goes that does not fall under the Wet: the page the weegploeg lands on
after the outcome 'valt niet onder deze wet' (no personal data)."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from casushub.platform.identity.roles import Role
from casushub.web.auth.guards import roles

__all__ = ["grens_van_de_wet"]


@get(
    "/grens-van-de-wet",
    name="grens-van-de-wet",
    opt=roles(Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT),
    sync_to_thread=False,
)
def grens_van_de_wet() -> Template:
    return Template("overgang/grens.html")
