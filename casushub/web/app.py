"""The Litestar application factory (``casushub.web.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from casushub.platform.database import create_app_engine
from casushub.platform.een_verbinding import bewaak
from casushub.platform.identity.access import InstructionsNotAccepted
from casushub.platform.identity.discovery import ProviderMetadataCache
from casushub.platform.identity.roles import HUB_STAFF_ROLES, TENANT_ROLES
from casushub.platform.logs import configure_logging
from casushub.platform.settings import Settings, get_settings
from casushub.web import meldingen
from casushub.web.api import api_router
from casushub.web.api.auth import API_COMPONENTS
from casushub.web.api.strict import StrictStructSchemaPlugin
from casushub.web.auth.admin import SessionAdminController
from casushub.web.auth.controllers import AuthController
from casushub.web.auth.guards import public, roles, route_policy, signed_in
from casushub.web.auth.middleware import identity_middleware
from casushub.web.auth.session_store import PostgresStore, RotatingSessionConfig
from casushub.web.casusoverleg import casusoverleg_handlers
from casushub.web.contactpunt import contactpunt_handlers
from casushub.web.errors import exception_handlers
from casushub.web.fg import fg_handlers
from casushub.web.health import healthz, readyz
from casushub.web.hub import hub_handlers, instructies_redirect, laad_huisstijl
from casushub.web.info_pages import privacyverklaring, toegankelijkheidsverklaring
from casushub.web.invoer import invoer_aan_de_rand, maximum_lengte
from casushub.web.jobs import job_progress
from casushub.web.metrics import metrics, request_metrics
from casushub.web.middleware import request_context_middleware, security_headers_hook
from casushub.web.navigation import registreer as registreer_navigatie
from casushub.web.overgang import (
    cijfer_handlers,
    grens_van_de_wet,
    hub_overgang_handlers,
    overgang_handlers,
)
from casushub.web.pages import contactpunt_kiezen, start, werkruimte
from casushub.web.pattern_library import pattern_handlers
from casushub.web.publiek import laad_publieke_huisstijl, publieke_handlers
from casushub.web.rechten import rechten_handlers
from casushub.web.tenancy import laad_tenantpoort
from casushub.web.weigeringslog import log_weigering_hook
from casushub.workers.broker import use_settings as use_broker_settings

__all__ = ["create_app", "session_config"]

WEB_DIR = Path(__file__).parent
SESSION_COOKIE = "casushub_session"
CSRF_COOKIE = "casushub_csrf"
CSRF_HEADER = "x-csrftoken"


SESSION_STORE = "sessions"


def session_config(settings: Settings) -> RotatingSessionConfig:
    # Server-side sessions in PostgreSQL (store registered in create_app); the id is rotated at
    # sign-in. The cookie lives as long as the absolute timeout; the idle timeout is enforced
    # per request by casushub.web.auth.middleware.
    return RotatingSessionConfig(
        key=SESSION_COOKIE,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        max_age=settings.session_absolute_hours * 60 * 60,
        store=SESSION_STORE,
        # Probes, metrics and static files never need a session; without this a database
        # outage would fail /healthz and make Kubernetes restart healthy web pods.
        exclude=["^/healthz$", "^/readyz$", "^/metrics$", "^/static/"],
    )


def _template_globals(engine: JinjaTemplateEngine) -> None:
    # The form macros put each field's server-side maximum in ``maxlength``.
    engine.engine.globals["maximum_lengte"] = maximum_lengte
    # The main navigation of the active role (casushub.web.navigation) for base.html.
    registreer_navigatie(engine.engine)
    # A confirmation after a save, shown once (casushub.web.meldingen).
    meldingen.registreer(engine)


async def _voor_elk_verzoek(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """The app's one ``before_request`` hook (Litestar takes one per layer), after the guards:
    the house style of a public contactpunt page, then every form field's maximum length
    before the body is decoded."""
    await laad_publieke_huisstijl(request)
    return await invoer_aan_de_rand(request)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncGenerator[None, None]:
        state: State = app.state
        state.engine = create_app_engine(settings)
        if settings.db_pool_guard:
            bewaak(state.engine)
        # Background work is sent with this app's settings, never ones read from the environment.
        use_broker_settings(settings)
        try:
            yield
        finally:
            await state.engine.dispose()

    session = session_config(settings)
    state = State(
        {
            "settings": settings,
            "oidc_cache": ProviderMetadataCache(
                ttl=settings.oidc_cache_seconds, timeout=settings.oidc_timeout_seconds
            ),
        }
    )
    # Every route declares who may use it (casushub.web.auth.guards); the app-wide guard
    # refuses a route that declares nothing.
    return Litestar(
        route_handlers=[
            AuthController,
            SessionAdminController,
            # Every signed-in person has a werkruimte; it shows the blocks of the active role.
            Router("/", opt=signed_in(), route_handlers=[werkruimte]),
            # The FG's access-log screens and the retention dry run; roles per handler.
            Router("/", route_handlers=fg_handlers),
            # The casusoverleg screens; each handler declares its own roles.
            Router("/", route_handlers=casusoverleg_handlers),
            # The overgangsvoorraad and the figures (casushub.web.overgang); roles per handler.
            Router(
                "/",
                route_handlers=[
                    *overgang_handlers,
                    *hub_overgang_handlers,
                    *cijfer_handlers,
                    grens_van_de_wet,
                ],
            ),
            # Holds, retention, restrictions, exports (casushub.web.rechten); roles per handler.
            Router("/", route_handlers=rechten_handlers),
            # Hub administration (casushub.web.hub); each controller declares its roles.
            Router("/", route_handlers=hub_handlers),
            # The admin API: bearer API tokens only (casushub.web.api, guards.api_token).
            api_router,
            # Progress of background work (jobs/voortgang.html): hub staff watch provisioning
            # and migrations; tenant jobs only in their own tenant context (casushub.web.jobs).
            Router("/", opt=roles(*TENANT_ROLES, *HUB_STAFF_ROLES), route_handlers=[job_progress]),
            Router("/", opt=public(), route_handlers=[start, contactpunt_kiezen]),
            # The hub's house style on the citizens' contactpunt pages (casushub.web.publiek).
            Router("/", opt=public(), route_handlers=publieke_handlers),
            # The contactpunt: a public page per municipality and its staff's screens; each
            # handler declares its own access (public, or the contactpunt roles).
            *contactpunt_handlers,
            Router(
                "/",
                opt=public(),
                route_handlers=[
                    toegankelijkheidsverklaring,
                    privacyverklaring,
                    # The pattern library shows fictitious data only, but is not the product.
                    *([] if settings.is_production else pattern_handlers),
                ],
            ),
            Router(
                "/",
                opt=public(),
                route_handlers=[
                    healthz,
                    readyz,
                    metrics,  # guards itself with METRICS_TOKEN
                    create_static_files_router(
                        path="/static",
                        directories=[WEB_DIR / "static"],
                        cache_control=CacheControlHeader(max_age=3600, public=True),
                        include_in_schema=False,
                    ),
                ],
            ),
        ],
        guards=[route_policy],
        before_request=_voor_elk_verzoek,
        before_send=[security_headers_hook(settings)],
        # A refused request for an object (403/404 on an id route) leaves an access-log entry.
        after_exception=[log_weigering_hook],
        stores={SESSION_STORE: PostgresStore(state)},
        lifespan=[database],
        state=state,
        middleware=[
            request_metrics.middleware,
            request_context_middleware,
            session.middleware,
            # Who is signed in; on the same connection, the hub's house style for the layout.
            identity_middleware(settings, lookups=[laad_huisstijl, laad_tenantpoort]),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            cookie_secure=settings.secure_cookies,
            cookie_samesite="strict",
            header_name=CSRF_HEADER,
            # The JSON API authenticates with bearer tokens only, never with cookies, so a
            # cross-site request cannot ride on a browser session there.
            exclude=["/api/"],
        ),
        template_config=TemplateConfig(
            directory=WEB_DIR / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_template_globals,
        ),
        plugins=[HTMXPlugin(), StrictStructSchemaPlugin()],
        # The schema documents the admin API only (casushub.web.api opts back in): the screens
        # are no API, and listing them would publish the whole route table.
        include_in_schema=False,
        # The admin API's schema (JSON) at /api/v1/schema/openapi.json; see casushub.web.api.
        openapi_config=OpenAPIConfig(
            title="casushub beheer-API",
            version="1",
            components=API_COMPONENTS,
            # Public: the schema describes the API, it holds no data.
            openapi_router=Router("/api/v1/schema", opt=public(), route_handlers=[]),
            render_plugins=[JsonRenderPlugin()],
        ),
        # Tenant routes send users to the instructions until they accepted the current one.
        exception_handlers={**exception_handlers, InstructionsNotAccepted: instructies_redirect},
        debug=False,
    )
