"""The overgangsvoorraad: dry run, import, the transition list, its weging and destruction.

An upload is checked as a whole (``proefimport``): every row against the format, the BSN
rule, dates, the municipalities casushub knows and what is already present. Nothing becomes
a case until the user confirms; the background job then reads the valid rows in batches
(``lees_batch``), each batch in its own transaction and idempotent by the source's id, so a
crash or a second upload never duplicates a case.

Imported cases wait in the transition list for a weging under the Wet before their deadline.
``opname`` makes a casus through the same services as a signal's weging (signal, weging,
intake), with the convenant's history attached as information items; ``geen actie`` or a
missed deadline leads to destruction by the daily job (``vernietig_verlopen``), with a
receipt. Either way the row stays as a stub without personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.platform.tenancy import session_tenant
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.casus.rules import REGIE_ROLLEN, Categorie, add_months
from casushub.tenants.casus.services import Deelnemer, maak_casus
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
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.signalen.models import Signaal, SignaalStatus
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record, record_many
from casushub.tenants.weging.rules import Beoordeling, Uitkomst, controleer_vaststelling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal

__all__ = [
    "HERINNER_DAGEN",
    "IMPORT_ROLLEN",
    "PROEF_BEWAAR_UREN",
    "Telling",
    "ZaakWeging",
    "bevestig",
    "herinneringen",
    "lees_batch",
    "lees_import",
    "lees_zaak",
    "overgangslijst",
    "proefimport",
    "recente_imports",
    "rond_import_af",
    "telling",
    "vernietig_verlopen",
    "verwerp",
    "weeg_zaak",
    "weegtermijn",
    "wijzig_weegtermijn",
]

# Who may upload a municipality's convenant cases: its regie, or the hub's admin for it.
IMPORT_ROLLEN = frozenset({"gemeente_regie", "hub_admin", "systeem"})
HERINNER_DAGEN = 14
"""The regie is reminded once when a case's deadline is this close."""
PROEF_BEWAAR_UREN = 24
"""An unconfirmed dry run (and its rows) is removed after this long."""
_GROEP = "overgangszaak"


def _vereis_import(actor: Actor) -> None:
    if actor.role not in IMPORT_ROLLEN:
        raise GeenToegang("Alleen de gemeente (regie) of de hubbeheerder kan zaken inlezen.")


def _vereis_regie(actor: Actor) -> None:
    if actor.role not in REGIE_ROLLEN:
        raise GeenToegang("Alleen de gemeente (regie) of de procesregisseur kan dit doen.")


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
    _vereis_import(actor)
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
    await record(
        session,
        actor,
        actie=Actie.CREATE,
        gegevensgroep="overgangsimport",
        doel="proefimport overgangsvoorraad",
        detail=f"import:{upload.id} rijen:{upload.aantal_rijen} fouten:{upload.aantal_fouten}",
    )
    return upload


async def lees_import(session: AsyncSession, actor: Actor, import_id: uuid.UUID) -> Overgangsimport:
    _vereis_import(actor)
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
    await record(
        session,
        actor,
        actie=Actie.CREATE,
        gegevensgroep="overgangsimport",
        doel="import overgangsvoorraad bevestigd",
        detail=f"import:{upload.id} zaken:{len(upload.rijen)}",
    )
    return upload


async def recente_imports(session: AsyncSession, actor: Actor) -> list[Overgangsimport]:
    """The latest uploads (file name, status, counts; their rows are not read here)."""
    _vereis_import(actor)
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
                _GROEP,
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
    await record(
        session,
        _actor_van(upload),
        actie=Actie.CREATE,
        gegevensgroep="overgangsimport",
        doel="import overgangsvoorraad afgerond",
        detail=(
            f"import:{upload.id} ingelezen:{upload.ingelezen} overgeslagen:{upload.overgeslagen}"
        ),
    )
    return upload


@dataclass(frozen=True, slots=True)
class Telling:
    te_wegen: int
    bijna_verlopen: int
    te_vernietigen: int


async def telling(session: AsyncSession, vandaag: date | None = None) -> Telling:
    """Counts for the werkruimte block (no personal data)."""
    vandaag = vandaag or klok.vandaag()
    rows = dict(
        (
            await session.execute(
                select(Overgangszaak.status, func.count()).group_by(Overgangszaak.status)
            )
        ).all()
    )
    bijna = await session.scalar(
        select(func.count()).where(
            Overgangszaak.status == ZaakStatus.TE_WEGEN,
            Overgangszaak.weeg_uiterlijk <= vandaag + timedelta(days=HERINNER_DAGEN),
        )
    )
    return Telling(
        te_wegen=int(rows.get(ZaakStatus.TE_WEGEN.value, 0)),
        bijna_verlopen=int(bijna or 0),
        te_vernietigen=int(rows.get(ZaakStatus.GEEN_ACTIE.value, 0)),
    )


async def overgangslijst(session: AsyncSession, actor: Actor) -> list[Overgangszaak]:
    """The cases still waiting (for a weging, or for tonight's destruction), by deadline."""
    _vereis_regie(actor)
    zaken = list(
        (
            await session.execute(
                select(Overgangszaak)
                .where(Overgangszaak.status.in_([ZaakStatus.TE_WEGEN, ZaakStatus.GEEN_ACTIE]))
                .order_by(Overgangszaak.weeg_uiterlijk, Overgangszaak.naam)
            )
        ).scalars()
    )
    await record_many(
        session,
        actor,
        [Regel(Actie.READ, _GROEP, "overgangslijst", detail=f"zaak:{z.id}") for z in zaken],
    )
    return zaken


async def lees_zaak(session: AsyncSession, actor: Actor, zaak_id: uuid.UUID) -> Overgangszaak:
    _vereis_regie(actor)
    zaak = await session.get(Overgangszaak, zaak_id)
    if zaak is None or zaak.naam is None:
        raise NietGevonden("Deze zaak bestaat niet (meer).")
    await record(
        session,
        actor,
        actie=Actie.READ,
        gegevensgroep=_GROEP,
        doel="weging overgangszaak",
        detail=f"zaak:{zaak.id}",
    )
    return zaak


@dataclass(frozen=True, slots=True)
class ZaakWeging:
    datum: date
    aanwezigen: Sequence[Aanwezige]
    criteria: Mapping[str, Beoordeling]
    redenering: str
    uitkomst: str | None


TOEGESTANE_UITKOMSTEN = (Uitkomst.OPNAME, Uitkomst.GEEN_ACTIE, Uitkomst.NIET_ONDER_WET)


def _geschiedenis(zaak: Overgangszaak) -> list[tuple[date, str]]:
    """The convenant's history as dated texts for the casus's information items."""
    gegevens: dict[str, Any] = zaak.gegevens or {}
    start = (
        date.fromisoformat(gegevens["startdatum"]) if gegevens.get("startdatum") else klok.vandaag()
    )
    items = [
        (
            start,
            f"Overgenomen uit het convenant (bron-id {zaak.bron_id}): zaak gestart op "
            f"{start.strftime('%d-%m-%Y')}, stand '{gegevens.get('status', '')}'.",
        )
    ]
    for s in gegevens.get("signalen") or []:
        items.append(
            (
                date.fromisoformat(s["datum"]),
                f"Signaal onder het convenant (bron: {s.get('bron') or 'onbekend'}): "
                f"{s['omschrijving']}",
            )
        )
    for b in gegevens.get("besluiten") or []:
        items.append(
            (date.fromisoformat(b["datum"]), f"Besluit onder het convenant: {b['besluit']}")
        )
    for i in gegevens.get("interventies") or []:
        items.append(
            (
                start,
                f"Interventie onder het convenant: {i['omschrijving']} (verantwoordelijk: "
                f"{i.get('partner') or 'onbekend'}; stand: {i.get('status') or 'onbekend'})",
            )
        )
    return items


async def weeg_zaak(
    session: AsyncSession,
    actor: Actor,
    zaak_id: uuid.UUID,
    invoer: ZaakWeging,
    *,
    regie_gemeente: str,
    vandaag: date | None = None,
) -> Overgangszaak:
    """A weging under the Wet of an imported case: ``opname`` or ``geen actie``.

    ``opname`` goes through the signal's own weging and intake (rule 2), so the casus has a
    finalised weging with its attendees and reasoning; the convenant's history becomes its
    first information items.
    """
    _vereis_regie(actor)
    vandaag = vandaag or klok.vandaag()
    zaak = await session.get(Overgangszaak, zaak_id, with_for_update=True)
    if zaak is None or zaak.naam is None:
        raise NietGevonden("Deze zaak bestaat niet (meer).")
    if zaak.status != ZaakStatus.TE_WEGEN:
        raise RegelFout("Deze zaak is al gewogen.", "zaak")
    if zaak.weeg_uiterlijk < vandaag:
        raise RegelFout(
            "De termijn voor de weging van deze zaak is verstreken; de zaak wordt vernietigd.",
            "zaak",
        )
    if invoer.uitkomst not in {u.value for u in TOEGESTANE_UITKOMSTEN}:
        raise RegelFout(
            "Kies een uitkomst: opname in casusoverleg, geen actie of valt niet onder deze wet.",
            "uitkomst",
        )
    await controleer_persoonsvelden(
        session,
        {
            "redenering": invoer.redenering,
            **{f"criteria.{k}": v.toelichting for k, v in invoer.criteria.items()},
        },
    )
    uitkomst = controleer_vaststelling(
        datum=invoer.datum,
        aanwezige_types={a.organisatie_type for a in invoer.aanwezigen},
        criteria=invoer.criteria,
        uitkomst=invoer.uitkomst,
        redenering=invoer.redenering,
        vervolgdatum=None,
    )
    if invoer.datum > vandaag:
        raise RegelFout("De datum van de weging kan niet in de toekomst liggen.", "datum")
    if uitkomst is not Uitkomst.OPNAME:
        zaak.status = ZaakStatus.GEEN_ACTIE
        zaak.afgehandeld_op = invoer.datum
        # No basis under the Wet: nothing of it may be kept; tonight's job destroys it.
        zaak.destroy_on = vandaag
        await session.flush()
        await record(
            session,
            actor,
            actie=Actie.UPDATE,
            gegevensgroep=_GROEP,
            doel=f"weging overgangszaak: {uitkomst.label}",
            detail=f"zaak:{zaak.id}",
        )
        return zaak
    if actor.organisation_id is None:
        raise GeenToegang("Alleen een gebruiker van een organisatie kan een zaak opnemen.")
    gegevens: dict[str, Any] = zaak.gegevens or {}
    persoon = Persoon(
        naam=zaak.naam,
        geboortedatum=zaak.geboortedatum,
        gemeente_van_verblijf=zaak.gemeente_van_verblijf or regie_gemeente,
        aliassen=list(gegevens.get("aliassen") or []),
    )
    session.add(persoon)
    await session.flush()
    signaaldata = [date.fromisoformat(s["datum"]) for s in gegevens.get("signalen") or []]
    signaal = Signaal(
        persoon_id=persoon.id,
        bron_organisatie_id=actor.organisation_id,
        ontvangen_op=min(signaaldata)
        if signaaldata
        else (
            date.fromisoformat(gegevens["startdatum"]) if gegevens.get("startdatum") else vandaag
        ),
        ontvangen_door=actor.user_id,
        omschrijving=(
            "Zaak uit de overgangsvoorraad (convenant), opnieuw gewogen onder de Wet "
            f"(bron-id {zaak.bron_id})."
        ),
        status=SignaalStatus.TE_WEGEN,
    )
    session.add(signaal)
    await session.flush()
    weging = await weeg_signaal(
        session,
        actor,
        WegingInvoer(
            signaal_id=signaal.id,
            datum=invoer.datum,
            aanwezigen=invoer.aanwezigen,
            criteria=invoer.criteria,
            redenering=invoer.redenering,
            uitkomst=uitkomst.value,
        ),
        vaststellen=True,
    )
    casus = await maak_casus(
        session,
        actor,
        weging_id=weging.id,
        regie_gemeente=regie_gemeente,
        intake_datum=vandaag,
        deelnemers=[Deelnemer(a.organisatie_id, a.organisatie_type) for a in invoer.aanwezigen],
        procesregisseur_id=actor.user_id if actor.role == "procesregisseur" else None,
    )
    for datum, tekst in _geschiedenis(zaak):
        session.add(
            InformatieItem(
                casus_id=casus.id,
                tekst=tekst,
                bron_organisatie_id=actor.organisation_id,
                datum=datum,
                categorie=Categorie.GEWOON.value,
                vastgelegd_door=actor.user_id,
            )
        )
    _leeg(zaak)
    zaak.status = ZaakStatus.OPGENOMEN
    zaak.casus_id = casus.id
    zaak.afgehandeld_op = invoer.datum
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=_GROEP,
        doel="weging overgangszaak: opname",
        casus_id=casus.id,
        persoon_id=persoon.id,
        detail=f"zaak:{zaak.id}",
    )
    return zaak


def _leeg(zaak: Overgangszaak) -> None:
    """Remove every personal field; the stub keeps the keyed source id and the dates."""
    zaak.bron_id = None
    zaak.naam = None
    zaak.geboortedatum = None
    zaak.gemeente_van_verblijf = None
    zaak.gegevens = {}


_REGEL = {
    ZaakStatus.GEEN_ACTIE.value: (
        "overgangszaak: vernietigd na weging 'geen actie' of 'valt niet onder deze wet'"
    ),
    ZaakStatus.TE_WEGEN.value: (
        "overgangszaak: vernietigd na verstrijken van de termijn voor de weging"
    ),
}


async def vernietig_verlopen(
    session: AsyncSession,
    actor: Actor,
    *,
    vandaag: date | None = None,
    batch_id: uuid.UUID | None = None,
) -> int:
    """The daily job: destroy cases weighed 'geen actie' and cases past their deadline,
    with a receipt each (kind, id, when, rule), and unconfirmed dry runs past their time."""
    tenant = session_tenant(session)
    if tenant is None:
        msg = "de vernietiging draait alleen in een tenant-sessie"
        raise RuntimeError(msg)
    vandaag = vandaag or klok.vandaag()
    batch = batch_id or new_id()
    zaken = list(
        (
            await session.execute(
                select(Overgangszaak)
                .where(
                    or_(
                        (Overgangszaak.status == ZaakStatus.GEEN_ACTIE)
                        & (Overgangszaak.destroy_on <= vandaag),
                        (Overgangszaak.status == ZaakStatus.TE_WEGEN)
                        & (Overgangszaak.weeg_uiterlijk < vandaag),
                    )
                )
                .with_for_update()
            )
        ).scalars()
    )
    nu = datetime.now(UTC)
    for zaak in zaken:
        session.add(
            Vernietigingsbewijs(
                batch_id=batch,
                tenant_id=tenant.id,
                soort="overgangszaak",
                record_id=zaak.id,
                vernietigd_op=nu,
                bewaren_tot=zaak.destroy_on or zaak.weeg_uiterlijk,
                regel=_REGEL[zaak.status],
                aantal=1,
            )
        )
        _leeg(zaak)
        zaak.status = ZaakStatus.VERNIETIGD
        zaak.afgehandeld_op = zaak.afgehandeld_op or vandaag
        zaak.destroy_on = None
    await session.flush()
    if zaken:
        await record_many(
            session,
            actor,
            [
                Regel(
                    Actie.DELETE,
                    _GROEP,
                    "vernietiging overgangszaak",
                    detail=f"zaak:{z.id} batch:{batch}",
                )
                for z in zaken
            ],
        )
    grens = nu - timedelta(hours=PROEF_BEWAAR_UREN)
    await session.execute(
        update(Overgangsimport)
        .where(Overgangsimport.status == ImportStatus.PROEF, Overgangsimport.created_at < grens)
        .values(status=ImportStatus.VERWORPEN, rijen=[], afgerond_op=nu)
    )
    return len(zaken)


async def herinneringen(session: AsyncSession, vandaag: date | None = None) -> int:
    """Mark the cases whose deadline is near and not yet announced; returns how many.

    The caller mails the regie once per day with any (a fixed text and a link, no data).
    """
    vandaag = vandaag or klok.vandaag()
    resultaat = await session.execute(
        update(Overgangszaak)
        .where(
            Overgangszaak.status == ZaakStatus.TE_WEGEN,
            Overgangszaak.herinnerd.is_(False),
            Overgangszaak.weeg_uiterlijk <= vandaag + timedelta(days=HERINNER_DAGEN),
        )
        .values(herinnerd=True)
        .returning(Overgangszaak.id)
    )
    return len(list(resultaat.scalars()))


async def casus_van(session: AsyncSession, zaak_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(
        select(Casus.id)
        .join(Overgangszaak, Overgangszaak.casus_id == Casus.id)
        .where(Overgangszaak.id == zaak_id)
    )


async def verwijder_import(session: AsyncSession, import_id: uuid.UUID) -> None:
    await session.execute(delete(Overgangsimport).where(Overgangsimport.id == import_id))
