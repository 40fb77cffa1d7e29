"""An upload (its dry run and import) and the imported cases waiting for their weging.

Imported cases are **not** casussen: they hold the convenant's data until a weging under the
Wet decides (``opname`` turns one into a casus; ``geen actie`` or a missed deadline destroys
it). Whatever happens, the row stays as a stub without personal data, keyed by a keyed hash of
the source's own id, so uploading the same file again never brings a case back.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = [
    "ImportStatus",
    "OvergangInstelling",
    "Overgangsimport",
    "Overgangszaak",
    "ZaakStatus",
]


class ImportStatus(enum.StrEnum):
    PROEF = "proef"  # dry run done, waiting for the user's confirmation
    BEVESTIGD = "bevestigd"  # confirmed, the background job reads it in
    INGELEZEN = "ingelezen"
    VERWORPEN = "verworpen"  # the user discarded the dry run


class ZaakStatus(enum.StrEnum):
    TE_WEGEN = "te_wegen"
    OPGENOMEN = "opgenomen"  # became a casus
    GEEN_ACTIE = "geen_actie"  # waits for tonight's destruction
    VERNIETIGD = "vernietigd"


class Overgangsimport(TimestampedKey, TenantBase):
    __tablename__ = "overgangsimport"

    bestandsnaam: Mapped[str] = mapped_column(String(200))
    formaat: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.PROEF)
    geupload_door: Mapped[uuid.UUID | None]
    geupload_door_organisatie: Mapped[uuid.UUID | None]
    geupload_door_rol: Mapped[str] = mapped_column(String(30))
    # The valid rows of the dry run, kept only until they are read in (then emptied).
    rijen: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # Per row: {"rij": n, "bron_id": ..., "fouten": [...], "status": "nieuw"|"al_ingelezen"|"fout"}
    rapport: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    aantal_rijen: Mapped[int] = mapped_column(Integer, default=0)
    aantal_fouten: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[uuid.UUID | None]
    bevestigd_door: Mapped[uuid.UUID | None]
    bevestigd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ingelezen: Mapped[int] = mapped_column(Integer, default=0)
    overgeslagen: Mapped[int] = mapped_column(Integer, default=0)
    afgerond_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Overgangszaak(TimestampedKey, TenantBase):
    __tablename__ = "overgangszaak"

    import_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("overgangsimport.id", ondelete="SET NULL"), index=True
    )
    # HMAC of the source's own id: idempotence that outlives the destruction of the data.
    bron_sleutel: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=ZaakStatus.TE_WEGEN)
    weeg_uiterlijk: Mapped[date] = mapped_column(Date, index=True)
    # Personal data: emptied when the case is taken in or destroyed.
    bron_id: Mapped[str | None] = mapped_column(String(100))
    naam: Mapped[str | None] = mapped_column(String(200))
    geboortedatum: Mapped[date | None] = mapped_column(Date)
    gemeente_van_verblijf: Mapped[str | None] = mapped_column(String(4))
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    casus_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("casus.id", ondelete="SET NULL"), index=True
    )
    afgehandeld_op: Mapped[date | None] = mapped_column(Date)
    destroy_on: Mapped[date | None] = mapped_column(Date)
    herinnerd: Mapped[bool] = mapped_column(Boolean, default=False)


class OvergangInstelling(TimestampedKey, TenantBase):
    """The municipality's own deadline for weighing imported cases (one row)."""

    __tablename__ = "overgang_instelling"
    __table_args__ = (CheckConstraint("weegtermijn_maanden BETWEEN 1 AND 12", name="termijn"),)

    enkel: Mapped[bool] = mapped_column(Boolean, default=True, unique=True)
    weegtermijn_maanden: Mapped[int] = mapped_column(Integer, default=3)
    gewijzigd_door: Mapped[uuid.UUID | None]
