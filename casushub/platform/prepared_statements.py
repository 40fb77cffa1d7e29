"""Prepared statements with many tenants: platform SQL always cached, tenant SQL when it recurs.

SQLAlchemy's asyncpg adaptor prepares every statement it runs and keeps the last
``prepared_statement_cache_size`` of them per connection, in one LRU. Tenant SQL names its
schema (``schema_translate_map``, docs/design.md §3), so every municipality has its own texts. With
hundreds of tenants those texts push everything out of that one LRU, the platform statements
of every request (session, identity, tenant gate) included: each statement is then prepared
again (one more round trip, and a new plan), and each one pushed out costs asyncpg another
round trip to close it (measurements in bench/README.md).

So each pooled connection keeps:

- platform SQL, the same text for every tenant, in its own LRU that tenant SQL cannot evict;
- tenant SQL that comes back while this connection still remembers seeing it, prepared in a
  second, bounded LRU: a hub with a few busy municipalities keeps their statements prepared;
- tenant SQL seen for the first time as PostgreSQL's unnamed statement, which the next one
  replaces: nothing to close afterwards, so a thousand rarely used tenants cause no churn.

Which cache a statement lands in only decides how fast it runs, never what it reads: the
schema is in the text itself, the tenant role a parameter of the transaction's first statement
(casushub.platform.tenancy).
"""

from __future__ import annotations

import itertools
import re
import time
from collections import OrderedDict
from typing import Any

import asyncpg
from sqlalchemy import util
from sqlalchemy.dialects.postgresql.asyncpg import (
    AsyncAdapt_asyncpg_connection,
    AsyncAdapt_asyncpg_dbapi,
)
from sqlalchemy.util.concurrency import await_

__all__ = [
    "PLATFORM_STATEMENTS",
    "TENANT_SEEN",
    "TENANT_STATEMENTS",
    "TenantAwareAsyncpg",
    "is_tenant_sql",
]

PLATFORM_STATEMENTS = 256
TENANT_STATEMENTS = 128
# How many first sightings are remembered (as hashes: a collision merely prepares a statement
# one use early). Twice the tenant cache: a statement that comes back sooner than that would
# stay in the cache; one that comes back later would be pushed out (and closed) before its
# next use (the figures behind this choice are in bench/README.md).
TENANT_SEEN = 2 * TENANT_STATEMENTS

# A tenant schema as SQLAlchemy renders it (``t_<slug>.casus``, quoted or not; see
# casushub.platform.tenancy.SLUG_PATTERN) and a role switch that names its role.
_TENANT_SQL = re.compile(r'(?:\b|")t_[a-z][a-z0-9_]*"?\.|^SET (?:LOCAL )?ROLE ')
_names = itertools.count()


def is_tenant_sql(operation: str) -> bool:
    return _TENANT_SQL.search(operation) is not None


# Why a private method is overridden: SQLAlchemy's only public knob is the size of its one
# LRU (``prepared_statement_cache_size``), and asyncpg's own cache (``statement_cache_size``)
# is one LRU too; neither can tell platform SQL from tenant SQL, which is the whole point. The
# adaptor's ``_prepare(operation, invalidate_timestamp)`` is the single place every statement
# is prepared, so it is overridden here, leaning on the adaptor's ``_prepared_statement_cache``,
# ``_check_type_cache_invalidation`` and ``_connection``. tests/unit/test_prepared_statements_
# contract.py pins that source: an SQLAlchemy release that changes it fails the test, and this
# class is re-read against the new version before the fingerprint is updated.
# SQLAlchemy's asyncpg adaptor has no annotations: its calls below carry no-untyped-call.
class _Connection(AsyncAdapt_asyncpg_connection):
    __slots__ = ("_tenant_seen", "_tenant_statements")

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(  # type: ignore[no-untyped-call]
            dbapi, connection, prepared_statement_cache_size=PLATFORM_STATEMENTS
        )
        self._tenant_statements: util.LRUCache[str, tuple[Any, Any, float]] = util.LRUCache(
            TENANT_STATEMENTS
        )
        self._tenant_seen: OrderedDict[int, None] = OrderedDict()

    async def _prepare(self, operation: str, invalidate_timestamp: float) -> tuple[Any, Any]:
        # The platform cache first: its hit costs less than the pattern search.
        if operation in self._prepared_statement_cache or not is_tenant_sql(operation):
            return await super()._prepare(operation, invalidate_timestamp)  # type: ignore[no-untyped-call,no-any-return]
        await self._check_type_cache_invalidation(invalidate_timestamp)  # type: ignore[no-untyped-call]
        cached = self._tenant_statements.get(operation)
        if cached is not None and cached[2] > invalidate_timestamp:
            return cached[0], cached[1]
        key = hash(operation)
        recurs = key in self._tenant_seen
        if recurs:
            del self._tenant_seen[key]
        else:
            self._tenant_seen[key] = None
            if len(self._tenant_seen) > TENANT_SEEN:
                self._tenant_seen.popitem(last=False)
        # A named statement lives until asyncpg closes it, after the LRU lets go of it; the
        # unnamed one ("") is replaced by the next statement on this connection, which
        # SQLAlchemy's execute mutex keeps from coming between this prepare and its execute.
        name = f"__casushub_{next(_names)}__" if recurs else ""
        statement = await self._connection.prepare(operation, name=name)
        attributes = statement.get_attributes()
        if recurs:
            self._tenant_statements[operation] = (statement, attributes, time.time())
        return statement, attributes


class TenantAwareAsyncpg(AsyncAdapt_asyncpg_dbapi):
    """The DBAPI module for ``create_async_engine(..., module=TenantAwareAsyncpg())``."""

    def __init__(self) -> None:
        super().__init__(asyncpg)  # type: ignore[no-untyped-call]

    def connect(self, *arg: Any, **kw: Any) -> _Connection:
        creator = kw.pop("async_creator_fn", self.asyncpg.connect)
        return await_(_Connection.create(self, creator(*arg, **kw)))
