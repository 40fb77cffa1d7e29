"""Reading convenant cases in: dry run, confirmation and the batches of the background job.

An upload is checked as a whole (``proefimport``): every row against the format, the BSN
rule, dates, the municipalities casushub knows and what is already present. Nothing becomes
a case until the user confirms; the background job then reads the valid rows in batches
(``lees_batch``), each batch in its own transaction and idempotent by the source's id, so a
crash or a second upload never duplicates a case. Imported cases get the municipality's
deadline for their weging (``weegtermijn``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.rules import add_months
from casushub.tenants.instellingen.services import lees_instellingen
from casushub.tenants.overgang.formaat import BestandFout, lees_bestand
from casushub.tenants.overgang.models import (
    ImportStatus,
    OvergangInstelling,
    Overgangsimport,
    Overgangszaak,
    ZaakStatus,
)
from casushub.tenants.overgang.rules import bron_sleutel, controleer_rijen, persoonssleutel
from casushub.tenants.overgang.toegang import (
    GEGEVENSGROEP,
    vereis_import,
)
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many

PROEF_BEWAAR_UREN = 24
"""An unconfirmed dry run (and its rows) is removed after this long."""


async def weegtermijn(session: AsyncSession) -> int:
    maanden = await session.scalar(select(OvergangInstelling.weegtermijn_maanden))
    return int(maanden) if maanden is not None else 3


async def wijzig_weegtermijn(session: AsyncSession, actor: Actor, maanden: int) -> None:
    """The municipality's deadline for new imports; cases already imported keep theirs."""
    if actor.role not in {"gemeente_regie", "systeem"}:
        raise GeenToegang("Alleen de gemeente kan de termijn voor de weging wijzigen.")
    if not 1 <= maanden <= 12:
        raise RegelFout("Kies een termijn van 1 tot 12 maanden.", "maanden")
    instelling = await session.scalar(select(OvergangInstelling))
    if instelling is None:
        instelling = OvergangInstelling(enkel=True)
        session.add(instelling)
    instelling.weegtermijn_maanden = maanden
    instelling.gewijzigd_door = actor.user_id
    await session.flush()


async def proefimport(
    session: AsyncSession,
    actor: Actor,
    *,
    bestandsnaam: str,
    inhoud: bytes,
    bekende_gemeenten: Collection[str],
    geheim: bytes,
    vandaag: date | None = None,
) -> Overgangsimport:
    """Check every row of an upload; keep the report (and the valid rows, until confirmed)."""
    vereis_import(actor)
    bestandsnaam = (bestandsnaam or "").strip()[-200:]
    try:
        formaat, rijen = lees_bestand(bestandsnaam, inhoud)
    except BestandFout as fout:
        raise RegelFout(fout.message, "bestand") from None
    instelling = await lees_instellingen(session)
    personen = {
        persoonssleutel(naam, geb)
        for naam, geb in (await session.execute(select(Persoon.naam, Persoon.geboortedatum)))
    }
    personen |= {
        persoonssleutel(naam or "", geb)
        for naam, geb in await session.execute(
            select(Overgangszaak.naam, Overgangszaak.geboortedatum).where(
                Overgangszaak.naam.is_not(None)
            )
        )
    }
    sleutels = set((await session.execute(select(Overgangszaak.bron_sleutel))).scalars())
    rapporten = controleer_rijen(
        rijen,
        bekende_gemeenten=bekende_gemeenten,
        bekende_personen=personen,
        ingelezen_sleutels=sleutels,
        sleutel=lambda bron: bron_sleutel(geheim, bron),
        vandaag=vandaag or klok.vandaag(),
        bsn_toegestaan=instelling.bsn_toegestaan,
    )
    nieuw = [
        {**r.schoon, "bron_sleutel": bron_sleutel(geheim, r.bron_id)}
        for r in rapporten
        if r.status == "nieuw"
    ]
    upload = Overgangsimport(
        bestandsnaam=bestandsnaam or "bestand",
        formaat=formaat,
        status=ImportStatus.PROEF,
        geupload_door=actor.user_id,
        geupload_door_organisatie=actor.organisation_id,
        geupload_door_rol=actor.role,
        rijen=nieuw,
        rapport=[r.als_dict() for r in rapporten],
        aantal_rijen=len(rapporten),
        aantal_fouten=sum(1 for r in rapporten if r.fouten),
        ingelezen=0,
        overgeslagen=0,
    )
    session.add(upload)
    await session.flush()
    await _log_import(
        session,
        actor,
        "proefimport overgangsvoorraad",
        f"import:{upload.id} rijen:{upload.aantal_rijen} fouten:{upload.aantal_fouten}",
    )
    return upload


async def lees_import(session: AsyncSession, actor: Actor, import_id: uuid.UUID) -> Overgangsimport:
    vereis_import(actor)
    upload = await session.get(Overgangsimport, import_id)
    if upload is None:
        raise NietGevonden("Deze upload bestaat niet (meer).")
    return upload


async def bevestig(
    session: AsyncSession, actor: Actor, import_id: uuid.UUID, job_id: uuid.UUID
) -> Overgangsimport:
    """The user's confirmation: the job ``job_id`` may now read the valid rows in."""
    upload = await lees_import(session, actor, import_id)
    if upload.status != ImportStatus.PROEF:
        raise RegelFout("Deze upload is al bevestigd of verworpen.", "import")
    if not upload.rijen:
        raise RegelFout("Er zijn geen nieuwe zaken zonder fouten om in te lezen.", "import")
    upload.status = ImportStatus.BEVESTIGD
    upload.job_id = job_id
    upload.bevestigd_door = actor.user_id
    upload.bevestigd_op = datetime.now(UTC)
    await session.flush()
    await _log_import(
        session,
        actor,
        "import overgangsvoorraad bevestigd",
        f"import:{upload.id} zaken:{len(upload.rijen)}",
    )
    return upload


async def recente_imports(session: AsyncSession, actor: Actor) -> list[Overgangsimport]:
    """The latest uploads (file name, status, counts; their rows are not read here)."""
    vereis_import(actor)
    return list(
        (
            await session.execute(
                select(Overgangsimport).order_by(Overgangsimport.created_at.desc()).limit(20)
            )
        ).scalars()
    )


async def verwerp(session: AsyncSession, actor: Actor, import_id: uuid.UUID) -> None:
    """Discard a dry run: its rows are deleted, only the report's counts stay."""
    upload = await lees_import(session, actor, import_id)
    if upload.status != ImportStatus.PROEF:
        raise RegelFout("Deze upload is al bevestigd of verworpen.", "import")
    upload.status = ImportStatus.VERWORPEN
    upload.rijen = []
    upload.afgerond_op = datetime.now(UTC)
    await session.flush()


async def _log_import(session: AsyncSession, actor: Actor, doel: str, detail: str) -> None:
    """An upload's step in the access log (what was imported, by whom), no personal data."""
    await record_many(session, actor, [Regel(Actie.CREATE, "overgangsimport", doel, detail=detail)])


def _actor_van(upload: Overgangsimport) -> Actor:
    # Logged as the person who confirmed it: "what was imported and by whom".
    return Actor(
        user_id=upload.bevestigd_door,
        organisation_id=upload.geupload_door_organisatie,
        role=upload.geupload_door_rol,
        request_id=f"overgang.import:{upload.job_id}",
    )


async def lees_batch(
    session: AsyncSession, import_id: uuid.UUID, van: int, tot: int, *, vandaag: date | None = None
) -> tuple[int, int]:
    """Insert rows ``[van, tot)`` of a confirmed upload; (inserted, skipped as present)."""
    upload = await session.get(Overgangsimport, import_id)
    if upload is None or upload.status != ImportStatus.BEVESTIGD:
        return 0, 0
    rijen = upload.rijen[van:tot]
    if not rijen:
        return 0, 0
    uiterlijk = add_months(vandaag or klok.vandaag(), await weegtermijn(session))
    waarden = [
        {
            "id": new_id(),
            "import_id": upload.id,
            "bron_sleutel": rij["bron_sleutel"],
            "status": ZaakStatus.TE_WEGEN.value,
            "weeg_uiterlijk": uiterlijk,
            "bron_id": rij["bron_id"],
            "naam": rij["naam"],
            "geboortedatum": date.fromisoformat(rij["geboortedatum"])
            if rij.get("geboortedatum")
            else None,
            "gemeente_van_verblijf": rij["gemeente_van_verblijf"],
            "gegevens": {k: rij.get(k) for k in _GEGEVENS},
            "herinnerd": False,
        }
        for rij in rijen
    ]
    resultaat = await session.execute(
        pg_insert(Overgangszaak)
        .values(waarden)
        .on_conflict_do_nothing(index_elements=["bron_sleutel"])
        .returning(Overgangszaak.id)
    )
    nieuw = list(resultaat.scalars())
    await record_many(
        session,
        _actor_van(upload),
        [
            Regel(
                Actie.CREATE,
                GEGEVENSGROEP,
                "import overgangsvoorraad",
                detail=f"zaak:{zaak_id} import:{upload.id}",
            )
            for zaak_id in nieuw
        ],
    )
    upload.ingelezen += len(nieuw)
    upload.overgeslagen += len(rijen) - len(nieuw)
    await session.flush()
    return len(nieuw), len(rijen) - len(nieuw)


_GEGEVENS = ("aliassen", "startdatum", "status", "signalen", "besluiten", "interventies")


async def rond_import_af(session: AsyncSession, import_id: uuid.UUID) -> Overgangsimport | None:
    """Mark a confirmed upload read in and drop its staged rows (they now live as cases)."""
    upload = await session.get(Overgangsimport, import_id)
    if upload is None or upload.status != ImportStatus.BEVESTIGD:
        return upload
    upload.status = ImportStatus.INGELEZEN
    upload.rijen = []
    upload.afgerond_op = datetime.now(UTC)
    await session.flush()
    await _log_import(
        session,
        _actor_van(upload),
        "import overgangsvoorraad afgerond",
        f"import:{upload.id} ingelezen:{upload.ingelezen} overgeslagen:{upload.overgeslagen}",
    )
    return upload


async def verwijder_import(session: AsyncSession, import_id: uuid.UUID) -> None:
    await session.execute(delete(Overgangsimport).where(Overgangsimport.id == import_id))
