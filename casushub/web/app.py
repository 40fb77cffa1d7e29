"""The Litestar application factory (``casushub.web.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from casushub.platform.database import create_app_engine
from casushub.platform.logs import configure_logging
from casushub.platform.settings import Settings, get_settings
from casushub.web.errors import exception_handlers
from casushub.web.health import healthz, readyz
from casushub.web.jobs import job_progress
from casushub.web.middleware import request_context_middleware, security_headers_middleware
from casushub.web.pages import start, werkruimte

__all__ = ["create_app", "session_config"]

WEB_DIR = Path(__file__).parent
SESSION_COOKIE = "casushub_session"
CSRF_COOKIE = "casushub_csrf"
CSRF_HEADER = "x-csrftoken"


def session_config(settings: Settings) -> ServerSideSessionConfig:
    return ServerSideSessionConfig(
        key=SESSION_COOKIE,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        max_age=10 * 60 * 60,
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncGenerator[None, None]:
        state: State = app.state
        state.engine = create_app_engine(settings)
        try:
            yield
        finally:
            await state.engine.dispose()

    session = session_config(settings)
    return Litestar(
        route_handlers=[
            start,
            werkruimte,
            job_progress,
            healthz,
            readyz,
            create_static_files_router(
                path="/static",
                directories=[WEB_DIR / "static"],
                cache_control=CacheControlHeader(max_age=3600, public=True),
                include_in_schema=False,
            ),
        ],
        lifespan=[database],
        state=State({"settings": settings}),
        middleware=[
            request_context_middleware,
            security_headers_middleware(settings),
            session.middleware,
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
        template_config=TemplateConfig(directory=WEB_DIR / "templates", engine=JinjaTemplateEngine),
        plugins=[HTMXPlugin()],
        exception_handlers=exception_handlers,
        debug=False,
    )
