"""The retention sweep of one tenant: the dry run ("wat wordt volgende week vernietigd") and
the irreversible destruction, with a receipt per destroyed record.

Candidates are closed casussen and ``geen actie`` signals whose ``destroy_on`` has come.
A candidate is held back, and shown as such, when a legal hold is open on its person or the
casus/signal itself carries the workflow's ``legal_hold`` flag. Destruction goes through the
workflow's own ``vernietig_casussen`` / ``vernietig_signalen`` (everything of the record:
person, derden, items and their files, plan, minutes items, invitations), with a receipt
(kind, id, tenant, when, rule, batch) and an access-log entry (ids only) per record.

All of a tenant's due records go at once, set-based, in one savepoint: about twenty
statements (a ``DELETE … WHERE id = ANY(…)`` per table, one multi-row INSERT of receipts, one
append to the log) however many records, instead of one savepoint and some twenty-five round
trips per record (measurements in bench/README.md). If that batch fails, it is rolled back
and the records are destroyed one by one, each in its own savepoint, so a record that cannot
be destroyed only fails itself.

The same sweep shortens the access log under its own retention period (the log keeps ids
only, so a destroyed casus's entries outlive it without personal data until then).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.platform.tenancy import session_tenant
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.bewaartermijnen.rules import add_years, resolve, rule_text
from casushub.tenants.bewaartermijnen.services import (
    bewaarparameters,
    geblokkeerde_casussen,
    geblokkeerde_personen,
)
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.vernietiging import vernietig_casussen
from casushub.tenants.signalen.models import Signaal, SignaalStatus
from casushub.tenants.signalen.services import vernietig_signalen
from casushub.tenants.verwerkingenlog.chain import purge_before
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record, record_many

__all__ = ["Kandidaat", "Proefrun", "Ronde", "kandidaten", "proefrun", "vernietig"]

log = logging.getLogger(__name__)

AANKONDIGING_DAGEN = 7
"""The dry run looks this many days ahead: what the sweep will destroy in the coming week."""
_DOEL = "vernietiging na verstrijken bewaartermijn"


@dataclass(frozen=True)
class Kandidaat:
    soort: str  # "casus" or "signaal"
    record_id: uuid.UUID
    persoon_id: uuid.UUID
    destroy_on: date
    regel: str
    blokkade: str | None = None
    """Why it is held back (e.g. ``"juridische blokkade: bezwaar"``), or ``None``."""


@dataclass(frozen=True)
class Proefrun:
    peildatum: date
    te_vernietigen: list[Kandidaat]
    geblokkeerd: list[Kandidaat]


@dataclass
class Ronde:
    batch_id: uuid.UUID
    vernietigd: list[Kandidaat] = field(default_factory=list)
    geblokkeerd: list[Kandidaat] = field(default_factory=list)
    mislukt: list[Kandidaat] = field(default_factory=list)
    logregels_opgeschoond: int = 0


async def kandidaten(session: AsyncSession, peildatum: date) -> list[Kandidaat]:
    """Every casus and signal due on or before ``peildatum``, held ones included."""
    params = await bewaarparameters(session)
    casussen = (
        await session.execute(
            select(Casus.id, Casus.persoon_id, Casus.destroy_on, Casus.legal_hold)
            .where(Casus.destroy_on.is_not(None), Casus.destroy_on <= peildatum)
            .order_by(Casus.destroy_on, Casus.id)
        )
    ).all()
    signalen = (
        await session.execute(
            select(Signaal.id, Signaal.persoon_id, Signaal.destroy_on, Signaal.legal_hold)
            .where(
                Signaal.destroy_on.is_not(None),
                Signaal.destroy_on <= peildatum,
                Signaal.status == SignaalStatus.GEEN_ACTIE.value,
            )
            .order_by(Signaal.destroy_on, Signaal.id)
        )
    ).all()
    holds = await geblokkeerde_personen(session, [row.persoon_id for row in [*casussen, *signalen]])
    casus_holds = await geblokkeerde_casussen(session, [row.id for row in casussen])

    def blokkade(
        persoon_id: uuid.UUID, flag: bool, soort: str, record_id: uuid.UUID | None = None
    ) -> str | None:
        if persoon_id in holds:
            return f"juridische blokkade op de persoon: {holds[persoon_id]}"
        if record_id is not None and record_id in casus_holds:
            return f"juridische blokkade op de casus: {casus_holds[record_id]}"
        return f"bewaarplicht op {soort}" if flag else None

    casus_regel = rule_text("casus", None, params)
    signaal_regel = rule_text("signaal", SignaalStatus.GEEN_ACTIE.value, params)
    found = [
        Kandidaat(
            "casus",
            row.id,
            row.persoon_id,
            row.destroy_on,
            casus_regel,
            blokkade(row.persoon_id, row.legal_hold, "casus", row.id),
        )
        for row in casussen
    ]
    found += [
        Kandidaat(
            "signaal",
            row.id,
            row.persoon_id,
            row.destroy_on,
            signaal_regel,
            blokkade(row.persoon_id, row.legal_hold, "signaal"),
        )
        for row in signalen
    ]
    return found


async def proefrun(
    session: AsyncSession,
    actor: Actor,
    *,
    vandaag: date | None = None,
    dagen: int = AANKONDIGING_DAGEN,
) -> Proefrun:
    """What the sweep would destroy up to ``dagen`` days from now; destroys nothing."""
    peildatum = (vandaag or klok.vandaag()) + timedelta(days=dagen)
    found = await kandidaten(session, peildatum)
    await record(
        session,
        actor,
        actie=Actie.READ,
        gegevensgroep="bewaartermijnen",
        doel="proefrun vernietiging",
        detail=f"peildatum:{peildatum.isoformat()} kandidaten:{len(found)}",
    )
    return Proefrun(
        peildatum=peildatum,
        te_vernietigen=[k for k in found if k.blokkade is None],
        geblokkeerd=[k for k in found if k.blokkade is not None],
    )


async def vernietig(
    session: AsyncSession,
    actor: Actor,
    *,
    vandaag: date | None = None,
    batch_id: uuid.UUID | None = None,
) -> Ronde:
    """Destroy everything due today and not held; leave a receipt per record. Irreversible.

    Runs inside the caller's transaction (the nightly job's, or a test's).
    """
    tenant = session_tenant(session)
    if tenant is None:
        msg = "de vernietiging draait alleen in een tenant-sessie"
        raise RuntimeError(msg)
    vandaag = vandaag or klok.vandaag()
    ronde = Ronde(batch_id=batch_id or new_id())
    te_vernietigen = []
    for kandidaat in await kandidaten(session, vandaag):
        if kandidaat.blokkade is None:
            te_vernietigen.append(kandidaat)
        else:
            ronde.geblokkeerd.append(kandidaat)
    if te_vernietigen:
        try:
            async with session.begin_nested():
                await _destroy(session, actor, tenant.id, ronde.batch_id, te_vernietigen)
        except Exception:
            # Rolled back to the savepoint: nothing of the batch was destroyed. Going one by
            # one finds the record that fails and destroys the rest tonight after all.
            log.warning(
                "vernietiging in één keer mislukt; nu per record",
                exc_info=True,
                extra={"aantal": len(te_vernietigen)},
            )
            await _destroy_one_by_one(session, actor, tenant.id, ronde, te_vernietigen)
        else:
            ronde.vernietigd.extend(te_vernietigen)
    ronde.logregels_opgeschoond = await _purge_log(session, tenant.id, ronde.batch_id, vandaag)
    return ronde


async def _destroy_one_by_one(
    session: AsyncSession,
    actor: Actor,
    tenant_id: uuid.UUID,
    ronde: Ronde,
    te_vernietigen: list[Kandidaat],
) -> None:
    for kandidaat in te_vernietigen:
        try:
            async with session.begin_nested():
                await _destroy(session, actor, tenant_id, ronde.batch_id, [kandidaat])
        except Exception:
            # Rolled back to the savepoint: nothing of this record was destroyed, no receipt;
            # the next night tries again. The message carries ids only.
            log.exception(
                "vernietiging mislukt",
                extra={"soort": kandidaat.soort, "record_id": str(kandidaat.record_id)},
            )
            ronde.mislukt.append(kandidaat)
            continue
        ronde.vernietigd.append(kandidaat)


async def _destroy(
    session: AsyncSession,
    actor: Actor,
    tenant_id: uuid.UUID,
    batch_id: uuid.UUID,
    te_vernietigen: list[Kandidaat],
) -> None:
    """Destroy the records, write a receipt and an access-log entry for each."""
    # Casussen first: a casus takes its person's other signals with it, so a due signal of
    # the same person is already gone (and still gets its receipt, as it is destroyed).
    await vernietig_casussen(session, [k.record_id for k in te_vernietigen if k.soort == "casus"])
    await vernietig_signalen(session, [k.record_id for k in te_vernietigen if k.soort == "signaal"])
    nu = datetime.now(UTC)
    await session.execute(
        insert(Vernietigingsbewijs),
        [
            {
                "batch_id": batch_id,
                "tenant_id": tenant_id,
                "soort": k.soort,
                "record_id": k.record_id,
                "vernietigd_op": nu,
                "bewaren_tot": k.destroy_on,
                "regel": k.regel,
                "aantal": 1,
            }
            for k in te_vernietigen
        ],
    )
    await record_many(
        session,
        actor,
        [
            Regel(
                Actie.DELETE,
                k.soort,
                _DOEL,
                casus_id=k.record_id if k.soort == "casus" else None,
                persoon_id=k.persoon_id,
                detail=f"batch:{batch_id}",
            )
            for k in te_vernietigen
        ],
    )


async def _purge_log(
    session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID, vandaag: date
) -> int:
    params = await bewaarparameters(session)
    _key, years = resolve("verwerkingenlog", None, params)
    # Entries written before this day, `years` years ago, have passed their period.
    grens_dag = add_years(vandaag, -years)
    # Never later than the database's floor (a run dated in the future must not fail).
    floor = datetime.now(UTC) - timedelta(days=366)
    grens = min(datetime.combine(grens_dag, time.min, tzinfo=UTC), floor)
    removed = await purge_before(session, grens)
    if removed:
        session.add(
            Vernietigingsbewijs(
                batch_id=batch_id,
                tenant_id=tenant_id,
                soort="verwerkingenlog",
                record_id=None,
                vernietigd_op=datetime.now(UTC),
                bewaren_tot=grens_dag,
                regel=rule_text("verwerkingenlog", None, params),
                aantal=removed,
            )
        )
        await session.flush()
    return removed
