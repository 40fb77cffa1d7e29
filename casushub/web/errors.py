"""Dutch error pages for people, ``application/problem+json`` for the API; never a traceback.

This is also the one place where a domain refusal (``casushub.platform.fouten``) becomes HTTP:
``NietGevonden`` 404, ``GeenToegang`` 403, ``RegelFout`` 422, each with its Dutch message. A
handler lets them pass; it catches one only to answer differently (its form re-rendered with
the input kept, a fragment, a status of its own). The 404 page reads the same for an id that
does not exist and one of another municipality (no existence hints).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from sqlalchemy.exc import DBAPIError

from casushub.platform.fouten import GeenToegang, NietGevonden, RegelFout
from casushub.platform.identity.access import Identity, InstructionsNotAccepted
from casushub.platform.logs import request_id_var
from casushub.platform.models import TenantStatus
from casushub.platform.registry import TenantUnavailable
from casushub.web.auth.middleware import SESSION_ENDED_STATE
from casushub.web.middleware import start_access_line

if TYPE_CHECKING:
    from litestar.types import ExceptionHandlersMap

__all__ = ["domein_status", "exception_handlers", "status_for"]

_log = logging.getLogger("casushub.errors")

TITLES = {
    400: "Ongeldig verzoek",
    401: "U bent niet ingelogd",
    403: "Geen toegang",
    404: "Pagina niet gevonden",
    405: "Deze handeling is hier niet mogelijk",
    409: "Conflict met de huidige gegevens",
    413: "Het bestand of formulier is te groot",
    415: "Dit soort bestand of inhoud wordt niet ondersteund",
    422: "De invoer klopt niet",
    429: "Te veel verzoeken",
    500: "Er ging iets mis",
    503: "Tijdelijk niet beschikbaar",
}
DETAILS = {
    400: "Het verzoek kon niet worden verwerkt. Controleer de invoer en probeer het opnieuw.",
    401: "Log in om verder te gaan.",
    403: "U heeft geen toegang tot deze pagina of deze gegevens.",
    404: "De pagina of de gegevens die u zoekt bestaan niet, of u heeft er geen toegang toe.",
    405: "Deze handeling is op deze pagina niet toegestaan.",
    409: "De gegevens zijn intussen gewijzigd. Laad de pagina opnieuw.",
    413: "Maak het bestand of de invoer kleiner en probeer het opnieuw.",
    415: "Gebruik een ondersteund formaat.",
    422: "Controleer de invoer en probeer het opnieuw.",
    429: "U heeft te veel verzoeken gedaan. Wacht even en probeer het dan opnieuw.",
    500: "Er is een fout opgetreden. Probeer het later opnieuw; blijft het misgaan, neem dan "
    "contact op met de beheerder en noem het referentienummer.",
    503: "Deze gegevens zijn tijdelijk niet beschikbaar wegens onderhoud. Probeer het over "
    "enkele minuten opnieuw.",
}


def wants_json(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def error_response(
    request: Request[Any, Any, Any], status: int, detail: str | None = None
) -> Response[Any]:
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    detail = detail or DETAILS.get(status, DETAILS[500] if status >= 500 else DETAILS[400])
    line = start_access_line(request.scope)
    request_id = request_id_var.get() or (line.request_id if line else "")
    if wants_json(request):
        return Response(
            {"type": "about:blank", "title": title, "status": status, "detail": detail},
            status_code=status,
            media_type="application/problem+json",
        )
    context = {"status": status, "title": title, "detail": detail, "request_id": request_id}
    if status in {HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN}:
        context |= _way_on(request, status)
    return Template(
        "errors/error.html", context=context, status_code=status, media_type=MediaType.HTML
    )


def _way_on(request: Request[Any, Any, Any], status: int) -> dict[str, Any]:
    """What a refused person can do next: sign in (again), or choose another role."""
    here = "/werkruimte"
    if request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    volgende = quote(here, safe="")
    if status == HTTP_401_UNAUTHORIZED:
        ended = request.scope.get("state", {}).get(SESSION_ENDED_STATE)
        reden = "&reden=verlopen" if ended else ""
        return {"verlopen": bool(ended), "inloggen": f"/auth/login?volgende={volgende}{reden}"}
    identity = request.scope.get("user")
    if not isinstance(identity, Identity):
        return {}
    return {
        "actieve_rol": identity.active.label if identity.active else None,
        "kies_rol": f"/auth/context?volgende={volgende}" if len(identity.memberships) > 1 else None,
        "werkruimte": identity.has_access,
    }


def _http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    detail = None
    # Validation messages from Litestar are English and may echo input; keep our own text
    # unless a handler raised with a Dutch message on purpose.
    if status < 500 and exc.extra == {"dutch": True}:
        detail = exc.detail
    response = error_response(request, status, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _niet_gevonden(request: Request[Any, Any, Any], exc: NietGevonden) -> Response[Any]:
    return error_response(request, HTTP_404_NOT_FOUND, exc.message)


def _geen_toegang(request: Request[Any, Any, Any], exc: GeenToegang) -> Response[Any]:
    return error_response(request, HTTP_403_FORBIDDEN, exc.message)


def _regel_fout(request: Request[Any, Any, Any], exc: RegelFout) -> Response[Any]:
    """A rule broken where no handler re-renders a form for it: the error page says which."""
    return error_response(request, HTTP_422_UNPROCESSABLE_ENTITY, exc.message)


def domein_status(exc: BaseException) -> int | None:
    """The status a domain refusal is answered with, ``None`` for anything else.
    ``InstructionsNotAccepted`` is no refusal to the client: it is sent to the instructions."""
    if isinstance(exc, InstructionsNotAccepted):
        return HTTP_303_SEE_OTHER
    if isinstance(exc, NietGevonden):
        return HTTP_404_NOT_FOUND
    if isinstance(exc, GeenToegang):
        return HTTP_403_FORBIDDEN
    if isinstance(exc, RegelFout):
        return HTTP_422_UNPROCESSABLE_ENTITY
    return None


def _tenant_unavailable(request: Request[Any, Any, Any], exc: TenantUnavailable) -> Response[Any]:
    _log.warning("tenant niet beschikbaar", extra={"tenant": exc.slug, "reason": exc.reason})
    if exc.reason == f"status {TenantStatus.TERMINATING.value}":
        # The processor agreement ended: no waiting helps; the regie fetches its export.
        response = error_response(request, HTTP_503_SERVICE_UNAVAILABLE, BEEINDIGD_DETAIL)
        if isinstance(response, Template):
            response.context["link"] = ("/gemeente/beeindiging", "Naar de export van de gemeente")
        return response
    response = error_response(request, HTTP_503_SERVICE_UNAVAILABLE)
    response.headers["Retry-After"] = "120"
    return response


# SQLSTATEs: 22021 = a character the database cannot store (NUL in text input), 22P05 = the
# same NUL as \u0000 in JSON input (the verwerkingenlog sends its entries as JSON); class 08
# and 57P0x = the connection is gone or the server is shutting down/starting up.
BAD_CHARACTER_SQLSTATES = frozenset({"22021", "22P05"})
_UNAVAILABLE_PREFIXES = ("08", "57P")
BEEINDIGD_DETAIL = (
    "De verwerkersovereenkomst van deze gemeente met de hub is beëindigd. De gemeente (regie) "
    "downloadt de export van haar gegevens op de pagina over het einde van de overeenkomst."
)
BAD_CHARACTER_DETAIL = "De invoer bevat een teken dat niet is toegestaan (zoals een nulteken)."
# 22001 = a value longer than its column, 22003 = a number out of its column's range. The edge
# (casushub.web.invoer) refuses over-long form fields first; this catches a value that passed
# it for a smaller column of the same name, or came another way.
TOO_LONG_SQLSTATES = frozenset({"22001", "22003"})
TOO_LONG_DETAIL = (
    "Een van de ingevulde waarden is te lang of te groot. Maak de invoer korter en probeer het "
    "opnieuw."
)


def _sqlstate(exc: DBAPIError) -> str:
    for source in (exc.orig, getattr(exc.orig, "__cause__", None)):
        code = getattr(source, "sqlstate", None) or getattr(source, "pgcode", None)
        if isinstance(code, str):
            return code
    return ""


def _database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """Bad input is the user's 400; a lost database a clean 503; anything else a 500."""
    code = _sqlstate(exc)
    if code in BAD_CHARACTER_SQLSTATES:
        return error_response(request, HTTP_400_BAD_REQUEST, BAD_CHARACTER_DETAIL)
    if code in TOO_LONG_SQLSTATES:
        return error_response(request, HTTP_422_UNPROCESSABLE_ENTITY, TOO_LONG_DETAIL)
    if database_unreachable(exc):
        return _database_unavailable(request, code)
    return _unexpected(request, exc)


def _database_unavailable(request: Request[Any, Any, Any], code: str) -> Response[Any]:
    _log.warning("database niet bereikbaar", extra={"sqlstate": code})
    response = error_response(request, HTTP_503_SERVICE_UNAVAILABLE)
    response.headers["Retry-After"] = "30"
    return response


def _raised_by_database_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith("asyncpg."):
            return True
        tb = tb.tb_next
    return False


def database_unreachable(exc: BaseException) -> bool:
    """The database is down or going down: a lost or refused connection, a server shutting down
    or starting up. Not bad input, not a bug."""
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or _sqlstate(exc).startswith(_UNAVAILABLE_PREFIXES)
    return isinstance(exc, OSError) and _raised_by_database_driver(exc)


def _os_error(request: Request[Any, Any, Any], exc: OSError) -> Response[Any]:
    """A stopped database refuses the connection before any SQL runs: asyncpg then raises a
    plain ``OSError`` (no socket, connection refused, connect timeout) that SQLAlchemy passes
    through unwrapped. That is the same outage as a dropped connection: a 503, not a 500."""
    if database_unreachable(exc):
        return _database_unavailable(request, type(exc).__name__)
    return _unexpected(request, exc)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    _log.exception("onverwachte fout", exc_info=exc)
    return error_response(request, HTTP_500_INTERNAL_SERVER_ERROR)


def status_for(exc: BaseException) -> int:
    """The status the handlers below answer ``exc`` with (for what counts requests before the
    answer is out, such as the request metrics)."""
    if isinstance(exc, HTTPException):
        return exc.status_code
    domein = domein_status(exc)
    if domein is not None:
        return domein
    if isinstance(exc, TenantUnavailable) or database_unreachable(exc):
        return HTTP_503_SERVICE_UNAVAILABLE
    if isinstance(exc, DBAPIError):
        code = _sqlstate(exc)
        if code in BAD_CHARACTER_SQLSTATES:
            return HTTP_400_BAD_REQUEST
        if code in TOO_LONG_SQLSTATES:
            return HTTP_422_UNPROCESSABLE_ENTITY
    return HTTP_500_INTERNAL_SERVER_ERROR


exception_handlers: ExceptionHandlersMap = {
    HTTPException: _http_exception,
    # A domain refusal's handler wins over OSError's (``GeenToegang`` is a PermissionError).
    NietGevonden: _niet_gevonden,
    GeenToegang: _geen_toegang,
    RegelFout: _regel_fout,
    TenantUnavailable: _tenant_unavailable,
    DBAPIError: _database_error,
    OSError: _os_error,
    Exception: _unexpected,
}
