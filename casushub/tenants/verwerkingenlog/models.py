"""The access log (verwerkingenlog): one row per read, change or export of personal data.

docs/design.md rule 6. Rows hold ids and categories only, never names or free text about a person,
so the log can outlive the casus it describes: after a casus is destroyed its entries keep
only ids that no longer point at anything (``tests/unit/privacy`` pins the column list).
Each row carries the hash of its predecessor (``vorige_hash``) and its own ``hash``: editing
or deleting a row breaks the chain.
``volgnummer`` is assigned under a per-tenant advisory lock, not from a sequence (Citus path).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.tenants.base import TenantBase

__all__ = ["Actie", "Verwerking", "VerwerkingAnker"]


class Actie(enum.StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    PRINT = "print"
    SEARCH = "search"


class Verwerking(TenantBase):
    __tablename__ = "verwerking"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    volgnummer: Mapped[int] = mapped_column(BigInteger, unique=True)
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[uuid.UUID | None]
    organisation_id: Mapped[uuid.UUID | None]
    rol: Mapped[str] = mapped_column(String(40))
    casus_id: Mapped[uuid.UUID | None]
    persoon_id: Mapped[uuid.UUID | None]
    gegevensgroep: Mapped[str] = mapped_column(String(60))
    actie: Mapped[str] = mapped_column(String(20))
    doel: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(64))
    # Non-personal detail only, e.g. the keyed hash of a search term or a result count.
    detail: Mapped[str | None] = mapped_column(String(200))
    vorige_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class VerwerkingAnker(TenantBase):
    """Where the chain starts after the log's own retention removed its oldest entries.

    Written only by the database function ``verwerkingenlog_opschonen`` (the tenant role may
    read it, not write it): the first remaining entry must chain to ``hash`` and carry
    ``tot_volgnummer + 1``.
    """

    __tablename__ = "verwerking_anker"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    tot_volgnummer: Mapped[int] = mapped_column(BigInteger, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    grens: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    aantal: Mapped[int] = mapped_column(BigInteger)
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True))
