"""The PostgreSQL broker with one fix to its consumer's wake-up.

``dramatiq-postgres`` 1.4 clears the consumer's wake-up event *after* a claim that found
nothing; a ``NOTIFY`` (or an ack freeing capacity) that arrives during that claim is then
lost and the consumer sleeps until its poll timeout. Clearing the event *before* claiming
keeps that wake-up: the wait returns at once and the loop claims again. Measured by
``bench/workers.py`` (enqueue→start p95).
"""

from __future__ import annotations

from typing import Any

from dramatiq.broker import MessageProxy
from dramatiq_postgres import PostgresBroker
from dramatiq_postgres.broker import CLAIM_BATCH_MAX, PostgresConsumer
from dramatiq_postgres.utils import raise_connection_error

__all__ = ["CasushubPostgresBroker"]


class _Consumer(PostgresConsumer):  # type: ignore[misc]  # the library ships no type hints
    @raise_connection_error  # type: ignore[untyped-decorator]  # idem
    def __next__(self) -> MessageProxy | None:
        conn = self.get_consume_conn()
        self.broker.maybe_heartbeat(conn)
        self.broker.maybe_maintenance(conn)
        if not self.buffer:
            self.wakeup.clear()  # before the claim: a notify during it must not be lost
            capacity = self.prefetch - len(self.in_processing)
            if capacity > 0:
                self.claim(min(capacity, CLAIM_BATCH_MAX))
        if self.buffer:
            message = self.buffer.pop(0)
            self.in_processing.add(message.message_id)
            return MessageProxy(message)
        self.wakeup.wait(min(self.timeout_s, self.broker.poll_interval))
        return None


class CasushubPostgresBroker(PostgresBroker):  # type: ignore[misc]  # the library ships no type hints
    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 30000) -> Any:
        return _Consumer(broker=self, queue_name=queue_name, prefetch=prefetch, timeout=timeout)
