"""Registering signals, the list the weegploeg works from, and destroying a signal."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.bulk import id_in
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout, RegelFouten
from casushub.tenants.casus.models import Bijlage, Casus
from casushub.tenants.casus.rules import DEELNEMER_ROL
from casushub.tenants.casus.toegang import (
    is_regie,
    log,
    vereis_weegploeg,
    weegt_mee,
    zichtbare_personen,
)
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.signalen.models import AANLEIDINGEN, Signaal, SignaalStatus
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.weging.models import Weging

__all__ = [
    "BijlageInvoer",
    "NieuwSignaal",
    "SignaalRegel",
    "aanleidingfouten",
    "lees_signaal",
    "registreer_signaal",
    "signaalfouten",
    "vereis_signaalrecht",
    "vernietig_signaal",
    "vernietig_signalen",
    "verwijder_wezen",
]

_GEMEENTECODE_LENGTE = 4
_MAX_TOELICHTING = 2000


@dataclass(frozen=True, slots=True)
class BijlageInvoer:
    bestandsnaam: str
    mediatype: str
    inhoud: bytes

    def als_bijlage(
        self, *, signaal_id: uuid.UUID | None = None, item_id: uuid.UUID | None = None
    ) -> Bijlage:
        """This file, stored on a signal or on an information item (the one given)."""
        return Bijlage(
            signaal_id=signaal_id,
            item_id=item_id,
            bestandsnaam=self.bestandsnaam,
            mediatype=self.mediatype,
            inhoud=self.inhoud,
        )


@dataclass(frozen=True, slots=True)
class NieuwSignaal:
    naam: str
    gemeente_van_verblijf: str
    omschrijving: str
    bron_organisatie_id: uuid.UUID
    ontvangen_op: date
    geboortedatum: date | None = None
    adres: str | None = None
    aliassen: Sequence[str] = ()
    bijlagen: Sequence[BijlageInvoer] = field(default_factory=tuple)
    # An already known person (e.g. a second signal about the same betrokkene).
    persoon_id: uuid.UUID | None = None
    # Why it falls under the Wet (AANLEIDINGEN) and in whose words; the signal form asks for
    # both (no choice made for the user), see ``aanleidingfouten``.
    aanleiding: str | None = None
    aanleiding_toelichting: str = ""


def vereis_signaalrecht(actor: Actor) -> None:
    """Bringing a signal in: the gemeente and every participant (weighing it is the
    weegploeg's, :func:`casushub.tenants.casus.toegang.vereis_weegploeg`)."""
    if not is_regie(actor) and actor.role != DEELNEMER_ROL:
        raise GeenToegang("Alleen de gemeente en de deelnemers kunnen signalen inbrengen.")


def signaalfouten(invoer: NieuwSignaal, vandaag: date | None = None) -> dict[str, str]:
    """Every required field the signal lacks, in the order of the form (all at once)."""
    fouten: dict[str, str] = {}
    if invoer.persoon_id is None:
        if not invoer.naam.strip():
            fouten["naam"] = "Vul de naam van de betrokkene in."
        code = invoer.gemeente_van_verblijf.strip()
        if len(code) != _GEMEENTECODE_LENGTE or not code.isdigit():
            fouten["gemeente_van_verblijf"] = "Kies de gemeente van verblijf."
    if invoer.ontvangen_op > (vandaag or klok.vandaag()):
        fouten["ontvangen_op"] = "De ontvangstdatum kan niet in de toekomst liggen."
    if not invoer.omschrijving.strip():
        fouten["omschrijving"] = "Beschrijf het signaal."
    if invoer.aanleiding is not None:
        fouten.update(aanleidingfouten(invoer.aanleiding, invoer.aanleiding_toelichting))
    return fouten


def aanleidingfouten(aanleiding: str | None, toelichting: str) -> dict[str, str]:
    """Why the signal falls under the Wet: one of AANLEIDINGEN, with an explanation."""
    fouten: dict[str, str] = {}
    if aanleiding not in AANLEIDINGEN:
        fouten["aanleiding"] = (
            "Geef aan waarom dit signaal onder de Wet valt: zorgen over radicalisering of over "
            "terroristische activiteiten. Gaat het om iets anders, dan hoort het in de reguliere "
            "persoonsgerichte aanpak van de gemeente."
        )
    elif not toelichting.strip():
        fouten["aanleiding_toelichting"] = "Licht toe waaruit deze zorgen blijken."
    elif len(toelichting) > _MAX_TOELICHTING:
        fouten["aanleiding_toelichting"] = "Houd de toelichting korter dan 2000 tekens."
    return fouten


async def registreer_signaal(session: AsyncSession, actor: Actor, invoer: NieuwSignaal) -> Signaal:
    vereis_signaalrecht(actor)
    fouten = signaalfouten(invoer)
    if fouten:
        raise RegelFouten(fouten)
    await controleer_persoonsvelden(
        session,
        {
            "naam": invoer.naam,
            "adres": invoer.adres,
            "aliassen": list(invoer.aliassen),
            "omschrijving": invoer.omschrijving,
            "aanleiding_toelichting": invoer.aanleiding_toelichting,
            **{f"bijlage.{b.bestandsnaam}": b.bestandsnaam for b in invoer.bijlagen},
        },
    )
    if invoer.persoon_id is not None:
        # Only a person the actor may see: the weegploeg any, others one of their casussen.
        persoon = await session.scalar(
            select(Persoon).where(
                Persoon.id == invoer.persoon_id,
                true() if weegt_mee(actor) else zichtbare_personen(actor),
            )
        )
        if persoon is None:
            raise NietGevonden("Deze persoon bestaat niet (meer).")
    else:
        code = invoer.gemeente_van_verblijf.strip()
        persoon = Persoon(
            naam=invoer.naam.strip(),
            geboortedatum=invoer.geboortedatum,
            gemeente_van_verblijf=code,
            adres=(invoer.adres or "").strip() or None,
            aliassen=[a.strip() for a in invoer.aliassen if a.strip()],
        )
        session.add(persoon)
        await session.flush()
    signaal = Signaal(
        persoon_id=persoon.id,
        bron_organisatie_id=invoer.bron_organisatie_id,
        ontvangen_op=invoer.ontvangen_op,
        ontvangen_door=actor.user_id,
        omschrijving=invoer.omschrijving.strip(),
        aanleiding=invoer.aanleiding,
        aanleiding_toelichting=invoer.aanleiding_toelichting.strip() or None,
        status=SignaalStatus.TE_WEGEN,
    )
    session.add(signaal)
    await session.flush()
    for bijlage in invoer.bijlagen:
        session.add(bijlage.als_bijlage(signaal_id=signaal.id))
    await session.flush()
    await log(session, actor, Actie.CREATE, "signaal", "signaal inbrengen", persoon_id=persoon.id)
    return signaal


@dataclass(frozen=True, slots=True)
class SignaalRegel:
    signaal_id: uuid.UUID
    persoon_id: uuid.UUID
    naam: str
    ontvangen_op: date
    vervolgdatum: date | None


async def lees_signaal(session: AsyncSession, actor: Actor, signaal_id: uuid.UUID) -> Signaal:
    """A signal with its person, for the weegploeg only: the person may not (yet) be in any
    casus, so nobody outside the weegploeg may see it."""
    vereis_weegploeg(actor)
    signaal = await session.get(Signaal, signaal_id)
    if signaal is None:
        raise NietGevonden("Dit signaal bestaat niet (meer).")
    await log(session, actor, Actie.READ, "signaal", "weging", persoon_id=signaal.persoon_id)
    return signaal


async def vernietig_signaal(session: AsyncSession, signaal_id: uuid.UUID) -> None:
    """Delete a signal with its wegingen and attachments, and its person if nothing else
    refers to it: :func:`vernietig_signalen` for one id."""
    await vernietig_signalen(session, [signaal_id])


async def vernietig_signalen(session: AsyncSession, signaal_ids: Iterable[uuid.UUID]) -> None:
    """Delete signals with their wegingen and attachments, and each of their persons that
    nothing else refers to any more. Called by the retention sweep and by erasure decisions;
    they log and receipt the destruction themselves (no personal data may survive it).

    Set-based: a handful of statements however many signals (the sweep destroys a whole
    tenant's due signals at once). Ids that no longer exist are skipped; if one of
    the signals belongs to a casus, nothing is deleted and :class:`RegelFout` is raised.
    """
    ids = set(signaal_ids)
    if not ids:
        return
    rows = (
        await session.execute(select(Signaal.id, Signaal.persoon_id).where(id_in(Signaal.id, ids)))
    ).all()
    if not rows:
        return
    ids = {row.id for row in rows}
    if await session.scalar(
        select(Casus.id)
        .join(Weging, Weging.id == Casus.weging_id)
        .where(id_in(Weging.signaal_id, ids))
        .limit(1)
    ):
        raise RegelFout("Dit signaal hoort bij een casus: vernietig de casus.", "signaal")
    await session.execute(delete(Bijlage).where(id_in(Bijlage.signaal_id, ids)))
    await session.execute(delete(Weging).where(id_in(Weging.signaal_id, ids)))
    await session.execute(delete(Signaal).where(id_in(Signaal.id, ids)))
    await verwijder_wezen(session, {row.persoon_id for row in rows})


async def verwijder_wezen(session: AsyncSession, persoon_ids: set[uuid.UUID]) -> None:
    """Delete those of ``persoon_ids`` that no signal and no casus refers to any more."""
    await session.execute(
        delete(Persoon).where(
            id_in(Persoon.id, persoon_ids),
            ~select(Signaal.id).where(Signaal.persoon_id == Persoon.id).exists(),
            ~select(Casus.id).where(Casus.persoon_id == Persoon.id).exists(),
        )
    )
