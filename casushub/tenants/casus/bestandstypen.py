"""Which files a bijlage may be, told from the bytes alone, and a safe display name.

The client's file name and Content-Type are not evidence: a browser sends whatever the user's
system guesses, and an attacker sends whatever helps. The type is read from the content's magic
bytes (and, for the zip-based office formats, from the zip's own structure), and the name is
only ever shown, never used as a path.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from casushub.platform.fouten import RegelFout

__all__ = [
    "TOEGESTAAN",
    "Bestandstype",
    "OngeldigBestand",
    "herken",
    "veilige_naam",
]


class OngeldigBestand(RegelFout):
    """The upload is refused; ``message`` is the Dutch text for the form."""


@dataclass(frozen=True, slots=True)
class Bestandstype:
    label: str
    mediatype: str
    extensies: tuple[str, ...]  # the first is added to a display name without one


PDF = Bestandstype("PDF", "application/pdf", (".pdf",))
PNG = Bestandstype("PNG-afbeelding", "image/png", (".png",))
JPEG = Bestandstype("JPEG-afbeelding", "image/jpeg", (".jpg", ".jpeg"))
DOCX = Bestandstype(
    "Word-document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Bestandstype(
    "Excel-werkmap",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ODT = Bestandstype("OpenDocument-tekst", "application/vnd.oasis.opendocument.text", (".odt",))
TEKST = Bestandstype("tekstbestand", "text/plain; charset=utf-8", (".txt",))
TOEGESTAAN = (PDF, PNG, JPEG, DOCX, XLSX, ODT, TEKST)

NIET_TOEGESTAAN = (
    "Dit soort bestand kan niet worden toegevoegd. Toegestaan zijn PDF, PNG, JPEG, "
    "Word (.docx), Excel (.xlsx), OpenDocument-tekst (.odt) en platte tekst (UTF-8)."
)
# A zip's declared sizes are checked before anything is read: a small archive can claim
# gigabytes once unpacked (zip bomb). Office documents of a casus are far below these.
_ZIP_MAX_ENTRIES = 5_000
_ZIP_MAX_UNPACKED = 200 * 1024 * 1024
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# What browsers treat as markup when they sniff (WHATWG MIME sniffing, "HTML" patterns, plus
# XML/SVG): text that starts like this is refused, though it is served as an attachment anyway.
_MARKUP = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
    b"<?xml",
    b"<svg",
)
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f"}


def _zip_type(inhoud: bytes) -> Bestandstype | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(inhoud))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if len(entries) > _ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > _ZIP_MAX_UNPACKED:
        return None
    names = {e.filename for e in entries}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        # Macro-enabled documents renamed to .docx/.xlsx: macros are never accepted.
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        return None
    # OpenDocument: an uncompressed ``mimetype`` entry first (ODF 1.2, section 3.3).
    if entries and entries[0].filename == "mimetype" and "content.xml" in names:
        try:
            if archive.read("mimetype").strip() == _ODT_MIMETYPE:
                return ODT
        except (zipfile.BadZipFile, ValueError, OSError, RuntimeError):
            return None
    return None


def _is_plain_text(inhoud: bytes) -> bool:
    try:
        text = inhoud.decode("utf-8")
    except UnicodeDecodeError:
        return False
    head = text[:1024].lstrip("\ufeff \t\r\n\f").encode().lower()
    if any(head.startswith(pattern) for pattern in _MARKUP):
        return False
    # No NUL or other control characters: those mark a binary file that happens to decode.
    return not any(unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS for c in text)


def herken(inhoud: bytes) -> Bestandstype:
    """The type of ``inhoud`` by its content, or ``OngeldigBestand``."""
    if not inhoud:
        raise OngeldigBestand("Het bestand is leeg. Kies een bestand met inhoud.")
    if inhoud.startswith(b"%PDF-"):
        return PDF
    if inhoud.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if inhoud.startswith(b"\xff\xd8\xff"):
        return JPEG
    if inhoud.startswith(b"PK\x03\x04"):
        soort = _zip_type(inhoud)
        if soort is None:
            raise OngeldigBestand(NIET_TOEGESTAAN)
        return soort
    if _is_plain_text(inhoud):
        return TEKST
    raise OngeldigBestand(NIET_TOEGESTAAN)


_FORBIDDEN = set('<>:"/\\|?*')
_MAX_NAAM = 120


def veilige_naam(client_naam: str, soort: Bestandstype) -> str:
    """A display name from the client's file name: its last component only, no control,
    format (bidi override) or path characters, no leading dots, at most 120 characters, and
    an extension that matches the real type.

    A name that claims another known type (``rapport.pdf`` holding HTML) is refused rather than
    renamed, so the user learns that the file is not what its name says.
    """
    naam = unicodedata.normalize("NFC", client_naam).replace("\\", "/").rsplit("/", 1)[-1]
    naam = "".join(
        " " if unicodedata.category(c) in {"Cc", "Zl", "Zp"} else c
        for c in naam
        if unicodedata.category(c) != "Cf" and c not in _FORBIDDEN
    )
    naam = " ".join(naam.split()).lstrip(". ").rstrip(". ")
    stam, punt, extensie = naam.rpartition(".")
    extensie = f".{extensie.lower()}" if punt and stam else ""
    bekend = {e for t in TOEGESTAAN for e in t.extensies}
    if extensie in bekend and extensie not in soort.extensies:
        raise OngeldigBestand(
            f"De inhoud van het bestand past niet bij de naam: het is geen "
            f"{_label_van(extensie)}. Controleer of u het goede bestand heeft gekozen."
        )
    if extensie not in soort.extensies:
        stam, extensie = naam, soort.extensies[0]
    stam = stam[: _MAX_NAAM - len(extensie)].rstrip(". ") or "bijlage"
    return f"{stam}{extensie}"


def _label_van(extensie: str) -> str:
    return next(t.label for t in TOEGESTAAN if extensie in t.extensies)
