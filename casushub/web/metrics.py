"""Prometheus metrics at ``/metrics``: requests, background jobs and tenant migrations.

Requests are counted per process by Litestar's Prometheus middleware, labelled with the route
*template* (``/casus/{casus_id}``), never the raw path: ids stay out of the monitoring system
and cannot blow up its cardinality. Jobs and tenant migrations are read from the ``platform``
registry when Prometheus scrapes, so the figures are right whichever process did the work (the
migration Job has long exited when Prometheus comes by). Nothing here carries personal data:
only counts, statuses, revision ids and actor names.

The ingress forwards every path, so the endpoint guards itself: with ``METRICS_TOKEN`` set it
wants ``Authorization: Bearer <token>``; without a token it is served outside production only.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.plugins.prometheus import PrometheusConfig, PrometheusMiddleware
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.migrate.revisions import (
    platform_head,
    platform_revision,
    servable_revision,
    tenant_head,
)
from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.settings import Settings
from casushub.web.errors import status_for

if TYPE_CHECKING:
    from litestar.types import Message, Receive, Scope, Send

__all__ = ["RegistryFigures", "metrics", "read_figures", "request_metrics"]


class RequestMetricsMiddleware(PrometheusMiddleware):
    """Litestar's request metrics, counted with the status the client got.

    A refusal raised by a middleware inside this one (CSRF: 403) leaves it as an exception and
    is answered by the app's exception handler around the whole stack, after this middleware
    is done; Litestar's own ``__call__`` then counts its default 200. This one counts such a
    request with the status that handler answers (``casushub.web.errors.status_for``). The
    metric families and labels are the base class's, through its public metric methods.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:  # pragma: no cover - the app serves no websockets
            await self.app(scope, receive, send)
            return
        config = self._config
        labels: dict[str, str | int | float] = {
            "method": scope["method"],
            "path": scope["path_template"] if config.group_path else scope["path"],
            "status_code": 200,
            "app_name": config.app_name,
        }
        started = time.perf_counter()
        answer: dict[str, float] = {"status": 200, "duration": 0.0, "started": 0}

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["started"] = 1
            elif message["type"] == "http.response.body":
                answer["duration"] = time.perf_counter() - started
            await send(message)

        in_progress = self.requests_in_progress(labels).labels(*labels.values())
        in_progress.inc()
        try:
            await self.app(scope, receive, counting)
        except Exception as exc:
            if not answer["started"]:
                answer["status"] = status_for(exc)
                answer["duration"] = time.perf_counter() - started
            raise
        finally:
            in_progress.dec()
            status = int(answer["status"])
            labels["status_code"] = status
            values = [*labels.values()]
            if status >= HTTP_500_INTERNAL_SERVER_ERROR:
                self.requests_error_count(labels).labels(*values).inc()
            self.request_count(labels).labels(*values).inc()
            self.request_time(labels).labels(*values).observe(answer["duration"])


request_metrics = PrometheusConfig(
    middleware_class=RequestMetricsMiddleware,
    app_name="casushub",
    prefix="casushub",
    group_path=True,
    # Probes and static files would drown the real traffic; the scrape is not traffic either.
    exclude=[r"^/metrics$", r"^/healthz$", r"^/readyz$", r"^/static/"],
)


@dataclass
class RegistryFigures:
    """What the registry says at one moment; every field becomes one metric family."""

    database_up: bool = False
    platform_at_head: bool = False
    tenants_by_status: dict[str, int] = field(default_factory=dict)
    tenants_by_revision: dict[str, int] = field(default_factory=dict)
    tenants_behind_head: int = 0
    jobs: dict[tuple[str, str], int] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)
    mail_outbox: dict[str, int] = field(default_factory=dict)
    queue_messages: dict[tuple[str, str], int] = field(default_factory=dict)
    periodic_last_success: dict[str, float] = field(default_factory=dict)
    queue_oldest_age: dict[str, float] = field(default_factory=dict)


async def _exists(conn: AsyncConnection, table: str) -> bool:
    found = await conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table})
    return bool(found.scalar())


async def _counts(conn: AsyncConnection, table: str, sql: str) -> list[tuple[str, ...]]:
    """Rows of ``sql`` when ``table`` exists (background work may not be migrated yet)."""
    if not await _exists(conn, table):
        return []
    return [tuple(str(v) for v in row) for row in (await conn.execute(text(sql))).all()]


async def read_figures(engine: AsyncEngine) -> RegistryFigures:
    """Read the registry with the runtime role (``platform`` only, never a tenant schema)."""
    figures = RegistryFigures()
    try:
        async with engine.connect() as conn:
            figures.platform_at_head = await platform_revision(conn) == platform_head()
            rows = await conn.execute(
                select(Tenant.status, Tenant.schema_revision, func.count()).group_by(
                    Tenant.status, Tenant.schema_revision
                )
            )
            head = tenant_head()
            for status, revision, count in rows.all():
                figures.tenants_by_status[status] = figures.tenants_by_status.get(status, 0) + count
                if status == TenantStatus.TERMINATED.value:
                    continue
                key = revision or "none"
                figures.tenants_by_revision[key] = figures.tenants_by_revision.get(key, 0) + count
                # A newer revision (a rolling upgrade under way) is served, so not "behind".
                if not servable_revision(revision, head):
                    figures.tenants_behind_head += count
            for kind, job_status, n in await _counts(
                conn,
                "platform.jobs",
                "SELECT kind, status, count(*) FROM platform.jobs GROUP BY kind, status",
            ):
                figures.jobs[(kind, job_status)] = int(n)
            for actor, n in await _counts(
                conn,
                "platform.dead_letters",
                "SELECT actor_name, count(*) FROM platform.dead_letters "
                "WHERE retried_at IS NULL GROUP BY actor_name",
            ):
                figures.dead_letters[actor] = int(n)
            for mail_status, n in await _counts(
                conn,
                "platform.mail_outbox",
                "SELECT status, count(*) FROM platform.mail_outbox GROUP BY status",
            ):
                figures.mail_outbox[mail_status] = int(n)
            for queue, state, n in await _counts(
                conn,
                "dramatiq.queue",
                "SELECT queue_name, state::text, count(*) FROM dramatiq.queue "
                "GROUP BY queue_name, state",
            ):
                figures.queue_messages[(queue, state)] = int(n)
            await _read_background_health(conn, figures)
    except Exception:  # noqa: BLE001 - a scrape reports an unreachable database, it does not fail
        return RegistryFigures(database_up=False)
    figures.database_up = True
    return figures


# Periodic jobs record their last success in platform.jobs (casushub.workers.heartbeat); the
# per-municipality housekeeping reports its *oldest* last success over the active
# municipalities (one that never succeeded counts from its creation), so one municipality
# whose retention sweep keeps failing is enough to show.
_PERIODIC_PLATFORM = """
SELECT substr(kind, length('periodiek:') + 1), extract(epoch FROM max(finished_at))
FROM platform.jobs
WHERE kind LIKE 'periodiek:%' AND tenant_id IS NULL AND finished_at IS NOT NULL
GROUP BY kind
"""
_PERIODIC_TENANTS = """
SELECT extract(epoch FROM min(coalesce(j.finished_at, t.created_at)))
FROM platform.tenants t
LEFT JOIN platform.jobs j ON j.tenant_id = t.id AND j.kind = 'periodiek:housekeeping.tenant'
WHERE t.status = 'active'
"""
# Only messages that are due: a retry waiting for its backoff is not stuck.
_OLDEST_WAITING = """
SELECT queue_name, coalesce(extract(epoch FROM now() - min(available_at) FILTER (
    WHERE state = 'queued' AND available_at <= now())), 0)
FROM dramatiq.queue GROUP BY queue_name
"""


async def _read_background_health(conn: AsyncConnection, figures: RegistryFigures) -> None:
    for kind, at in await _counts(conn, "platform.jobs", _PERIODIC_PLATFORM):
        figures.periodic_last_success[kind] = float(at)
    oldest = await _counts(conn, "platform.jobs", _PERIODIC_TENANTS)
    if oldest and oldest[0][0] != "None":
        figures.periodic_last_success["housekeeping.tenant"] = float(oldest[0][0])
    for queue, age in await _counts(conn, "dramatiq.queue", _OLDEST_WAITING):
        figures.queue_oldest_age[queue] = float(age)


class _FiguresCollector(Collector):
    """Turns one ``RegistryFigures`` into metric families for a throw-away registry."""

    def __init__(self, figures: RegistryFigures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        f = self.figures
        yield GaugeMetricFamily(
            "casushub_database_up", "1 when the registry could be read", value=int(f.database_up)
        )
        yield GaugeMetricFamily(
            "casushub_platform_schema_at_head",
            "1 when the platform schema is at this release's head revision",
            value=int(f.platform_at_head),
        )
        head = GaugeMetricFamily(
            "casushub_tenant_schema_head",
            "The tenant head revision of this release",
            labels=["revision"],
        )
        head.add_metric([tenant_head()], 1)
        yield head
        yield _family("casushub_tenants", "Tenants per status", ["status"], f.tenants_by_status)
        yield _family(
            "casushub_tenant_schema_revision_tenants",
            "Tenants (not terminated) per recorded schema revision",
            ["revision"],
            f.tenants_by_revision,
        )
        yield GaugeMetricFamily(
            "casushub_tenants_behind_head",
            "Tenants (not terminated) whose schema is not at the head revision",
            value=f.tenants_behind_head,
        )
        yield _family("casushub_jobs", "Jobs per kind and status", ["kind", "status"], f.jobs)
        yield _family(
            "casushub_dead_letters",
            "Dead letters not yet retried, per actor",
            ["actor"],
            f.dead_letters,
        )
        yield _family(
            "casushub_mail_outbox", "Outgoing e-mail per status", ["status"], f.mail_outbox
        )
        yield _family(
            "casushub_queue_messages",
            "Messages in the PostgreSQL broker per queue and state",
            ["queue", "state"],
            f.queue_messages,
        )
        yield _family(
            "casushub_periodic_last_success_timestamp_seconds",
            "Unix time of the last successful run per periodic job (housekeeping.tenant: the "
            "oldest over the active tenants)",
            ["kind"],
            f.periodic_last_success,
        )
        yield _family(
            "casushub_queue_oldest_message_age_seconds",
            "Age of the oldest due message waiting in the PostgreSQL broker, per queue",
            ["queue"],
            f.queue_oldest_age,
        )


def _family(
    name: str,
    documentation: str,
    labels: list[str],
    values: Mapping[str, int] | Mapping[tuple[str, str], int] | Mapping[str, float],
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for key, value in sorted(values.items()):
        family.add_metric(list(key) if isinstance(key, tuple) else [str(key)], value)
    return family


def _check_access(request: Request[object, object, State], settings: Settings) -> None:
    if not settings.metrics_token:
        if settings.is_production:
            # Without a token the endpoint would be public behind the ingress: it does not exist.
            raise NotFoundException
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token.encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise NotAuthorizedException


@get("/metrics", include_in_schema=False)
async def metrics(request: Request[object, object, State], state: State) -> Response[bytes]:
    """The Prometheus text format: this process's request metrics plus the registry figures."""
    settings: Settings = state.settings
    _check_access(request, settings)
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(_FiguresCollector(await read_figures(state.engine)))
    body = generate_latest(REGISTRY) + generate_latest(scrape)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
