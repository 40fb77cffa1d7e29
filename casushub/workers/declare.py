"""Declaring actors: thin wrappers that give a service what it needs and nothing more.

A tenant actor receives a ``TenantJob``: the tenant, checked against the registry in the
worker (never trusted from the message alone), and a session for exactly that tenant,
opened with the same role-guarded ``tenant_session`` as the web. By default the message is
marked processed inside that same transaction, so a duplicate delivery (a relay that
crashed after enqueueing, a worker killed after commit) has no second effect.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dramatiq
from dramatiq.middleware import CurrentMessage

from casushub.platform.registry import TenantUnavailable, servable_tenant
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.services import claim_once
from casushub.workers import runtime
from casushub.workers.broker import declaring_broker
from casushub.workers.heartbeat import record_success
from casushub.workers.middleware import message_tenant_id

if TYPE_CHECKING:
    from dramatiq import Actor, Message
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = [
    "PlatformJob",
    "TenantJob",
    "TenantRefused",
    "platform_actor",
    "send_for_tenant",
    "tenant_actor",
]


class TenantRefused(RuntimeError):
    """The message's tenant is missing, unknown or ended: never retried."""


@dataclass(frozen=True)
class PlatformJob:
    runtime: runtime.Runtime
    message_id: uuid.UUID


@dataclass(frozen=True)
class TenantJob:
    runtime: runtime.Runtime
    message_id: uuid.UUID
    tenant: TenantRef
    session: AsyncSession
    """Already inside a transaction; it commits when the actor returns."""


def _current_message() -> Message[Any]:
    message = CurrentMessage.get_current_message()
    if message is None:
        msg = "geen huidig bericht: de CurrentMessage-middleware ontbreekt"
        raise RuntimeError(msg)
    return message


def platform_actor(
    actor_name: str, *, periodic: bool = False, **options: Any
) -> Callable[[Callable[..., Coroutine[Any, Any, None]]], Actor[..., None]]:
    """An actor on platform data (registry, jobs, mail); ``fn(job, **ids)``.

    ``periodic``: a job the scheduler sends; each success is recorded for the metrics.
    """

    def decorator(fn: Callable[..., Coroutine[Any, Any, None]]) -> Actor[..., None]:
        def run(**ids: Any) -> None:
            message = _current_message()
            current = runtime.current()
            current.run(fn(PlatformJob(current, uuid.UUID(message.message_id)), **ids))
            if periodic:
                current.run(record_success(current.app_engine, actor_name))

        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        actor: Actor[..., None] = dramatiq.actor(
            actor_name=actor_name, broker=declaring_broker(), **options
        )(run)
        return actor

    return decorator


def tenant_actor(
    actor_name: str, *, idempotent: bool = True, periodic: bool = False, **options: Any
) -> Callable[[Callable[..., Coroutine[Any, Any, None]]], Actor[..., None]]:
    """An actor for one tenant; ``fn(job, **ids)`` runs inside that tenant's transaction.

    ``periodic``: daily work per tenant; each success (after commit) is recorded per tenant.
    """

    def decorator(fn: Callable[..., Coroutine[Any, Any, None]]) -> Actor[..., None]:
        def run(**ids: Any) -> None:
            message = _current_message()
            current = runtime.current()
            tenant_id = message_tenant_id(message)
            if tenant_id is None:
                msg = f"{actor_name}: bericht zonder (geldige) tenant geweigerd"
                raise TenantRefused(msg)
            current.run(
                _run_for_tenant(current, fn, actor_name, tenant_id, message, idempotent, ids)
            )
            if periodic:
                current.run(record_success(current.app_engine, actor_name, tenant_id))

        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        options.setdefault("throws", (TenantRefused,))
        actor: Actor[..., None] = dramatiq.actor(
            actor_name=actor_name, broker=declaring_broker(), tenant_scoped=True, **options
        )(run)
        return actor

    return decorator


async def _run_for_tenant(
    current: runtime.Runtime,
    fn: Callable[..., Coroutine[Any, Any, None]],
    actor_name: str,
    tenant_id: uuid.UUID,
    message: Message[Any],
    idempotent: bool,
    ids: dict[str, Any],
) -> None:
    from casushub.workers.relay import relay_tenant

    engine = current.app_engine
    async with engine.connect() as conn:
        try:
            tenant = await servable_tenant(conn, tenant_id)
        except TenantUnavailable as exc:
            if exc.reason in {"onbekend", "status terminated", "status terminating"}:
                msg = f"{actor_name}: gemeente {exc.slug} wordt niet bediend ({exc.reason})"
                raise TenantRefused(msg) from exc
            raise  # e.g. a schema being migrated: worth a retry later
    message_id = uuid.UUID(message.message_id)
    async with tenant_session(engine, tenant, current.settings) as session, session.begin():
        if idempotent and not await claim_once(session, message_id, actor_name):
            return
        await fn(TenantJob(current, message_id, tenant, session), **ids)
    # Work the actor recorded in the outbox follows at once (the sweep is the safety net).
    await relay_tenant(current, tenant)


def send_for_tenant(
    actor: Actor[..., Any], tenant: TenantRef, *, delay: int | None = None, **ids: Any
) -> Message[Any]:
    """Send a tenant-scoped actor; the tenant travels as a message option, ids as kwargs."""
    return actor.send_with_options(
        kwargs={name: _id_value(value) for name, value in ids.items()},
        delay=delay,
        tenant_id=str(tenant.id),
    )


def _id_value(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value
