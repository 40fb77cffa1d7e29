"""Declarative base for tenant tables.

Tenant tables are declared **without** a schema: a tenant transaction resolves them through its
``search_path`` of exactly one ``t_<slug>`` schema (casushub.platform.tenancy). Rules that keep
the Citus path open (checked by ``tests/integration/test_citus_rules.py``): UUID keys, no
foreign keys to ``platform``, no sequences.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.platform.models import NAMING_CONVENTION

__all__ = ["TenantBase", "TimestampedKey"]


class TenantBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampedKey:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
