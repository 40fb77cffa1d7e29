"""Exporting the access log for a period: CSV, and JSON after *Logboek Dataverwerkingen*.

The JSON follows the field list of Logius' Logboek Dataverwerkingen standard (LDV, component
Logboek, werkversie): per processing a ``trace_id`` (16 bytes, hex), ``span_id`` (8 bytes,
hex), ``name``, ``status_code``, ``start_time``/``end_time`` (ms since the epoch), ``resource``
and ``attributes`` as key/value pairs, with the ``dpl.core.*`` attributes the standard names.
Mapping, and why:

- ``trace_id``: the web request id (already 32 hex characters), so all processings of one
  request share a trace; other request ids (job names) are hashed to 16 bytes; none: the
  entry's own id.
- ``span_id``: the random last 8 bytes of the entry's UUIDv7.
- ``name``: ``<gegevensgroep>.<actie>``; ``status_code``: ``STATUS_CODE_OK`` (an entry is only
  written when the processing's transaction commits).
- ``start_time`` = ``end_time``: the log records one moment per processing.
- ``dpl.core.processing_activity_id``: a URN built from the purpose (``doel``) until the
  tenant's register of processing activities has URIs.
- ``dpl.core.data_subject_id``: the person's internal id (random, meaningless outside this
  tenant; no BSN is ever logged), type ``urn:casushub:persoon-id``.
- Everything else, including the chain (``volgnummer``, ``hash``, ``vorige_hash``), as
  ``casushub.*`` attributes, so an export can be checked against the chain.

Both exports write to a text stream entry by entry and log themselves (action ``export``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import session_tenant
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.fg import GEGEVENSGROEP
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import ENTRY_FIELDS, field_text, record

__all__ = ["CSV_COLUMNS", "LDV_STANDARD", "export_csv", "export_logboek_json", "logboek_record"]

LDV_STANDARD = "Logboek Dataverwerkingen (Logius), component Logboek"
CSV_COLUMNS = ENTRY_FIELDS
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_BATCH = 5000


async def _rows(session: AsyncSession, van: datetime, tot: datetime) -> AsyncIterator[Verwerking]:
    result = await session.stream_scalars(
        select(Verwerking)
        .where(Verwerking.tijdstip >= van, Verwerking.tijdstip < tot)
        .order_by(Verwerking.volgnummer)
        .execution_options(yield_per=_BATCH)
    )
    async for entry in result:
        yield entry


async def _log_export(
    session: AsyncSession, actor: Actor, van: datetime, tot: datetime, doel: str, vorm: str
) -> None:
    detail = f"{vorm} {van.astimezone(UTC).isoformat()}/{tot.astimezone(UTC).isoformat()}"
    await record(
        session, actor, actie=Actie.EXPORT, gegevensgroep=GEGEVENSGROEP, doel=doel, detail=detail
    )


async def export_csv(
    session: AsyncSession,
    actor: Actor,
    out: TextIO,
    *,
    van: datetime,
    tot: datetime,
    doel: str = "verantwoording verwerkingen",
) -> int:
    """Write the entries in [van, tot) as CSV (header first); returns the number written."""
    await _log_export(session, actor, van, tot, doel, "csv")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    async for entry in _rows(session, van, tot):
        writer.writerow([field_text(getattr(entry, column)) for column in CSV_COLUMNS])
        count += 1
    return count


def _trace_id(entry: Verwerking) -> str:
    if entry.request_id and _HEX32.match(entry.request_id):
        return entry.request_id
    if entry.request_id:
        return hashlib.sha256(entry.request_id.encode()).hexdigest()[:32]
    return entry.id.hex


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def logboek_record(entry: Verwerking) -> dict[str, Any]:
    """One entry as a Logboek Dataverwerkingen record (see the module docstring)."""
    attributes: list[tuple[str, Any]] = [
        (
            "dpl.core.processing_activity_id",
            f"urn:casushub:verwerkingsactiviteit:{quote(entry.doel)}",
        ),
    ]
    if entry.persoon_id is not None:
        attributes += [
            ("dpl.core.data_subject_id", str(entry.persoon_id)),
            ("dpl.core.data_subject_id_type", "urn:casushub:persoon-id"),
        ]
    for column in CSV_COLUMNS:
        if column in {"tijdstip", "persoon_id"}:
            continue
        value = getattr(entry, column)
        if value is not None:
            attributes.append(
                (f"casushub.{column}", value if isinstance(value, int) else str(value))
            )
    start = _ms(entry.tijdstip)
    return {
        "trace_id": _trace_id(entry),
        "span_id": entry.id.hex[16:],
        "name": f"{entry.gegevensgroep}.{entry.actie}",
        "status_code": "STATUS_CODE_OK",
        "start_time": start,
        "end_time": start,
        "attributes": [{"key": key, "value": value} for key, value in attributes],
    }


async def export_logboek_json(
    session: AsyncSession,
    actor: Actor,
    out: TextIO,
    *,
    van: datetime,
    tot: datetime,
    doel: str = "verantwoording verwerkingen",
) -> int:
    """Write [van, tot) as one JSON document of LDV records; returns the number written."""
    tenant = session_tenant(session)
    await _log_export(session, actor, van, tot, doel, "json")
    head = {
        "standaard": LDV_STANDARD,
        "periode": {"van": field_text(van), "tot": field_text(tot)},
        "resource": {
            "attributes": [
                {"key": "service.name", "value": "casushub"},
                {"key": "casushub.tenant", "value": tenant.slug if tenant else None},
            ]
        },
    }
    # Streamed: the document's head, then one record at a time, then the closing brackets.
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "dataverwerkingen": [')
    count = 0
    async for entry in _rows(session, van, tot):
        out.write(
            ("," if count else "") + "\n" + json.dumps(logboek_record(entry), ensure_ascii=False)
        )
        count += 1
    out.write("\n]}\n")
    return count
