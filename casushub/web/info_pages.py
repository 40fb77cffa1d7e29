"""The public statements every government web service needs: accessibility and privacy."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

__all__ = ["privacyverklaring", "toegankelijkheidsverklaring"]


@get(
    "/toegankelijkheid",
    sync_to_thread=False,
    name="toegankelijkheidsverklaring",
    opt={"public": True},
)
def toegankelijkheidsverklaring() -> Template:
    return Template("info/toegankelijkheid.html")


@get("/privacy", sync_to_thread=False, name="privacyverklaring", opt={"public": True})
def privacyverklaring() -> Template:
    return Template("info/privacy.html")
