"""casushub.platform.prepared_statements overrides SQLAlchemy's private ``_prepare`` of the
asyncpg adaptor (no public hook can keep platform and tenant statements apart; the module says
why). This test pins what the override leans on, so an SQLAlchemy release that changes it fails
here instead of silently bypassing the two caches or preparing statements wrongly.

When it fails after an upgrade: read the new ``_prepare`` and the cursor's call to it, adapt
``_Connection._prepare`` if needed, run tests/integration/test_prepared_statements.py, then
update the fingerprint below.
"""

from __future__ import annotations

import hashlib
import inspect

from sqlalchemy.dialects.postgresql import asyncpg as adaptor

from casushub.platform.prepared_statements import TenantAwareAsyncpg, _Connection

# sha256 of the source of AsyncAdapt_asyncpg_connection._prepare as last reviewed (2.1.9).
REVIEWED_PREPARE = "c3b137cf83a78b50134690bb1caeffbdaae338b22bcdd2a038c05412a95da53d"


def test_the_overridden_method_is_the_one_reviewed() -> None:
    base = adaptor.AsyncAdapt_asyncpg_connection._prepare
    assert inspect.iscoroutinefunction(base)
    assert list(inspect.signature(base).parameters) == ["self", "operation", "invalidate_timestamp"]
    assert list(inspect.signature(_Connection._prepare).parameters) == list(
        inspect.signature(base).parameters
    )
    digest = hashlib.sha256(inspect.getsource(base).encode()).hexdigest()
    assert digest == REVIEWED_PREPARE, (
        "SQLAlchemy's asyncpg _prepare changed: review casushub.platform.prepared_statements"
    )


def test_every_statement_is_still_prepared_through_it() -> None:
    # The cursor prepares through the connection's _prepare: otherwise the override is dead.
    cursor = inspect.getsource(adaptor.AsyncAdapt_asyncpg_cursor._prepare_and_execute)
    assert "adapt_connection._prepare(" in cursor
    for name in ("_check_type_cache_invalidation", "create"):
        assert hasattr(adaptor.AsyncAdapt_asyncpg_connection, name), name
    # The cache the platform statements use is the adaptor's own attribute.
    init = inspect.getsource(adaptor.AsyncAdapt_asyncpg_connection.__init__)
    assert "self._prepared_statement_cache" in init
    assert "self._connection" in inspect.getsource(adaptor.AsyncAdapt_asyncpg_connection)
    assert issubclass(TenantAwareAsyncpg, adaptor.AsyncAdapt_asyncpg_dbapi)
