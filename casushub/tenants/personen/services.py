"""Persons: the BSN check, search (logged without its terms) and linked persons (derden)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, String, cast, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.zoeken import bevat
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.rules import DEELNEMER_ROL
from casushub.tenants.casus.toegang import (
    is_regie,
    laad_toegankelijke_casus,
    log,
    zichtbare_casussen,
    zichtbare_personen,
)
from casushub.tenants.instellingen.services import lees_instellingen
from casushub.tenants.personen.models import Derde, Persoon
from casushub.tenants.personen.rules import controleer_geen_bsn
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import search_term_detail

__all__ = [
    "PersoonTreffer",
    "controleer_persoonsvelden",
    "lees_derden",
    "tel_personen",
    "voeg_derde_toe",
    "wijzig_persoon",
    "zoek_personen",
    "zoekterm_hash",
]


async def controleer_persoonsvelden(session: AsyncSession, values: Mapping[str, object]) -> None:
    """Rule 5 for any free text or identifier the services store."""
    instelling = await lees_instellingen(session)
    controleer_geen_bsn(values, bsn_toegestaan=instelling.bsn_toegestaan)


def zoekterm_hash(sleutel: str, naam: str | None, geboortedatum: date | None) -> str:
    """The access log's keyed hash of the search terms (name and date of birth together)."""
    terms = f"{naam or ''}\x1f{geboortedatum.isoformat() if geboortedatum else ''}"
    return search_term_detail(terms, sleutel.encode())


@dataclass(frozen=True, slots=True)
class PersoonTreffer:
    persoon_id: uuid.UUID
    naam: str
    geboortedatum: date | None
    casus_ids: tuple[uuid.UUID, ...]


async def zoek_personen(
    session: AsyncSession,
    actor: Actor,
    *,
    sleutel: str,
    naam: str | None = None,
    geboortedatum: date | None = None,
    doel: str = "zoeken binnen de gemeente",
) -> list[PersoonTreffer]:
    """Search by (part of a) name or alias and/or date of birth, within this tenant only.

    The search and its result count are logged, also when nothing is found; the terms only as
    an HMAC with the installation's secret key.
    """
    naam = (naam or "").strip() or None
    if naam is None and geboortedatum is None:
        raise RegelFout("Zoek op naam of geboortedatum.", "naam")
    if not is_regie(actor) and actor.role != DEELNEMER_ROL:
        raise GeenToegang("Zoeken is voorbehouden aan de gemeente en de deelnemers.")
    # A participant finds only persons of the cases it takes part in, and sees only those
    # cases: filtered in the query, so the limit counts visible persons only.
    query = select(Persoon).where(zichtbare_personen(actor))
    if naam is not None:
        query = query.where(
            or_(bevat(Persoon.naam, naam), bevat(cast(Persoon.aliassen, String), naam))
        )
    if geboortedatum is not None:
        query = query.where(Persoon.geboortedatum == geboortedatum)
    personen = list((await session.execute(query.order_by(Persoon.naam).limit(50))).scalars())
    casussen: dict[uuid.UUID, list[uuid.UUID]] = {}
    if personen:
        rows = await session.execute(
            select(Casus.persoon_id, Casus.id).where(
                Casus.persoon_id.in_([p.id for p in personen]), zichtbare_casussen(actor)
            )
        )
        for persoon_id, casus_id in rows:
            casussen.setdefault(persoon_id, []).append(casus_id)
    await log(
        session,
        actor,
        Actie.SEARCH,
        "persoon",
        doel,
        detail=f"{zoekterm_hash(sleutel, naam, geboortedatum)} treffers={len(personen)}",
    )
    for persoon in personen:
        await log(session, actor, Actie.READ, "persoon", doel, persoon_id=persoon.id)
    return [
        PersoonTreffer(p.id, p.naam, p.geboortedatum, tuple(casussen.get(p.id, [])))
        for p in personen
    ]


async def tel_personen(session: AsyncSession, actor: Actor) -> int:
    """How many persons the actor may see in this municipality (a count, not personal data).

    The municipality's own roles (regie, contactpunt, FG) count all of them; a participant
    the persons of its casussen; an invited party none.
    """
    if actor.role in {"contactpunt", "fg_auditor"}:
        voorwaarde: ColumnElement[bool] = true()
    else:
        voorwaarde = zichtbare_personen(actor)
    return int(
        await session.scalar(select(func.count()).select_from(Persoon).where(voorwaarde)) or 0
    )


async def voeg_derde_toe(
    session: AsyncSession,
    actor: Actor,
    *,
    casus_id: uuid.UUID,
    naam: str,
    relatie: str,
    geboortedatum: date | None = None,
) -> Derde:
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    if not naam.strip():
        raise RegelFout("Vul de naam in.", "naam")
    if not relatie.strip():
        raise RegelFout("Vul de relatie tot de betrokkene in.", "relatie")
    await controleer_persoonsvelden(session, {"naam": naam, "relatie": relatie})
    derde = Derde(
        casus_id=casus.id, naam=naam.strip(), relatie=relatie.strip(), geboortedatum=geboortedatum
    )
    session.add(derde)
    await session.flush()
    await log(session, actor, Actie.CREATE, "derde", "casusoverleg", casus_id=casus.id)
    return derde


async def lees_derden(session: AsyncSession, actor: Actor, casus_id: uuid.UUID) -> list[Derde]:
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    derden = list(
        (
            await session.execute(
                select(Derde).where(Derde.casus_id == casus.id).order_by(Derde.naam)
            )
        ).scalars()
    )
    await log(session, actor, Actie.READ, "derde", "casusoverleg", casus_id=casus.id)
    return derden


async def wijzig_persoon(
    session: AsyncSession,
    actor: Actor,
    persoon_id: uuid.UUID,
    *,
    naam: str,
    geboortedatum: date | None,
    adres: str | None,
    aliassen: list[str],
    doel: str = "rectificatie",
) -> Persoon:
    """Correct the person's data (e.g. after a rectification request); regie only, logged.

    The gemeente van verblijf changes only through a move (``casus.services.verhuis``), which
    also hands the casus over.
    """
    if not is_regie(actor):
        raise GeenToegang("Alleen de gemeente kan persoonsgegevens wijzigen.")
    persoon = await session.get(Persoon, persoon_id)
    if persoon is None:
        raise NietGevonden("Deze persoon bestaat niet (meer).")
    if not naam.strip():
        raise RegelFout("Vul de naam in.", "naam")
    await controleer_persoonsvelden(session, {"naam": naam, "adres": adres, "aliassen": aliassen})
    persoon.naam = naam.strip()
    persoon.geboortedatum = geboortedatum
    persoon.adres = (adres or "").strip() or None
    persoon.aliassen = [a.strip() for a in aliassen if a.strip()]
    await session.flush()
    await log(session, actor, Actie.UPDATE, "persoon", doel, persoon_id=persoon.id)
    return persoon
