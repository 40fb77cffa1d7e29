"""A hub's house style through the service: contrast refused in Dutch, logo sniffed and decoded.

Each test runs in one transaction on the runtime role's engine and rolls it back: the shared
test database has one hub, and a stored house style would change every other test's header.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.hub.huisstijl import (
    AUDIT_GEWIJZIGD,
    MAX_LOGO_BYTES,
    HuisstijlGeweigerd,
    controleer_logo,
    huisstijl_van,
    huisstijl_voor_context,
    logo_van,
    stel_in,
)
from casushub.platform.identity.memberships import Actor
from casushub.platform.identity.models import AdminAuditEntry
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef
from casushub.platform.theming import hub_stylesheet


def _beeld(formaat: str, maat: tuple[int, int] = (60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", maat, (21, 66, 115)).save(buffer, formaat)
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


@pytest.fixture
async def conn(app_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with app_engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            await transaction.rollback()


@pytest.fixture
async def actor(
    make_organisation: Callable[..., Awaitable[uuid.UUID]],
    make_user: Callable[..., Awaitable[uuid.UUID]],
    hub_id: uuid.UUID,
) -> Actor:
    organisation_id = await make_organisation(hub_id, "hub")
    return Actor(await make_user(organisation_id), Role.HUB_ADMIN, hub_id, "192.0.2.7")


async def test_low_contrast_colour_is_refused_in_dutch(
    conn: AsyncConnection, hub_id: uuid.UUID, actor: Actor
) -> None:
    with pytest.raises(HuisstijlGeweigerd) as refused:
        await stel_in(conn, hub_id, actor, weergavenaam="ZVH Noord", primaire_kleur="#ffcc00")
    melding = refused.value.fouten["primaire_kleur"]
    assert "te weinig contrast met wit" in melding
    assert "4.5:1" in melding
    assert await huisstijl_van(conn, hub_id) is None
    with pytest.raises(HuisstijlGeweigerd) as refused:
        await stel_in(conn, hub_id, actor, weergavenaam="ZVH Noord", primaire_kleur="red;}")
    assert "hexadecimale code" in refused.value.fouten["primaire_kleur"]


async def test_every_problem_is_reported_in_form_order(
    conn: AsyncConnection, hub_id: uuid.UUID, actor: Actor
) -> None:
    with pytest.raises(HuisstijlGeweigerd) as refused:
        await stel_in(conn, hub_id, actor, weergavenaam=" ", primaire_kleur="#fff", logo=SVG)
    assert list(refused.value.fouten) == ["weergavenaam", "primaire_kleur", "logo"]


async def test_good_colour_is_stored_normalised_and_audited(
    conn: AsyncConnection, hub_id: uuid.UUID, actor: Actor, tenant_a: TenantRef
) -> None:
    stijl = await stel_in(
        conn, hub_id, actor, weergavenaam="  ZVH Regio Noord ", primaire_kleur="#5C0A63"
    )
    assert (stijl.weergavenaam, stijl.primaire_kleur, stijl.versie) == (
        "ZVH Regio Noord",
        "#5c0a63",
        1,
    )
    assert not stijl.heeft_logo
    assert "--ch-color-primary: #5c0a63" in hub_stylesheet(stijl.primaire_kleur)
    # Municipalities of the hub get the same house style; an unknown hub none.
    assert await huisstijl_voor_context(conn, None, tenant_a.id) == stijl
    assert await huisstijl_voor_context(conn, uuid.uuid4(), None) is None
    again = await stel_in(conn, hub_id, actor, weergavenaam="ZVH Noord", primaire_kleur="#000")
    assert (again.versie, again.primaire_kleur) == (2, "#000000")
    entries = (
        await conn.execute(
            select(AdminAuditEntry.details, AdminAuditEntry.actor_user_id, AdminAuditEntry.ip)
            .where(AdminAuditEntry.action == AUDIT_GEWIJZIGD, AdminAuditEntry.target == str(hub_id))
            .order_by(AdminAuditEntry.occurred_at)
        )
    ).all()
    assert [e.details["primaire_kleur"] for e in entries][-2:] == ["#5c0a63", "#000000"]
    assert entries[-1].actor_user_id == actor.user_id
    assert entries[-1].ip == "192.0.2.7"


@pytest.mark.parametrize(
    ("inhoud", "verwacht"),
    [
        (SVG, "SVG-bestand"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "SVG-bestand"),
        # PNG magic bytes with nothing behind them: the name and type were never consulted.
        (b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 10, "geen geldige"),
        # A real JPEG cut off halfway: verify() alone would let it through.
        (_beeld("JPEG", (200, 200))[:300], "geen geldige"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "PNG- of JPEG-afbeelding zijn"),
        (_beeld("PNG") + b"\x00" * MAX_LOGO_BYTES, "groter dan 256 kB"),
        # Tiny file, huge bitmap: refused from the header, before decoding.
        (_beeld("PNG", (3000, 2000)), "te groot in pixels"),
    ],
    ids=["svg-xml", "svg", "fake-png", "truncated-jpeg", "gif", "too-large", "bomb"],
)
def test_logo_refused(inhoud: bytes, verwacht: str) -> None:
    with pytest.raises(HuisstijlGeweigerd) as refused:
        controleer_logo(inhoud)
    assert verwacht in refused.value.fouten["logo"]


async def test_valid_png_and_jpeg_are_stored_with_sniffed_type_and_hash(
    conn: AsyncConnection, hub_id: uuid.UUID, actor: Actor
) -> None:
    png = _beeld("PNG")
    stijl = await stel_in(
        conn, hub_id, actor, weergavenaam="ZVH Noord", primaire_kleur="#154273", logo=png
    )
    assert stijl.heeft_logo
    assert (stijl.logo_breedte, stijl.logo_hoogte) == (60, 30)
    opgeslagen = await logo_van(conn, hub_id)
    assert opgeslagen is not None
    inhoud, soort, sha = opgeslagen
    assert (inhoud, soort) == (png, "image/png")
    assert len(sha) == 64
    # No new file: the logo stays; a JPEG replaces it; removing clears it.
    await stel_in(conn, hub_id, actor, weergavenaam="ZVH Noord", primaire_kleur="#154273")
    assert (await logo_van(conn, hub_id)) == opgeslagen
    jpeg = _beeld("JPEG")
    await stel_in(
        conn, hub_id, actor, weergavenaam="ZVH Noord", primaire_kleur="#154273", logo=jpeg
    )
    assert (await logo_van(conn, hub_id) or (b"", "", ""))[1] == "image/jpeg"
    await stel_in(
        conn,
        hub_id,
        actor,
        weergavenaam="ZVH Noord",
        primaire_kleur="#154273",
        logo_verwijderen=True,
    )
    assert await logo_van(conn, hub_id) is None


async def test_refused_logo_leaves_the_stored_style_unchanged(
    conn: AsyncConnection, hub_id: uuid.UUID, actor: Actor
) -> None:
    await stel_in(conn, hub_id, actor, weergavenaam="ZVH Noord", primaire_kleur="#154273")
    with pytest.raises(HuisstijlGeweigerd):
        await stel_in(
            conn, hub_id, actor, weergavenaam="Anders", primaire_kleur="#000000", logo=SVG
        )
    stijl = await huisstijl_van(conn, hub_id)
    assert stijl is not None
    assert (stijl.weergavenaam, stijl.primaire_kleur, stijl.versie) == ("ZVH Noord", "#154273", 1)
