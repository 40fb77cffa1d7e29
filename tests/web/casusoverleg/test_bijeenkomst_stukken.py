"""A meeting's papers: the printed agenda and minutes (tagged PDF, purpose-bound, logged) and
the .ics invitation without personal data."""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from bouwstenen import CSRF_FIELD, HX, bijeenkomst, casus, hub_id, partijen, token, verwerkingen
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef

Client = AsyncTestClient[Litestar]


def _ontpakt(pdf: bytes) -> bytes:
    """The PDF with its compressed (object) streams inflated, to look for structure keys."""
    delen = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.DOTALL):
        try:
            delen.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(delen)


async def test_printed_agenda_and_minutes_need_a_purpose_and_are_logged(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    hub_uuid = await hub_id(admin_engine, hub)
    orgs = await partijen(admin_engine, hub_uuid)
    meeting, _ = await bijeenkomst(admin_engine, hub_uuid, [tenant_a])
    casus_id, _ = await casus(
        app_engine, settings, tenant_a, "Pieter Printbaar", [(orgs.politie, "politie")]
    )
    user = await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    fragment = await client.get(f"/casusoverleg/casussen/{casus_id}/bijeenkomsten", headers=HX)
    geagendeerd = await client.post(
        f"/casusoverleg/casussen/{casus_id}/agenderen",
        data={CSRF_FIELD: token(fragment.text), "bijeenkomst": str(meeting), "doel": "intake"},
        headers=HX,
    )
    punt = re.search(r"/casusoverleg/agendapunten/([0-9a-f-]+)", geagendeerd.text)
    assert punt is not None
    agenda_url = f"/casusoverleg/bijeenkomsten/{meeting}/agenda.pdf"

    zonder = await client.get(agenda_url)
    assert zonder.status_code == 422
    assert "doel" in zonder.text
    assert zonder.headers["content-type"].startswith("text/html")
    log = await verwerkingen(app_engine, settings, tenant_a, user.user_id)
    assert ("export", "read", "toegang geweigerd") in log
    assert not [a for _, a, _ in log if a in {"print", "export"}]

    doel = "voorbereiding en verslag van het casusoverleg"
    pdf = await client.get(agenda_url, params={"doel": doel})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    # Tagged for accessibility (PDF/UA): a structure tree, the language, the UA claim.
    inhoud = _ontpakt(pdf.content)
    assert b"/StructTreeRoot" in inhoud
    assert b"/Lang" in inhoud
    assert b"pdfuaid" in inhoud

    notulen = await client.get(
        f"/casusoverleg/agendapunten/{punt.group(1)}/notulen.pdf", params={"doel": doel}
    )
    assert notulen.status_code == 200
    assert notulen.content.startswith(b"%PDF-")
    geen_doel = await client.get(f"/casusoverleg/agendapunten/{punt.group(1)}/notulen.pdf")
    assert geen_doel.status_code == 422

    log = await verwerkingen(app_engine, settings, tenant_a, user.user_id)
    afdrukken = [(g, d) for g, a, d in log if a == "print"]
    assert len(afdrukken) == 2  # agenda and minutes, each with its purpose
    assert all(d == doel for _, d in afdrukken)


async def test_ics_invitation_has_no_personal_data(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    hub_uuid = await hub_id(admin_engine, hub)
    orgs = await partijen(admin_engine, hub_uuid)
    meeting, naam = await bijeenkomst(admin_engine, hub_uuid, [tenant_a])
    casus_id, _ = await casus(
        app_engine, settings, tenant_a, "Karel Kalendervrij", [(orgs.politie, "politie")]
    )
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    fragment = await client.get(f"/casusoverleg/casussen/{casus_id}/bijeenkomsten", headers=HX)
    await client.post(
        f"/casusoverleg/casussen/{casus_id}/agenderen",
        data={CSRF_FIELD: token(fragment.text), "bijeenkomst": str(meeting), "doel": "review"},
        headers=HX,
    )
    response = await client.get(f"/casusoverleg/bijeenkomsten/{meeting}/uitnodiging.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    tekst = response.text.replace("\r\n ", "")  # unfold
    assert "BEGIN:VEVENT" in tekst
    assert f"SUMMARY:Casusoverleg {naam}" in tekst
    assert "LOCATION:Stadhuis\\, zaal 3" in tekst
    assert "URL:https://video.example.test/overleg" in tekst
    for persoonsgegeven in ("Karel", "Kalendervrij", str(casus_id), "review", "9801"):
        assert persoonsgegeven not in tekst
    velden = {regel.split(":", 1)[0].split(";")[0] for regel in tekst.splitlines()}
    assert velden <= {
        "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "UID", "DTSTAMP",
        "DTSTART", "DTEND", "SUMMARY", "LOCATION", "URL", "CLASS",
    }  # fmt: skip
    # Another municipality gets no calendar for a meeting that is not its own.
    client.cookies.clear()
    await sign_in_as(client, tenant_b, Role.GEMEENTE_REGIE)
    assert (
        await client.get(f"/casusoverleg/bijeenkomsten/{meeting}/uitnodiging.ics")
    ).status_code == 404
    assert (
        await client.get(f"/casusoverleg/bijeenkomsten/{uuid.uuid4()}/uitnodiging.ics")
    ).status_code == 404
