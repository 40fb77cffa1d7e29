"""Uploads: size limit, type from the content (never the name or the client's Content-Type),
file names only as display names, attachments served so that no browser renders them, and
another municipality cannot download them.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import csrf_token, normalise_body, use_session
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.bestandstypen import (
    DOCX,
    ODT,
    PDF,
    PNG,
    TEKST,
    XLSX,
    OngeldigBestand,
    herken,
    veilige_naam,
)
from casushub.tenants.casus.bijlagen import mag_bijlage_toevoegen
from casushub.tenants.casus.models import Bijlage, InformatieItem
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.web.app import CSRF_HEADER, create_app, session_config
from casushub.web.casusoverleg.bijlagen import content_disposition

Client = AsyncTestClient[Litestar]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _zip(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries.items()):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


# --- the sniffing itself (no database) -------------------------------------------------------


@pytest.mark.parametrize(
    ("inhoud", "soort"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", None),  # JPEG, checked by mediatype below
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), DOCX),
        (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}), XLSX),
        (
            _zip(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"},
                stored_first=True,
            ),
            ODT,
        ),
        ("Gesprek met de wijkagent, één pagina.\n".encode(), TEKST),
    ],
)
def test_accepted_types_are_recognised_by_content(inhoud: bytes, soort: Any) -> None:
    gevonden = herken(inhoud)
    if soort is None:
        assert gevonden.mediatype == "image/jpeg"
    else:
        assert gevonden is soort


@pytest.mark.parametrize(
    "inhoud",
    [
        HTML_BYTES,
        b"  \n<svg onload=alert(1)>",
        b"<?xml version='1.0'?><x/>",
        EXE_BYTES,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 32,
        b"GIF89a\x01\x00",
        _zip({"payload.exe": EXE_BYTES}),  # a zip, but no office document
        _zip(
            {
                "[Content_Types].xml": b"<x/>",
                "word/document.xml": b"<w/>",
                "word/vbaProject.bin": b"macro",
            }
        ),
        b"PK\x03\x04 not really a zip",
        b"tekst met een NUL\x00erin",
        b"",
    ],
)
def test_other_content_is_refused_in_dutch(inhoud: bytes) -> None:
    with pytest.raises(OngeldigBestand) as refused:
        herken(inhoud)
    assert refused.value.message.startswith("Het bestand is leeg") or "Toegestaan zijn" in (
        refused.value.message
    )


@pytest.mark.parametrize(
    ("client_naam", "soort", "weergave"),
    [
        ("../../../../etc/passwd", TEKST, "passwd.txt"),
        ("..\\..\\Windows\\System32\\rapport.pdf", PDF, "rapport.pdf"),
        ("/var/lib/postgresql/data/pg_hba.conf", TEKST, "pg_hba.conf.txt"),
        ("verslag\u202egpj.pdf", PDF, "verslaggpj.pdf"),  # right-to-left override removed
        ("naam\r\nSet-Cookie: x=1.txt", TEKST, "naam Set-Cookie x=1.txt"),
        ("...", PNG, "bijlage.png"),
        ("", PDF, "bijlage.pdf"),
        ("Overzicht <script>.PDF", PDF, "Overzicht script.pdf"),
        ("a" * 500 + ".pdf", PDF, "a" * 116 + ".pdf"),
    ],
)
def test_client_file_name_becomes_a_harmless_display_name(
    client_naam: str, soort: Any, weergave: str
) -> None:
    assert veilige_naam(client_naam, soort) == weergave


def test_a_name_claiming_another_type_is_refused() -> None:
    with pytest.raises(OngeldigBestand, match="past niet bij de naam: het is geen PDF"):
        veilige_naam("rapport.pdf", TEKST)


def test_content_disposition_is_rfc6266_with_utf8_name() -> None:
    value = content_disposition('Één "rapport".pdf')
    assert value == (
        'attachment; filename="Een _rapport_.pdf"; '
        "filename*=UTF-8''%C3%89%C3%A9n%20%22rapport%22.pdf"
    )


# --- through the app --------------------------------------------------------------------------


@pytest.fixture
async def regie(app: Litestar, settings: Settings, world: Any) -> AsyncIterator[Client]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        use_session(client, (await world.sign_in(world.sides["A"], Role.GEMEENTE_REGIE)).cookie)
        client.headers[CSRF_HEADER] = await csrf_token(client)
        yield client


def _item_id(world: Any) -> uuid.UUID:
    item_id: uuid.UUID = world.sides["A"].ids["informatie_item"][0]
    return item_id


async def _bijlagen(engine: AsyncEngine, settings: Settings, world: Any) -> list[Bijlage]:
    async with tenant_session(engine, world.sides["A"].tenant, settings) as s, s.begin():
        rows = await s.scalars(
            select(Bijlage).where(Bijlage.item_id == _item_id(world)).order_by(Bijlage.id)
        )
        return list(rows)


async def _ids(engine: AsyncEngine, settings: Settings, world: Any) -> list[uuid.UUID]:
    return [b.id for b in await _bijlagen(engine, settings, world)]


async def _upload(
    client: Client,
    item_id: uuid.UUID,
    naam: str,
    inhoud: bytes,
    content_type: str = "application/pdf",
    *,
    htmx: bool = True,
) -> Any:
    return await client.post(
        f"/casusoverleg/informatie/{item_id}/bijlagen",
        files={"bestand": (naam, inhoud, content_type)},
        headers={"HX-Request": "true"} if htmx else {},
        follow_redirects=False,
    )


async def test_oversize_upload_is_refused_and_nothing_stored(
    regie: Client, app_engine: AsyncEngine, settings: Settings, world: Any
) -> None:
    before = await _ids(app_engine, settings, world)
    limit = settings.bijlage_max_bytes
    # Just over the limit (parsed, then refused by the service) and far over it (refused on
    # Content-Length before the body is read).
    for size in (limit + 1, limit + 512 * 1024):
        response = await _upload(regie, _item_id(world), "groot.pdf", PDF_BYTES.ljust(size, b" "))
        assert response.status_code == 413, (size, response.status_code)
        assert "Het bestand is groter dan 10 MB" in response.text
        assert 'id="foutoverzicht"' in response.text  # the error summary pattern
    assert await _ids(app_engine, settings, world) == before


@pytest.mark.parametrize(
    ("inhoud", "content_type", "melding"),
    [
        (HTML_BYTES, "application/pdf", "Dit soort bestand kan niet worden toegevoegd"),
        (EXE_BYTES, "application/pdf", "Dit soort bestand kan niet worden toegevoegd"),
        # Plain text is allowed, but not under a name that says PDF.
        (b"gewone tekst", "application/pdf", "past niet bij de naam: het is geen PDF"),
    ],
)
async def test_pdf_name_with_other_content_is_refused(
    regie: Client,
    app_engine: AsyncEngine,
    settings: Settings,
    world: Any,
    inhoud: bytes,
    content_type: str,
    melding: str,
) -> None:
    before = await _ids(app_engine, settings, world)
    response = await _upload(regie, _item_id(world), "verslag.pdf", inhoud, content_type)
    assert response.status_code == 422
    assert melding in response.text
    assert "<script>alert" not in response.text
    assert await _ids(app_engine, settings, world) == before


async def test_path_traversal_name_is_only_a_display_name(
    regie: Client, app_engine: AsyncEngine, settings: Settings, world: Any
) -> None:
    response = await _upload(
        regie, _item_id(world), "../../../../etc/cron.d/x.txt", b"regel\n", "text/plain"
    )
    assert response.status_code == 200
    nieuw = (await _bijlagen(app_engine, settings, world))[-1]
    assert nieuw.bestandsnaam == "x.txt"
    assert nieuw.inhoud == b"regel\n"
    download = await regie.get(f"/casusoverleg/bijlagen/{nieuw.id}")
    assert download.headers["content-disposition"].startswith('attachment; filename="x.txt"')


@pytest.mark.parametrize(
    ("naam", "inhoud", "client_type", "mediatype"),
    [
        ("Verslag wijkteam.pdf", PDF_BYTES, "text/html", "application/pdf"),
        ("foto.png", PNG_BYTES, "application/octet-stream", "image/png"),
    ],
)
async def test_valid_file_is_accepted_and_downloaded_identically(
    regie: Client,
    app_engine: AsyncEngine,
    settings: Settings,
    world: Any,
    naam: str,
    inhoud: bytes,
    client_type: str,
    mediatype: str,
) -> None:
    response = await _upload(regie, _item_id(world), naam, inhoud, client_type, htmx=False)
    assert response.status_code == 303
    nieuw = (await _bijlagen(app_engine, settings, world))[-1]
    assert (nieuw.bestandsnaam, nieuw.mediatype) == (naam, mediatype)
    async with tenant_session(app_engine, world.sides["A"].tenant, settings) as s, s.begin():
        item = await s.get(InformatieItem, _item_id(world))
        assert item is not None
    fragment = await regie.get(f"/casusoverleg/casussen/{item.casus_id}/informatie")
    assert f'href="/casusoverleg/bijlagen/{nieuw.id}"' in fragment.text
    assert 'for="bestand-' in fragment.text
    assert "Hoogstens 10 MB" in fragment.text

    download = await regie.get(
        f"/casusoverleg/bijlagen/{nieuw.id}", headers={"X-Request-ID": uuid.uuid4().hex}
    )
    assert download.status_code == 200
    assert download.content == inhoud
    assert download.headers["content-type"] == mediatype
    assert download.headers["content-disposition"] == content_disposition(naam)
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "no-store"
    async with tenant_session(app_engine, world.sides["A"].tenant, settings) as s, s.begin():
        logged = await s.scalar(
            select(func.count())
            .select_from(Verwerking)
            .where(
                Verwerking.actie == "read",
                Verwerking.request_id == download.headers["x-request-id"],
                Verwerking.detail.contains(str(nieuw.id)),
            )
        )
    assert logged == 1


async def test_other_municipality_cannot_download(
    app: Litestar, settings: Settings, world: Any
) -> None:
    # The marker bijlage seeded on side A (tests/security/conftest.py). One client at a time:
    # nested test clients on one app would each start its lifespan.
    eigen = world.sides["A"].ids["bijlage"][0]
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        use_session(client, (await world.sign_in(world.sides["A"], Role.GEMEENTE_REGIE)).cookie)
        own = await client.get(f"/casusoverleg/bijlagen/{eigen}")
        assert own.status_code == 200
        assert world.sides["A"].markers[1].encode() in own.content
    for role in (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT):
        async with AsyncTestClient(app, session_config=session_config(settings)) as client:
            use_session(client, (await world.sign_in(world.sides["B"], role)).cookie)
            response = await client.get(f"/casusoverleg/bijlagen/{eigen}")
            unknown = await client.get(f"/casusoverleg/bijlagen/{uuid.uuid4()}")
            # 404, or 403 where the role itself is refused here (hub staff without a running
            # processor agreement): either way exactly the answer for an unknown id.
            assert response.status_code in {403, 404}, (role, response.status_code)
            assert response.status_code == unknown.status_code, role
            assert normalise_body(response.text) == normalise_body(unknown.text)
            assert not any(m in response.text for m in world.sides["A"].markers)
            # Nor upload to an item of A.
            token = await csrf_token(client)
            upload = await client.post(
                f"/casusoverleg/informatie/{_item_id(world)}/bijlagen",
                files={"bestand": ("x.pdf", PDF_BYTES, "application/pdf")},
                headers={CSRF_HEADER: token},
            )
            assert upload.status_code in {403, 404}, (role, upload.status_code)


async def test_upload_without_csrf_token_is_refused(
    regie: Client, app_engine: AsyncEngine, settings: Settings, world: Any
) -> None:
    before = await _ids(app_engine, settings, world)
    del regie.headers[CSRF_HEADER]
    # The file travels as a form field here: Litestar's CSRF middleware parses the form to
    # look for the token and does not close an uploaded file it refuses (a temporary file
    # left to the garbage collector, which pytest reports as a ResourceWarning).
    response = await regie.post(
        f"/casusoverleg/informatie/{_item_id(world)}/bijlagen",
        files={"bestand": (None, PDF_BYTES.decode())},
    )
    assert response.status_code == 403
    assert await _ids(app_engine, settings, world) == before


def test_only_regie_or_the_items_source_may_add_files() -> None:
    eigen, ander = uuid.uuid4(), uuid.uuid4()

    def actor(role: Role) -> Actor:
        return Actor(user_id=uuid.uuid4(), organisation_id=eigen, role=role.value, request_id="r")

    assert mag_bijlage_toevoegen(actor(Role.GEMEENTE_REGIE), ander)
    assert mag_bijlage_toevoegen(actor(Role.PROCESREGISSEUR), ander)
    assert mag_bijlage_toevoegen(actor(Role.PARTICIPANT), eigen)
    assert not mag_bijlage_toevoegen(actor(Role.PARTICIPANT), ander)


async def test_the_upload_form_states_the_configured_limit(
    settings: Settings, app_engine: AsyncEngine, world: Any
) -> None:
    async with tenant_session(app_engine, world.sides["A"].tenant, settings) as s, s.begin():
        item = await s.get(InformatieItem, _item_id(world))
    assert item is not None
    small = replace(settings, bijlage_max_bytes=2 * 1024 * 1024)
    async with AsyncTestClient(create_app(small), session_config=session_config(small)) as client:
        use_session(client, (await world.sign_in(world.sides["A"], Role.GEMEENTE_REGIE)).cookie)
        page = await client.get(f"/casusoverleg/casussen/{item.casus_id}/informatie")
    assert page.status_code == 200
    assert f'action="/casusoverleg/informatie/{item.id}/bijlagen"' in page.text
    assert "Hoogstens 2 MB." in page.text
