"""Sign-in, sign-out, session status and the context switcher (``/auth``)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.errors import LoginRefused, ProviderUnavailable
from casushub.platform.identity.login import finish_login, safe_return_path, start_login
from casushub.platform.identity.memberships import memberships_of
from casushub.platform.identity.organisations import domain_of, organisation_for_domain
from casushub.platform.identity.pending_login import PENDING_LOGIN_TTL, pre_login_cookie_name
from casushub.platform.identity.providers import provider_for_organisation
from casushub.platform.identity.roles import ROLE_LABELS
from casushub.platform.identity.sessions import (
    check_session,
    end_for_logout,
    end_session,
    touch_session,
)
from casushub.web.auth.bestemming import kies_rol_pad, na_inloggen, na_rolwissel
from casushub.web.auth.guards import current_identity, public, signed_in
from casushub.web.auth.middleware import (
    ACTIVE_CONTEXT_KEY,
    SESSION_ENDED_STATE,
    SESSION_ID_KEY,
)
from casushub.web.auth.session_store import rotate_session_id
from casushub.web.ratelimit import client_key, limiet, te_veel
from casushub.web.tenancy import ACTIVE_TENANT_KEY

__all__ = ["AuthController"]

AnyRequest = Request[Any, Any, State]
# Seconds before the idle timeout at which the page offers to extend the session (WCAG 2.2.1).
WARNING_SECONDS = 300
_EXPIRED_REASONS = {"verlopen": "Uw sessie is verlopen. Log opnieuw in om verder te gaan."}
# The start page, which then says in Dutch that the person is signed out.
LOGGED_OUT = "/?uitgelogd=ja"


def _ip(request: AnyRequest) -> str:
    return request.client.host if request.client else ""


LOGIN_WINDOW = 600.0
TOO_MANY_LOGINS = (
    "Er is te vaak geprobeerd in te loggen. Wacht tien minuten en probeer het opnieuw."
)
TOO_MANY_FOR_ORGANISATION = (
    "Er wordt op dit moment te vaak geprobeerd in te loggen bij uw organisatie. Wacht tien "
    "minuten en probeer het opnieuw."
)


async def _rate_limited(
    request: AnyRequest, state: State, email: str | None = None
) -> Response[Any] | None:
    """429 when a sign-in limit is used up; otherwise the attempt is counted.

    The limits that bite are per account (e-mail address) and per organisation (its e-mail
    domain); per client address there is only a high ceiling, because a whole town hall or
    front desk signs in from one NAT address. The callback carries no e-mail address: it
    counts against the ceiling only (and needs the pre-login cookie of a started sign-in).
    A refused attempt does not count.
    """
    settings = state.settings
    checks = [
        (
            limiet(state, "login_client", settings.login_limiet_client, LOGIN_WINDOW),
            client_key(request),
            TOO_MANY_LOGINS,
        )
    ]
    async with state.engine.begin() as conn:
        if email is not None and (account := email.strip().lower()):
            per_account = limiet(
                state, "login_account", settings.login_limiet_account, LOGIN_WINDOW
            )
            checks.append((per_account, account, TOO_MANY_LOGINS))
            if domain := domain_of(account):
                organisation = await organisation_for_domain(conn, domain)
                per_organisation = limiet(
                    state, "login_organisatie", settings.login_limiet_organisatie, LOGIN_WINDOW
                )
                key = str(organisation) if organisation else f"domein:{domain}"
                checks.append((per_organisation, key, TOO_MANY_FOR_ORGANISATION))
        for limit, key, message in checks:
            if await limit.vol(conn, key):
                return te_veel(request, message, LOGIN_WINDOW)
        for limit, key, _ in checks:
            await limit.tel(conn, key)
    return None


def _failure(message: str, status: int) -> Template:
    return Template(
        "auth/mislukt.html",
        context={"message": message},
        status_code=status,
        media_type=MediaType.HTML,
    )


def _forward(url: str, title: str) -> Template:
    """A page that sends the browser on to an external provider.

    Why not a plain 303: the CSP has ``form-action 'self'``, and Chrome applies form-action to
    redirects that follow a form POST, so a POST answered with a redirect to the provider is
    blocked. Widening form-action per response would need the provider's origin in our CSP;
    instead this page ends the form navigation on our own origin and moves on with a
    ``<meta http-equiv="refresh">`` (a new navigation, not a form submission), with a normal
    link as fallback for browsers that ignore meta refresh. No script is needed.
    """
    return Template(
        "auth/doorsturen.html",
        context={"url": url, "title": title},
        status_code=HTTP_200_OK,
        media_type=MediaType.HTML,
    )


def session_status(request: AnyRequest) -> dict[str, Any]:
    identity = current_identity(request)
    if identity is None:
        ended = request.scope["state"].get(SESSION_ENDED_STATE)
        return {"signed_in": False, **({"ended": ended} if ended else {})}
    active = identity.active
    return {
        "signed_in": True,
        "user": {
            "name": identity.name,
            "email": identity.email,
            "organisation": identity.organisation_name,
        },
        "has_access": identity.has_access,
        "context": None
        if active is None
        else {
            "role": active.role.value,
            "label": active.label,
            "tenant": active.tenant_slug,
        },
        "expires_at": identity.expires_at.isoformat(),
        "idle_expires_at": identity.idle_deadline.isoformat(),
        "absolute_expires_at": identity.absolute_deadline.isoformat(),
        "warning_seconds": WARNING_SECONDS,
    }


class AuthController(Controller):
    path = "/auth"

    @get("/login", opt=public(), name="auth:login")
    async def login_page(
        self, volgende: FromQuery[str | None] = None, reden: FromQuery[str | None] = None
    ) -> Template:
        return Template(
            "auth/login.html",
            context={
                "volgende": safe_return_path(volgende),
                "notice": _EXPIRED_REASONS.get(reden or ""),
                "error": None,
                "email": "",
            },
        )

    @post("/login", opt=public(), status_code=HTTP_200_OK)
    async def login_start(self, request: AnyRequest, state: State) -> Response[Any]:
        form = await request.form()
        email = str(form.get("email", ""))[:320]
        if refused := await _rate_limited(request, state, email):
            return refused
        volgende = safe_return_path(str(form.get("volgende", "/")))
        cookie = pre_login_cookie_name(state.settings.secure_cookies)
        try:
            started = await start_login(
                state.engine,
                state.settings,
                state.oidc_cache,
                email=email,
                return_to=volgende,
                browser=request.cookies.get(cookie),
            )
        except LoginRefused as exc:
            return Template(
                "auth/login.html",
                context={
                    "volgende": volgende,
                    "notice": None,
                    "error": exc.message,
                    "email": email,
                },
                status_code=HTTP_400_BAD_REQUEST,
            )
        except ProviderUnavailable as exc:
            return _failure(exc.message, HTTP_503_SERVICE_UNAVAILABLE)
        response = _forward(started.url, "Doorsturen naar de inlogdienst van uw organisatie")
        # Binds the sign-in to this browser (login CSRF). Lax: the provider's redirect back is
        # a top-level navigation from another site, which Lax still sends it with.
        response.set_cookie(
            key=cookie,
            value=started.browser,
            max_age=int(PENDING_LOGIN_TTL.total_seconds()),
            path="/",
            secure=state.settings.secure_cookies,
            httponly=True,
            samesite="lax",
        )
        return response

    @get("/callback", opt=public())
    async def callback(self, request: AnyRequest, state: State) -> Response[Any]:
        if refused := await _rate_limited(request, state):
            return refused
        params = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
        try:
            result = await finish_login(
                state.engine,
                state.settings,
                state.oidc_cache,
                params=params,
                ip=_ip(request),
                user_agent=request.headers.get("user-agent", ""),
                browser=request.cookies.get(pre_login_cookie_name(state.settings.secure_cookies)),
            )
        except LoginRefused as exc:
            return _failure(exc.message, HTTP_400_BAD_REQUEST)
        except ProviderUnavailable as exc:
            return _failure(exc.message, HTTP_503_SERVICE_UNAVAILABLE)
        previous = current_identity(request)
        if previous is not None:
            # Someone else (or the same person again) signs in in this browser: the earlier
            # session ends here instead of lingering unreachable until it times out.
            async with state.engine.begin() as conn:
                await end_session(conn, previous.session_id, "vervangen")
        # A fresh session under a fresh id: nothing from before the sign-in carries over.
        rotate_session_id(request)
        request.set_session({SESSION_ID_KEY: str(result.session_id)})
        target = na_inloggen(result.return_to)
        if not result.has_access:
            target = "/auth/geen-toegang"
        else:
            async with state.engine.connect() as conn:
                several = len(await memberships_of(conn, result.user_id)) > 1
            if several:
                # Several roles and none chosen yet: choose first, then on to the page.
                target = kies_rol_pad(target)
        return Redirect(target, status_code=HTTP_303_SEE_OTHER)

    @get("/geen-toegang", opt=signed_in())
    async def no_access(self, request: AnyRequest) -> Template:
        return Template("auth/geen_toegang.html", context={"identity": current_identity(request)})

    @post("/logout", opt=public(), status_code=HTTP_200_OK)
    async def logout(self, request: AnyRequest, state: State) -> Response[Any]:
        identity = current_identity(request)
        request.clear_session()
        if identity is None:
            return Redirect(LOGGED_OUT, status_code=HTTP_303_SEE_OTHER)
        async with state.engine.begin() as conn:
            ended = await end_for_logout(conn, identity.session_id)
            await record(
                conn,
                AuditAction.LOGOUT,
                actor_user_id=identity.user_id,
                organisation_id=identity.organisation_id,
                details={"sessie": str(identity.session_id)},
                ip=_ip(request),
            )
            provider = (
                await provider_for_organisation(conn, state.settings, ended[0]) if ended else None
            )
        if provider is None or ended is None:
            return Redirect(LOGGED_OUT, status_code=HTTP_303_SEE_OTHER)
        try:
            metadata = await state.oidc_cache.metadata(provider.discovery_url, provider.issuer)
        except ProviderUnavailable:
            # Signed out here in any case; the provider's own session stays.
            return Redirect(LOGGED_OUT, status_code=HTTP_303_SEE_OTHER)
        if not metadata.end_session_endpoint:
            return Redirect(LOGGED_OUT, status_code=HTTP_303_SEE_OTHER)
        query = {
            "client_id": provider.client_id,
            "post_logout_redirect_uri": provider.post_logout_redirect_uri
            or state.settings.base_url + "/auth/uitgelogd",
        }
        if ended[1]:
            query["id_token_hint"] = ended[1]
        url = metadata.end_session_endpoint + "?" + urlencode(query)
        return _forward(url, "Uitloggen bij de inlogdienst van uw organisatie")

    @get("/uitgelogd", opt=public())
    async def logged_out(self) -> Redirect:
        # Where the organisation's provider sends the browser after its own sign-out.
        return Redirect(LOGGED_OUT, status_code=HTTP_303_SEE_OTHER)

    @get("/session", opt=public())
    async def status(self, request: AnyRequest) -> Response[dict[str, Any]]:
        return Response(session_status(request))

    @post("/session/verlengen", opt=signed_in(), status_code=HTTP_200_OK)
    async def extend(self, request: AnyRequest, state: State) -> Response[dict[str, Any]]:
        identity = current_identity(request)
        assert identity is not None  # noqa: S101 - the guard let only signed-in users through
        async with state.engine.begin() as conn:
            check = await check_session(conn, state.settings, identity.session_id)
            if check.live and check.session is not None:
                await touch_session(conn, check.session, force=True)
        return Response({"extended": check.live})

    @get("/context", opt=signed_in())
    async def context_page(
        self, request: AnyRequest, volgende: FromQuery[str | None] = None
    ) -> Template:
        return Template(
            "auth/context.html",
            context={
                "identity": current_identity(request),
                "labels": ROLE_LABELS,
                "volgende": safe_return_path(volgende),
            },
        )

    @post("/context", opt=signed_in(), status_code=HTTP_303_SEE_OTHER)
    async def choose_context(self, request: AnyRequest) -> Redirect:
        identity = current_identity(request)
        assert identity is not None  # noqa: S101 - the guard let only signed-in users through
        form = await request.form()
        try:
            chosen = identity.membership(uuid.UUID(str(form.get("membership", ""))))
        except ValueError:
            chosen = None
        if chosen is None:
            raise NotFoundException
        request.session[ACTIVE_CONTEXT_KEY] = str(chosen.id)
        if chosen.tenant_id is not None:
            request.session[ACTIVE_TENANT_KEY] = str(chosen.tenant_id)
        else:
            request.session.pop(ACTIVE_TENANT_KEY, None)
        volgende = str(form.get("volgende", ""))
        target = na_rolwissel(request.app, volgende, chosen, identity.active)
        return Redirect(target, status_code=HTTP_303_SEE_OTHER)
