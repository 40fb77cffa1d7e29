"""Shared registry in schema ``platform``: hubs and tenants (municipalities).

No personal data lives here (docs/design.md §3). Organisations, users, memberships, sessions,
jobs and the admin audit log share this schema from their own modules.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casushub.platform.ids import new_id

__all__ = ["Hub", "HubType", "PlatformBase", "Tenant", "TenantStatus"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class PlatformBase(DeclarativeBase):
    metadata = MetaData(schema="platform", naming_convention=NAMING_CONVENTION)


class HubType(enum.StrEnum):
    ZVH = "zvh"
    CENTRUMGEMEENTE = "centrumgemeente"
    GEMEENTE = "gemeente"


class TenantStatus(enum.StrEnum):
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATING = "terminating"
    TERMINATED = "terminated"


class Hub(PlatformBase):
    __tablename__ = "hubs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(41), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20), default=HubType.ZVH.value)
    contact: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Tenant(PlatformBase):
    """A municipality served by a hub; its personal data live in schema ``t_<slug>``."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.hubs.id"), index=True)
    slug: Mapped[str] = mapped_column(String(41), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    gemeentecode: Mapped[str] = mapped_column(String(4), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=TenantStatus.PROVISIONING.value)
    schema_revision: Mapped[str | None] = mapped_column(String(64))
    # The burgemeester is the contactpunt for data-subject requests (Besluit art. 2(2)).
    contactpunt_functie: Mapped[str] = mapped_column(String(200), default="")
    contactpunt_postadres: Mapped[str] = mapped_column(String(400), default="")
    contactpunt_email: Mapped[str] = mapped_column(String(320), default="")
    # The hub processes for the municipality under this agreement (docs/design.md rule 9).
    verwerkersovereenkomst: Mapped[str] = mapped_column(String(200), default="")
    verwerkersovereenkomst_start: Mapped[date | None] = mapped_column(Date)
    verwerkersovereenkomst_eind: Mapped[date | None] = mapped_column(Date)
    situatie: Mapped[str] = mapped_column(String(20), default="zvh")
    beeindigd_op: Mapped[date | None] = mapped_column(Date)
    vernietigen_op: Mapped[date | None] = mapped_column(Date)
    # The receipt of the hub's copy being destroyed after termination (platform p0012).
    vernietigd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    @property
    def schema(self) -> str:
        return f"t_{self.slug}"
