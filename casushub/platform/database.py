"""Engines and sessions for the shared ``platform`` schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from casushub.platform.settings import Settings

__all__ = ["create_admin_engine", "create_app_engine", "platform_sessionmaker"]

# Tenant SQL names no schema (casushub.platform.tenancy), so every municipality shares the same
# statement texts and one cache per connection holds the platform's and the tenants' alike.
_CONNECT_ARGS = {
    "server_settings": {"application_name": "casushub"},
    "prepared_statement_cache_size": 512,
}


def create_app_engine(settings: Settings) -> AsyncEngine:
    """The runtime login role: no tenant rights outside ``SET LOCAL ROLE``."""
    if not settings.app_database_url:
        msg = "DATABASE_URL is niet ingesteld"
        raise RuntimeError(msg)
    return create_async_engine(
        settings.app_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        # No pre-ping: with asyncpg it is three round trips (BEGIN, ping, ROLLBACK) on every
        # checkout, several times per request. A connection the server dropped is
        # found on first use instead: that request answers the Dutch 503
        # (casushub.web.errors) and SQLAlchemy discards every pooled connection of before the
        # drop (tests/reliability/test_database_restart.py). Recycling bounds how old an idle
        # connection gets, for proxies and firewalls that drop them silently.
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args=_CONNECT_ARGS,
        query_cache_size=1200,
    )


def create_admin_engine(settings: Settings, *, pool_size: int = 5) -> AsyncEngine:
    """The owner role: migrations and provisioning only."""
    if not settings.database_url:
        msg = "DATABASE_URL is niet ingesteld"
        raise RuntimeError(msg)
    return create_async_engine(
        settings.database_url,
        pool_size=pool_size,
        max_overflow=0,
        connect_args=_CONNECT_ARGS,
    )


def platform_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
