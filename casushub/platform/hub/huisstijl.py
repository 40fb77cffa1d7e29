"""A hub's house style: display name, primary colour and logo, set by the hub admin.

The colour must reach WCAG 2.1 AA contrast against white (``primary_color_problem``); it is the
header background behind white text and the colour of links and buttons. The logo is a PNG or
JPEG of at most 256 KB. What a file *is* is decided from its bytes only — never from its name
or the browser's Content-Type — and it must then decode with Pillow. SVG is refused: it is a
document that can carry script, not a picture.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.fouten import RegelFouten
from casushub.platform.identity.audit import record
from casushub.platform.models import PlatformBase, Tenant

# The one web module used here: pure functions without Litestar. The stylesheet generator and
# this check must apply the very same rule, so there is one implementation of it.
from casushub.platform.theming import parse_hex_color, primary_color_problem

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from casushub.platform.identity.memberships import Actor

__all__ = [
    "AUDIT_GEWIJZIGD",
    "MAX_LOGO_BYTES",
    "HubHuisstijl",
    "Huisstijl",
    "HuisstijlGeweigerd",
    "Logo",
    "controleer_logo",
    "huisstijl_van",
    "huisstijl_voor_context",
    "logo_van",
    "stel_in",
]

MAX_LOGO_BYTES = 256 * 1024
# Larger than any header needs; the limit is checked from the header before decoding, so a
# small file that unpacks to a huge bitmap (a decompression bomb) is refused unopened.
MAX_LOGO_PIXELS = 4_000_000
AUDIT_GEWIJZIGD = "huisstijl_gewijzigd"

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_SOORTEN = {"PNG": "image/png", "JPEG": "image/jpeg"}

GEEN_AFBEELDING = "Het logo moet een PNG- of JPEG-afbeelding zijn."
SVG_GEWEIGERD = (
    "Een SVG-bestand kan niet als logo worden gebruikt: het kan scripts bevatten. "
    "Kies een PNG- of JPEG-afbeelding."
)
TE_GROOT = "Het logo is groter dan 256 kB. Kies een kleiner bestand."
ONLEESBAAR = "Dit bestand is geen geldige PNG- of JPEG-afbeelding (het kan niet worden gelezen)."
TE_VEEL_PIXELS = "Het logo is te groot in pixels (maximaal 4 miljoen beeldpunten)."


class HubHuisstijl(PlatformBase):
    """One row per hub that has set a house style (migration p0006)."""

    __tablename__ = "hub_huisstijlen"

    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.hubs.id"), primary_key=True)
    weergavenaam: Mapped[str] = mapped_column(String(200))
    primaire_kleur: Mapped[str] = mapped_column(String(7))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    logo_breedte: Mapped[int | None] = mapped_column(Integer)
    logo_hoogte: Mapped[int | None] = mapped_column(Integer)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    gewijzigd_door: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))
    gewijzigd_op: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class HuisstijlGeweigerd(RegelFouten):
    """The house style cannot be stored; ``fouten`` maps form field -> Dutch message."""


@dataclass(frozen=True)
class Logo:
    inhoud: bytes
    type: str
    sha256: str
    breedte: int
    hoogte: int


@dataclass(frozen=True)
class Huisstijl:
    """What a page needs (no logo bytes: those come from :func:`logo_van`)."""

    hub_id: uuid.UUID
    weergavenaam: str
    primaire_kleur: str
    versie: int
    logo_type: str | None
    logo_sha256: str | None
    logo_breedte: int | None
    logo_hoogte: int | None

    @property
    def heeft_logo(self) -> bool:
        return self.logo_sha256 is not None


_KOLOMMEN = (
    HubHuisstijl.hub_id,
    HubHuisstijl.weergavenaam,
    HubHuisstijl.primaire_kleur,
    HubHuisstijl.versie,
    HubHuisstijl.logo_type,
    HubHuisstijl.logo_sha256,
    HubHuisstijl.logo_breedte,
    HubHuisstijl.logo_hoogte,
)


def _soort_uit_bytes(inhoud: bytes) -> str | None:
    """PIL format name from the magic bytes, or None."""
    if inhoud.startswith(_PNG):
        return "PNG"
    if inhoud.startswith(_JPEG):
        return "JPEG"
    return None


def _lijkt_svg(inhoud: bytes) -> bool:
    begin = inhoud[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return begin.startswith(b"<") and (
        b"<svg" in inhoud[:4096].lower() or begin.startswith(b"<?xml")
    )


def controleer_logo(inhoud: bytes) -> Logo:
    """The logo as stored, or :class:`HuisstijlGeweigerd` for field ``logo``.

    Order: size, then the magic bytes, then Pillow reads the header (format must match the magic
    bytes, dimensions within bounds), ``verify()`` checks the structure, and a full decode
    catches a truncated or corrupt image that ``verify()`` lets through (JPEG).
    """
    # Imported here: Pillow is only needed when a logo is uploaded, not on every page.
    from PIL import Image, UnidentifiedImageError

    def weiger(melding: str) -> HuisstijlGeweigerd:
        return HuisstijlGeweigerd({"logo": melding})

    if len(inhoud) > MAX_LOGO_BYTES:
        raise weiger(TE_GROOT)
    soort = _soort_uit_bytes(inhoud)
    if soort is None:
        raise weiger(SVG_GEWEIGERD if _lijkt_svg(inhoud) else GEEN_AFBEELDING)
    try:
        with Image.open(io.BytesIO(inhoud), formats=[soort]) as beeld:
            breedte, hoogte = beeld.size
            if beeld.format != soort:
                raise weiger(GEEN_AFBEELDING)
            if breedte < 1 or hoogte < 1 or breedte * hoogte > MAX_LOGO_PIXELS:
                raise weiger(TE_VEEL_PIXELS)
            beeld.verify()
        with Image.open(io.BytesIO(inhoud), formats=[soort]) as beeld:
            beeld.load()
    except HuisstijlGeweigerd:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise weiger(ONLEESBAAR) from None
    return Logo(
        inhoud=inhoud,
        type=_SOORTEN[soort],
        sha256=hashlib.sha256(inhoud).hexdigest(),
        breedte=breedte,
        hoogte=hoogte,
    )


def _controleer_naam(naam: str) -> str | None:
    if len(naam) < 2:
        return "Vul de naam in die de schermen van de hub tonen (minstens 2 tekens)."
    if len(naam) > 200:
        return "De naam is te lang (maximaal 200 tekens)."
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in naam):
        return "De naam bevat tekens die niet zichtbaar zijn. Typ de naam opnieuw."
    return None


# Built once: the layout reads the house style for every full page.
_VAN_HUB = select(*_KOLOMMEN).where(HubHuisstijl.hub_id == bindparam("hub_id"))
_VAN_TENANT = (
    select(*_KOLOMMEN)
    .join(Tenant, Tenant.hub_id == HubHuisstijl.hub_id)
    .where(Tenant.id == bindparam("tenant_id"))
)


async def huisstijl_van(conn: AsyncConnection, hub_id: uuid.UUID) -> Huisstijl | None:
    row = (await conn.execute(_VAN_HUB, {"hub_id": hub_id})).first()
    return Huisstijl(*row) if row else None


async def huisstijl_voor_context(
    conn: AsyncConnection, hub_id: uuid.UUID | None, tenant_id: uuid.UUID | None
) -> Huisstijl | None:
    """The house style of the hub a context belongs to: the hub itself, or the tenant's hub."""
    if hub_id is not None:
        return await huisstijl_van(conn, hub_id)
    if tenant_id is None:
        return None
    row = (await conn.execute(_VAN_TENANT, {"tenant_id": tenant_id})).first()
    return Huisstijl(*row) if row else None


async def logo_van(conn: AsyncConnection, hub_id: uuid.UUID) -> tuple[bytes, str, str] | None:
    """(bytes, content type, sha256) of the hub's logo, or None."""
    row = (
        await conn.execute(
            select(HubHuisstijl.logo, HubHuisstijl.logo_type, HubHuisstijl.logo_sha256).where(
                HubHuisstijl.hub_id == hub_id, HubHuisstijl.logo.is_not(None)
            )
        )
    ).first()
    if row is None or row.logo is None or row.logo_type is None or row.logo_sha256 is None:
        return None
    return bytes(row.logo), row.logo_type, row.logo_sha256


async def stel_in(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    actor: Actor,
    *,
    weergavenaam: str,
    primaire_kleur: str,
    logo: bytes | None = None,
    logo_verwijderen: bool = False,
) -> Huisstijl:
    """Store the hub's house style (all fields checked first) and audit the change.

    ``logo`` None keeps the current logo unless ``logo_verwijderen``; new bytes replace it.
    Raises :class:`HuisstijlGeweigerd` with every problem found, in form order.
    """
    fouten: dict[str, str] = {}
    naam = weergavenaam.strip()
    if probleem := _controleer_naam(naam):
        fouten["weergavenaam"] = probleem
    kleur = primaire_kleur.strip()
    if probleem := primary_color_problem(kleur):
        fouten["primaire_kleur"] = probleem
    nieuw_logo: Logo | None = None
    if logo is not None:
        try:
            nieuw_logo = controleer_logo(logo)
        except HuisstijlGeweigerd as geweigerd:
            fouten.update(geweigerd.fouten)
    if fouten:
        raise HuisstijlGeweigerd(fouten)
    r, g, b = parse_hex_color(kleur)
    kleur = f"#{r:02x}{g:02x}{b:02x}"

    waarden: dict[str, object] = {
        "weergavenaam": naam,
        "primaire_kleur": kleur,
        "gewijzigd_door": actor.user_id,
        "gewijzigd_op": func.now(),
    }
    if nieuw_logo is not None:
        waarden.update(
            logo=nieuw_logo.inhoud,
            logo_type=nieuw_logo.type,
            logo_sha256=nieuw_logo.sha256,
            logo_breedte=nieuw_logo.breedte,
            logo_hoogte=nieuw_logo.hoogte,
        )
    elif logo_verwijderen:
        waarden.update(
            logo=None, logo_type=None, logo_sha256=None, logo_breedte=None, logo_hoogte=None
        )
    stmt = pg_insert(HubHuisstijl).values(hub_id=hub_id, versie=1, **waarden)
    stmt = stmt.on_conflict_do_update(
        index_elements=[HubHuisstijl.hub_id],
        set_={**waarden, "versie": HubHuisstijl.versie + 1},
    )
    await conn.execute(stmt)
    await record(
        conn,
        AUDIT_GEWIJZIGD,
        actor_user_id=actor.user_id,
        target=str(hub_id),
        details={
            "weergavenaam": naam,
            "primaire_kleur": kleur,
            "logo": (
                nieuw_logo.sha256
                if nieuw_logo
                else ("verwijderd" if logo_verwijderen else "ongewijzigd")
            ),
        },
        ip=actor.ip,
    )
    nu = await huisstijl_van(conn, hub_id)
    assert nu is not None  # noqa: S101 - written just above in this transaction
    return nu
