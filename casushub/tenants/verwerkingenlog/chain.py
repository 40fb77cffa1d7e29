"""Checking the access log's hash chain, and shortening it under its own retention period.

Verification reads with the tenant role (SELECT only) in batches, so a million entries need
memory for one batch. It reports the first entry where the chain breaks:

- an entry whose stored ``hash`` differs from the recomputed one was edited;
- an entry whose ``vorige_hash`` differs from its predecessor's hash, or a gap in the
  ``volgnummer`` sequence, means entries were removed or reordered.

Removing the *newest* entries leaves a valid, shorter chain, which nothing inside the database
can reveal to a check run by someone who controls the database. So ``head`` in the result (last
volgnummer and hash) is kept outside it: ``casushub audit verify --koppen FILE`` records every
tenant's head in a file the operators keep elsewhere, and the next run passes it back as
``witness``: a chain that no longer reaches the recorded entry, or holds a different one there,
is broken.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.ids import new_id
from casushub.platform.tenancy import session_tenant
from casushub.tenants.verwerkingenlog.models import Verwerking, VerwerkingAnker
from casushub.tenants.verwerkingenlog.services import ENTRY_FIELDS, GENESIS, entry_hash

__all__ = ["ChainReport", "purge_before", "verify_chain"]

_BATCH = 5000


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    """The volgnummer of the first broken entry (for a removed entry: its number)."""
    reason: str | None
    head: tuple[int, str] | None
    """The last entry's volgnummer and hash, to record outside the database."""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


async def verify_chain(
    session: AsyncSession, witness: tuple[int, str] | None = None
) -> ChainReport:
    """Recompute the tenant's chain from its anchor (or the start) to the newest entry.

    ``witness`` is a head recorded by an earlier verification (volgnummer, hash).
    """
    anchor = (
        await session.execute(
            select(VerwerkingAnker.tot_volgnummer, VerwerkingAnker.hash)
            .order_by(VerwerkingAnker.tot_volgnummer.desc())
            .limit(1)
        )
    ).first()
    expected_number, previous = (anchor[0] + 1, anchor[1]) if anchor else (1, GENESIS)
    checked = 0
    columns = [getattr(Verwerking, name) for name in ENTRY_FIELDS]
    after = expected_number - 1 if anchor else None
    while True:
        # Keyset batches on the unique volgnummer index: constant cost per batch, no
        # server-side cursor to keep open for the length of the check.
        query = select(*columns).order_by(Verwerking.volgnummer).limit(_BATCH)
        if after is not None:
            query = query.where(Verwerking.volgnummer > after)
        rows = (await session.execute(query)).all()
        for row in rows:
            if row.volgnummer != expected_number:
                reason = (
                    f"volgnummer {expected_number} ontbreekt"
                    if row.volgnummer > expected_number
                    else f"volgnummer {row.volgnummer} staat voor het anker"
                )
                return ChainReport(checked, expected_number, reason, None)
            if row.vorige_hash != previous:
                reason = "verwijst niet naar de hash van de vorige regel"
                return ChainReport(checked, row.volgnummer, reason, None)
            if entry_hash(row) != row.hash:
                return ChainReport(checked, row.volgnummer, "inhoud gewijzigd na vastleggen", None)
            if witness is not None and row.volgnummer == witness[0] and row.hash != witness[1]:
                reason = "wijkt af van de eerder vastgelegde kop van de keten"
                return ChainReport(checked, row.volgnummer, reason, None)
            checked += 1
            expected_number, previous = row.volgnummer + 1, row.hash
        if len(rows) < _BATCH:
            break
        after = rows[-1].volgnummer
    # The chain ends before the recorded head. (A head at or before the anchor went with the
    # log's own retention; expected_number then starts past it.)
    if witness is not None and witness[0] >= expected_number:
        reason = f"regels vanaf volgnummer {expected_number} verwijderd (kop was {witness[0]})"
        return ChainReport(checked, expected_number, reason, None)
    head = (expected_number - 1, previous) if checked or anchor else None
    return ChainReport(checked, None, None, head)


async def purge_before(session: AsyncSession, grens: datetime) -> int:
    """Remove the log's entries older than ``grens`` (the log's own retention); returns how many.

    Goes through the database function ``verwerkingenlog_opschonen``: the tenant role cannot
    delete log entries itself, and the function refuses a limit younger than one year and
    records the anchor that keeps the rest of the chain verifiable.
    """
    tenant = session_tenant(session)
    if tenant is None:
        msg = "het verwerkingenlog kan alleen in een tenant-sessie worden opgeschoond"
        raise RuntimeError(msg)
    # Named with its schema: the schema comes from the validated TenantRef, and the tenant
    # role may only use its own schema anyway.
    purge = getattr(func, tenant.schema).verwerkingenlog_opschonen
    anker_id: uuid.UUID = new_id()
    removed = (await session.execute(select(purge(grens, anker_id)))).scalar_one()
    return int(removed)
