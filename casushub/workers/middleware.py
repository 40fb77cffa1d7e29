"""dramatiq middleware: the tenant travels with the message; exhausted messages are kept.

``TenantMiddleware`` runs in the sending process: a tenant-scoped actor without a valid
``tenant_id`` option, or any message whose arguments are not ids, is refused before it
reaches the broker. The worker side (registry check, tenant session) is in
``casushub.workers.declare``.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from dramatiq.middleware import Middleware, MiddlewareError

if TYPE_CHECKING:
    from dramatiq import Broker, Message, Worker
    from dramatiq.broker import MessageProxy

__all__ = ["DeadLetters", "NotIds", "TenantMiddleware", "TenantRequired"]

log = logging.getLogger(__name__)


class TenantRequired(MiddlewareError):
    """A tenant-scoped actor was sent without a tenant."""


class NotIds(MiddlewareError):
    """A message argument that is not an id (messages never carry personal data)."""


def _is_id(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    if isinstance(value, str):
        try:
            uuid.UUID(value)
        except ValueError:
            return False
        return True
    return False


def message_tenant_id(message: Message[Any] | MessageProxy) -> uuid.UUID | None:
    raw = message.options.get("tenant_id")
    if not isinstance(raw, str):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


class TenantMiddleware(Middleware):
    @property
    def actor_options(self) -> set[str]:
        return {"tenant_scoped", "tracked"}

    def before_enqueue(self, broker: Broker, message: Message[Any], delay: int | None) -> None:
        actor = broker.get_actor(message.actor_name)
        if actor.options.get("tenant_scoped") and message_tenant_id(message) is None:
            msg = (
                f"{message.actor_name} werkt voor één gemeente: verstuur het met "
                "send_for_tenant(actor, tenant, ...), niet zonder tenant"
            )
            raise TenantRequired(msg)
        values = [*message.args, *message.kwargs.values()]
        if not all(_is_id(value) for value in values):
            msg = f"{message.actor_name}: een bericht bevat alleen id's (UUID of getal)"
            raise NotIds(msg)


class DeadLetters(Middleware):
    """Keep messages whose retries ran out in ``platform.dead_letters``, for any broker."""

    def after_nack(self, broker: Broker, message: MessageProxy) -> None:
        from casushub.workers import runtime
        from casushub.workers.deadletters import record_dead_letter

        exception = getattr(message, "_exception", None)
        error = f"{type(exception).__name__}: {exception}" if exception is not None else ""
        try:
            current = runtime.current()
            current.run(record_dead_letter(current, message, error))
        except Exception:
            log.exception("dead letter not recorded", extra={"message_id": message.message_id})

    def before_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        from casushub.workers import runtime

        try:
            current = runtime.current()
            current.run(current.dispose())
        except Exception:
            log.debug("engines not disposed at shutdown", exc_info=True)
