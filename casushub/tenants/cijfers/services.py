"""Gathering one municipality's raw figures for a calendar year (counts, no persons).

Read in the tenant's own session and role like any tenant data; every view or download is
logged (``log_inzage``). What may be shown of them is decided in ``rules.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from sqlalchemy import Date, cast, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.casus.errors import GeenToegang
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.rules import Status
from casushub.tenants.cijfers.rules import Cijfers
from casushub.tenants.plan.models import Plan
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken.models import Besluit, Verzoek
from casushub.tenants.weging.models import Weging

__all__ = [
    "CIJFER_ROLLEN",
    "FASEN",
    "MAANDEN",
    "VERZOEK_AFHANDELING",
    "log_inzage",
    "verzamel",
]

CIJFER_ROLLEN = frozenset({"gemeente_regie", "hub_admin", "systeem"})
MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
FASEN = {
    Status.AANGEMELD.value: "aangemeld",
    Status.LOPEND.value: "lopend",
    Status.MONITOREN.value: "monitoren",
    Status.AFGESLOTEN.value: "afgesloten",
}
UITKOMSTEN = {
    "geen_actie": "geen actie",
    "niet_onder_wet": "valt niet onder deze wet",
    "meer_informatie": "meer informatie nodig",
    "opname": "opname in casusoverleg",
    "strafrechtelijk": "strafrechtelijk traject (OM)",
}
VERZOEK_SOORTEN = {
    "inzage": "inzage",
    "rectificatie": "rectificatie",
    "verwijdering": "verwijdering",
    "beperking": "beperking",
    "bezwaar": "bezwaar",
}
VERZOEK_AFHANDELING = ("op tijd besloten", "te laat besloten", "open, termijn verstreken", "open")
VERNIETIGD = {
    "casus": "casussen",
    "signaal": "signalen ('geen actie')",
    "overgangszaak": "zaken uit het convenant",
    "verwerkingenlog": "regels verwerkingenlog",
}


def _vereis(actor: Actor) -> None:
    if actor.role not in CIJFER_ROLLEN:
        raise GeenToegang("Alleen de gemeente (regie) en de hubbeheerder zien deze cijfers.")


def _in_jaar(kolom, jaar: int):  # type: ignore[no-untyped-def]  # a Date column
    return (kolom >= date(jaar, 1, 1)) & (kolom <= date(jaar, 12, 31))


async def verzamel(
    session: AsyncSession,
    actor: Actor,
    *,
    jaar: int,
    bron_types: Mapping[uuid.UUID, str],
    vandaag: date | None = None,
) -> Cijfers:
    """The raw counts and durations of this municipality for ``jaar``.

    ``bron_types``: the type label of each source organisation (platform data the caller
    reads); a source not in it counts as "overig".
    """
    _vereis(actor)
    vandaag = vandaag or klok.vandaag()
    cijfers = Cijfers()

    signalen: dict[tuple[str, str], int] = {}
    rij_signalen = await session.execute(
        select(
            extract("month", Signaal.ontvangen_op).label("maand"),
            Signaal.bron_organisatie_id,
            func.count(),
        )
        .where(_in_jaar(Signaal.ontvangen_op, jaar))
        .group_by("maand", Signaal.bron_organisatie_id)
    )
    for maand, bron, n in rij_signalen:
        sleutel = (MAANDEN[int(maand) - 1], bron_types.get(bron, "overig"))
        signalen[sleutel] = signalen.get(sleutel, 0) + int(n)
    cijfers.aantallen["signalen"] = signalen

    rij_wegingen = await session.execute(
        select(Weging.uitkomst, func.count())
        .where(Weging.vastgesteld_op.is_not(None), _in_jaar(Weging.datum, jaar))
        .group_by(Weging.uitkomst)
    )
    cijfers.aantallen["wegingen"] = {
        (UITKOMSTEN.get(u or "", u or "onbekend"), "aantal"): int(n) for u, n in rij_wegingen
    }

    rij_fasen = await session.execute(select(Casus.status, func.count()).group_by(Casus.status))
    cijfers.aantallen["fasen"] = {(FASEN.get(s, s), "aantal"): int(n) for s, n in rij_fasen}

    te_laat = await session.scalar(
        select(func.count()).where(
            Casus.status != Status.AFGESLOTEN.value, Casus.volgende_review < vandaag
        )
    )
    cijfers.aantallen["reviews"] = {("over de datum", "aantal"): int(te_laat or 0)}

    verzoeken: dict[tuple[str, str], int] = {}
    rij_verzoeken = await session.execute(
        select(Verzoek.type, Verzoek.termijn, cast(Besluit.genomen_op, Date))
        .outerjoin(Besluit, Besluit.verzoek_id == Verzoek.id)
        .where(_in_jaar(Verzoek.ontvangen_op, jaar))
    )
    for soort, termijn, besloten in rij_verzoeken:
        if besloten is not None:
            afhandeling = VERZOEK_AFHANDELING[0 if besloten <= termijn else 1]
        else:
            afhandeling = VERZOEK_AFHANDELING[2 if termijn < vandaag else 3]
        sleutel = (VERZOEK_SOORTEN.get(soort, soort), afhandeling)
        verzoeken[sleutel] = verzoeken.get(sleutel, 0) + 1
    cijfers.aantallen["verzoeken"] = verzoeken

    begin = datetime.combine(date(jaar, 1, 1), time.min, tzinfo=UTC)
    einde = datetime.combine(date(jaar + 1, 1, 1), time.min, tzinfo=UTC)
    rij_vernietigd = await session.execute(
        select(Vernietigingsbewijs.soort, func.sum(Vernietigingsbewijs.aantal))
        .where(
            Vernietigingsbewijs.vernietigd_op >= begin, Vernietigingsbewijs.vernietigd_op < einde
        )
        .group_by(Vernietigingsbewijs.soort)
    )
    cijfers.aantallen["vernietigd"] = {
        (VERNIETIGD.get(s, s), "aantal"): int(n or 0) for s, n in rij_vernietigd
    }

    # Durations: each observation counts in the year its end falls in.
    rij_sw = await session.execute(
        select(Weging.datum, Signaal.ontvangen_op)
        .join(Signaal, Signaal.id == Weging.signaal_id)
        .where(Weging.vastgesteld_op.is_not(None), _in_jaar(Weging.datum, jaar))
    )
    cijfers.duren["signaal_weging"] = [max(0, (w - s).days) for w, s in rij_sw]
    rij_ip = await session.execute(
        select(Plan.vastgesteld_op, Casus.intake_datum)
        .join(Casus, Casus.id == Plan.casus_id)
        .where(Plan.vastgesteld_op.is_not(None), _in_jaar(Plan.vastgesteld_op, jaar))
    )
    cijfers.duren["intake_plan"] = [max(0, (p - i).days) for p, i in rij_ip if p is not None]
    rij_duur = await session.execute(
        select(Casus.afgesloten_op, Casus.intake_datum).where(
            Casus.afgesloten_op.is_not(None), _in_jaar(Casus.afgesloten_op, jaar)
        )
    )
    cijfers.duren["casusduur"] = [max(0, (a - i).days) for a, i in rij_duur if a is not None]
    return cijfers


async def log_inzage(session: AsyncSession, actor: Actor, *, jaar: int, download: bool) -> None:
    """Viewing or downloading the figures, in the municipality's access log."""
    _vereis(actor)
    await record(
        session,
        actor,
        actie=Actie.EXPORT if download else Actie.READ,
        gegevensgroep="cijfers",
        doel="managementinformatie downloaden" if download else "managementinformatie inzien",
        detail=f"jaar:{jaar}",
    )
