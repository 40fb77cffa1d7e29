"""The dramatiq broker, built from settings.

Default: the PostgreSQL broker (``dramatiq-postgres``) on the application database, with its
queue tables in schema ``dramatiq`` (created by platform revision p0003), so development and
small installations need no extra server. ``BROKER_URL=amqp://…`` selects RabbitMQ,
``redis://…`` Redis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import dramatiq
from dramatiq.middleware import AsyncIO, CurrentMessage, Retries

from casushub.workers.middleware import DeadLetters, TenantMiddleware

if TYPE_CHECKING:
    from dramatiq import Broker

    from casushub.platform.settings import Settings

__all__ = [
    "BROKER_SCHEMA",
    "add_middleware",
    "build_broker",
    "configure",
    "declaring_broker",
    "ensure_configured",
    "libpq_url",
    "use_settings",
]

BROKER_SCHEMA = "dramatiq"
# Out of a million Redis commands, how many also run dramatiq's maintenance (5 %).
REDIS_MAINTENANCE_CHANCE = 50_000
# Modules whose import declares actors; configure() imports them after the broker is set.
ACTOR_MODULES = (
    "casushub.workers.actors",
    "casushub.workers.retention",
    "casushub.workers.verzoeken",
    "casushub.workers.overgang",
    "casushub.workers.herinneringen",
    "casushub.workers.lifecycle",
)


def libpq_url(url: str) -> str:
    """SQLAlchemy's ``postgresql+asyncpg://`` URL as the libpq URL psycopg expects."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def build_broker(settings: Settings) -> Broker:
    url = settings.broker_url
    broker: Broker
    if url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url)
    elif url.startswith(("redis://", "rediss://")):
        from dramatiq.brokers.redis import RedisBroker

        # A killed worker's messages come back after WORKER_HEARTBEAT_TTL, as with the
        # PostgreSQL broker: Redis only requeues them in its maintenance step, which by
        # default runs on 0.1 % of the commands (minutes on a quiet queue); 5 % here.
        broker = RedisBroker(  # type: ignore[no-untyped-call]  # dramatiq leaves it untyped
            url=url,
            heartbeat_timeout=int(settings.worker_heartbeat_ttl * 1000),
            maintenance_chance=REDIS_MAINTENANCE_CHANCE,
        )
    elif not url or url.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
        from casushub.workers.pgbroker import CasushubPostgresBroker

        ttl = settings.worker_heartbeat_ttl
        broker = CasushubPostgresBroker(
            url=libpq_url(url or settings.app_database_url),
            schema=BROKER_SCHEMA,
            results=False,
            # A worker that stops heartbeating for `ttl` seconds is dead: its claimed
            # messages are handed out again (the kill test shortens this).
            heartbeat_interval=max(ttl / 4, 0.5),
            heartbeat_ttl=ttl,
            maintenance_interval=max(ttl / 2, 1.0),
        )
    else:
        msg = "BROKER_URL moet leeg zijn of beginnen met postgresql://, amqp:// of redis://"
        raise ValueError(msg)
    for middleware in broker.middleware:
        if isinstance(middleware, Retries):
            middleware.max_retries = settings.job_max_retries
            middleware.min_backoff = settings.job_min_backoff_ms
    add_middleware(broker)
    return broker


def add_middleware(broker: Broker) -> None:
    # dramatiq 2 does not add these by default: the event loop for our async services, and the
    # current message (its tenant and id) for the actor wrappers.
    broker.add_middleware(AsyncIO())
    broker.add_middleware(CurrentMessage())
    broker.add_middleware(TenantMiddleware())
    broker.add_middleware(DeadLetters())


# The broker this process set as dramatiq's global one (every ``set_broker`` is ours), and the
# settings to build the real one from: kept here rather than read back from dramatiq's
# internals.
_current: Broker | None = None
_settings: Settings | None = None
_built_for: tuple[object, ...] | None = None  # the ``_sleutel`` of the settings _current is from


def _sleutel(settings: Settings) -> tuple[object, ...]:
    """What ``build_broker`` reads: two settings with the same key give the same broker."""
    return (
        settings.broker_url,
        settings.app_database_url,
        settings.worker_heartbeat_ttl,
        settings.job_max_retries,
        settings.job_min_backoff_ms,
    )


def use_settings(settings: Settings) -> None:
    """The settings this process sends messages with, recorded at startup (the web app's
    lifespan); the broker itself is built on the first send."""
    global _settings
    _settings = settings


def _set(broker: Broker) -> None:
    global _current
    dramatiq.set_broker(broker)
    _current = broker


def declaring_broker() -> Broker:
    """The broker actors are declared on at import time.

    Importing an actor module before ``configure`` (tests, the web app) must not create
    dramatiq's default RabbitMQ broker: a stub with our middleware holds the actors until
    ``configure`` moves them to the real broker.
    """
    if _current is None:
        from dramatiq.brokers.stub import StubBroker

        stub = StubBroker()
        add_middleware(stub)
        _set(stub)
        return stub
    return _current


def configure(settings: Settings) -> Broker:
    """Make a broker from ``settings`` the global one and declare every actor on it.

    Calling it again (tests switch brokers) moves the already declared actors over.
    """
    from casushub.workers import runtime

    global _built_for
    previous = _current
    broker = build_broker(settings)
    use_settings(settings)
    _set(broker)
    _built_for = _sleutel(settings)
    runtime.configure(settings, broker)
    if previous is not None and previous is not broker:
        for actor in list(previous.actors.values()):
            actor.broker = broker
            broker.declare_actor(actor)
        previous.close()
    for module in ACTOR_MODULES:
        importlib.import_module(module)
    return broker


def ensure_configured() -> Broker:
    """The configured broker; in a process that only sends (the web), built on first use from
    the settings recorded at startup (``use_settings``), never from the environment.

    Without this, a send before any ``configure`` would land in the declaring stub and be lost.
    A broker built from other settings than the recorded ones is built again: an app started
    after another in the same process (tests) sends where its own settings say.
    """
    from dramatiq.brokers.stub import StubBroker

    if (
        _current is not None
        and not isinstance(_current, StubBroker)
        and (_settings is None or _sleutel(_settings) == _built_for)
    ):
        return _current
    if _settings is None:
        msg = "geen broker-instellingen: roep configure() of use_settings() aan bij het starten"
        raise RuntimeError(msg)
    return configure(_settings)
