"""The file of recorded chain heads that ``casushub audit verify --koppen`` keeps.

The heads must live outside the database (on the operators' own storage, ideally write-once),
because whoever controls the database can remove the newest log entries without breaking the
chain inside it. The file holds no personal data: per tenant slug a volgnummer and a hash.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from casushub.tenants.verwerkingenlog.chain import ChainReport

__all__ = ["KoppenFileError", "read_koppen", "write_koppen"]

_VERSION = 1


class KoppenFileError(ValueError):
    """The file cannot be used; the message is Dutch and names the file."""


def read_koppen(path: Path) -> dict[str, tuple[int, str]]:
    """The recorded heads by tenant slug; an absent file is the first run (no heads)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("versie") != _VERSION:
            raise KoppenFileError(f"{path}: onbekende versie van het koppenbestand")
        return {
            slug: (int(kop["volgnummer"]), str(kop["hash"])) for slug, kop in data["koppen"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, KoppenFileError):
            raise
        msg = f"{path}: koppenbestand onleesbaar ({exc.__class__.__name__})"
        raise KoppenFileError(msg) from exc


def write_koppen(
    path: Path,
    previous: Mapping[str, tuple[int, str]],
    reports: Iterable[tuple[str, ChainReport]],
) -> None:
    """Record the heads of the chains found intact; a broken chain keeps its old head.

    Written to a temporary file and renamed, so an interrupted run never leaves half a file.
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    koppen = {
        slug: {"volgnummer": number, "hash": digest} for slug, (number, digest) in previous.items()
    }
    for slug, report in reports:
        if report.ok and report.head is not None:
            koppen[slug] = {"volgnummer": report.head[0], "hash": report.head[1], "vastgelegd": now}
    body = json.dumps({"versie": _VERSION, "koppen": koppen}, indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
