"""The inzage export: everything processed about the person, for the person (art. 15 AVG).

One JSON document and a PDF rendered from it. Items the decision withheld (an
``Onthouding``: restricted on a legal ground) are left out entirely — not even their
existence shows in the export; the decision itself records the ground, who asked and when.
Data about other people (derden) are left out as well: inzage is into one's own data.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Bijlage, Casus, CasusDeelnemer, InformatieItem
from casushub.tenants.exports.rules import Bestemming, ExportDoel, ExportItem, Formaat
from casushub.tenants.exports.services import exporteer
from casushub.tenants.maatregelen.models import VoorgenomenMaatregel
from casushub.tenants.maatregelen.rules import BESLUITEN
from casushub.tenants.maatregelen.rules import Besluit as Maatregelbesluit
from casushub.tenants.overleg.models import Agendapunt
from casushub.tenants.personen.models import Persoon
from casushub.tenants.plan.models import Interventie, Plan
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.uitnodigingen.models import Uitnodiging, UitnodigingItem
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.verzoeken.models import Besluit, Onthouding, Verzoek
from casushub.tenants.verzoeken.rules import Besluituitkomst, VerzoekRegelFout, VerzoekType
from casushub.tenants.verzoeken.verzoek import verzoek as laad_verzoek
from casushub.tenants.weging.models import Weging, WegingAanwezige

__all__ = ["Inzage", "inzage_document", "render_html", "render_pdf", "verzamel"]

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Inzage:
    document: dict[str, Any]
    items: list[ExportItem]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Namen:
    def __init__(self, namen: Mapping[uuid.UUID, str]) -> None:
        self._namen = namen

    def __call__(self, org: uuid.UUID | None) -> str | None:
        if org is None:
            return None
        return self._namen.get(org, f"organisatie {str(org)[:8]}")


async def verzamel(
    session: AsyncSession,
    persoon_id: uuid.UUID,
    *,
    weggelaten: set[tuple[str, uuid.UUID]],
    organisatienamen: Mapping[uuid.UUID, str] | None = None,
) -> Inzage:
    """The document for ``persoon_id``, without the ``(soort, id)`` items in ``weggelaten``."""
    naam = _Namen(organisatienamen or {})
    items: list[ExportItem] = []

    def laat_zien(soort: str, item_id: uuid.UUID) -> bool:
        return (soort, item_id) not in weggelaten

    persoon = await session.get(Persoon, persoon_id)
    if persoon is None:
        msg = "Van deze persoon zijn geen gegevens (meer) aanwezig."
        raise VerzoekRegelFout(msg, "persoon")

    signalen_doc: list[dict[str, Any]] = []
    signalen = (
        await session.scalars(
            select(Signaal).where(Signaal.persoon_id == persoon_id).order_by(Signaal.ontvangen_op)
        )
    ).all()
    for signaal in signalen:
        if not laat_zien("signaal", signaal.id):
            continue  # its wegingen would reveal it: they go with it
        items.append(ExportItem("signaal", signaal.id, "gewoon", signaal.bron_organisatie_id))
        wegingen_doc = []
        for weging in (
            await session.scalars(
                select(Weging).where(Weging.signaal_id == signaal.id).order_by(Weging.datum)
            )
        ).all():
            if not laat_zien("weging", weging.id):
                continue
            items.append(ExportItem("weging", weging.id))
            aanwezigen = (
                await session.scalars(
                    select(WegingAanwezige.organisatie_id).where(
                        WegingAanwezige.weging_id == weging.id
                    )
                )
            ).all()
            wegingen_doc.append(
                {
                    "datum": _iso(weging.datum),
                    "criteria": weging.criteria,
                    "uitkomst": weging.uitkomst,
                    "redenering": weging.redenering,
                    "aanwezig": sorted(filter(None, map(naam, aanwezigen))),
                }
            )
        signalen_doc.append(
            {
                "ontvangen_op": _iso(signaal.ontvangen_op),
                "bron": naam(signaal.bron_organisatie_id),
                "omschrijving": signaal.omschrijving,
                "status": signaal.status,
                "vernietigen_op": _iso(signaal.destroy_on),
                "wegingen": wegingen_doc,
            }
        )

    casussen_doc: list[dict[str, Any]] = []
    casussen = (
        await session.scalars(
            select(Casus).where(Casus.persoon_id == persoon_id).order_by(Casus.intake_datum)
        )
    ).all()
    for casus in casussen:
        casussen_doc.append(await _casus(session, casus, naam, laat_zien, items))

    casus_ids = [c.id for c in casussen]
    over_persoon = or_(
        Verwerking.persoon_id == persoon_id,
        Verwerking.casus_id.in_(casus_ids),
    )
    ontvangers = (
        await session.execute(
            select(
                Verwerking.organisation_id,
                func.min(Verwerking.tijdstip),
                func.max(Verwerking.tijdstip),
            )
            .where(over_persoon, Verwerking.organisation_id.is_not(None))
            .group_by(Verwerking.organisation_id)
        )
    ).all()
    doelen = (
        await session.scalars(
            select(Verwerking.doel).where(over_persoon).distinct().order_by(Verwerking.doel)
        )
    ).all()
    bronnen = sorted(
        {naam(item.bron_organisatie_id) or "" for item in items if item.bron_organisatie_id}
    )
    document = {
        "documentsoort": "Inzage in persoonsgegevens",
        "wet": (
            "Wet gegevensverwerking persoonsgerichte aanpak radicalisering en "
            "terroristische activiteiten"
        ),
        "persoon": {
            "naam": persoon.naam,
            "geboortedatum": _iso(persoon.geboortedatum),
            "adres": persoon.adres,
            "andere_namen": list(persoon.aliassen or []),
            "gemeente_van_verblijf": f"GM{persoon.gemeente_van_verblijf}",
        },
        "signalen": signalen_doc,
        "casussen": casussen_doc,
        "bronnen": bronnen,
        "ontvangers": [
            {"organisatie": naam(org), "eerste_keer": _iso(eerste), "laatste_keer": _iso(laatste)}
            for org, eerste, laatste in ontvangers
        ],
        "doelen": list(doelen),
        "bewaartermijnen": [
            *(
                {"soort": "signaal", "ontvangen_op": s["ontvangen_op"], "vernietigen_op": v}
                for s in signalen_doc
                if (v := s["vernietigen_op"]) is not None
            ),
            *(
                {"soort": "casus", "intake": c["intake_datum"], "vernietigen_op": v}
                for c in casussen_doc
                if (v := c["vernietigen_op"]) is not None
            ),
        ],
        "niet_opgenomen": (
            "Gegevens over andere personen (zoals familieleden) staan niet in dit overzicht."
        ),
    }
    return Inzage(document, items)


async def _casus(
    session: AsyncSession,
    casus: Casus,
    naam: _Namen,
    laat_zien: Any,
    items: list[ExportItem],
) -> dict[str, Any]:
    deelnemers = (
        await session.scalars(
            select(CasusDeelnemer.organisatie_id).where(CasusDeelnemer.casus_id == casus.id)
        )
    ).all()
    informatie = []
    for item in (
        await session.scalars(
            select(InformatieItem)
            .where(InformatieItem.casus_id == casus.id)
            .order_by(InformatieItem.datum, InformatieItem.id)
        )
    ).all():
        if not laat_zien("informatie_item", item.id):
            continue
        items.append(
            ExportItem("informatie_item", item.id, item.categorie, item.bron_organisatie_id)
        )
        bijlagen = (
            await session.scalars(select(Bijlage.bestandsnaam).where(Bijlage.item_id == item.id))
        ).all()
        informatie.append(
            {
                "datum": _iso(item.datum),
                "bron": naam(item.bron_organisatie_id),
                "soort": item.categorie,
                "tekst": item.tekst,
                "bijlagen": list(bijlagen),
            }
        )
    plan = await session.scalar(select(Plan).where(Plan.casus_id == casus.id))
    plan_doc: dict[str, Any] | None = None
    if plan is not None:
        interventies = []
        for interventie in (
            await session.scalars(
                select(Interventie)
                .where(Interventie.plan_id == plan.id)
                .order_by(Interventie.created_at, Interventie.id)
            )
        ).all():
            if not laat_zien("interventie", interventie.id):
                continue
            items.append(
                ExportItem(
                    "interventie", interventie.id, "gewoon", interventie.verantwoordelijke_id
                )
            )
            interventies.append(
                {
                    "omschrijving": interventie.omschrijving,
                    "domein": interventie.domein,
                    "uitgevoerd_door": naam(interventie.verantwoordelijke_id),
                    "bevoegdheid": interventie.bevoegdheid,
                    "status": interventie.status,
                    "resultaat": interventie.resultaat,
                }
            )
        plan_doc = {
            "doel": plan.doel,
            "vastgesteld_op": _iso(plan.vastgesteld_op),
            "interventies": interventies,
        }
    overleg = []
    for punt in (
        await session.scalars(
            select(Agendapunt)
            .where(Agendapunt.casus_id == casus.id)
            .order_by(Agendapunt.created_at)
        )
    ).all():
        if not laat_zien("agendapunt", punt.id):
            continue
        items.append(ExportItem("agendapunt", punt.id))
        overleg.append(
            {"datum": _iso(punt.created_at.date()), "doel": punt.doel, "verslag": punt.notulen}
        )
    maatregelen = []
    for maatregel in (
        await session.scalars(
            select(VoorgenomenMaatregel)
            .where(VoorgenomenMaatregel.casus_id == casus.id)
            .order_by(VoorgenomenMaatregel.aangekondigd_op, VoorgenomenMaatregel.id)
        )
    ).all():
        if not laat_zien("voorgenomen_maatregel", maatregel.id):
            continue
        items.append(
            ExportItem("voorgenomen_maatregel", maatregel.id, "gewoon", maatregel.organisatie_id)
        )
        maatregelen.append(
            {
                "omschrijving": maatregel.omschrijving,
                "bevoegdheid": maatregel.bevoegdheid,
                "aangekondigd_door": naam(maatregel.organisatie_id),
                "aangekondigd_op": _iso(maatregel.aangekondigd_op),
                "voorgenomen_op": _iso(maatregel.voorgenomen_op),
                "besluit": BESLUITEN[Maatregelbesluit(maatregel.besluit)]
                if maatregel.besluit
                else None,
                "besluit_reden": maatregel.besluit_reden,
                "besloten_op": _iso(maatregel.besloten_op),
            }
        )
    uitnodigingen = []
    for uitnodiging in (
        await session.scalars(
            select(Uitnodiging)
            .where(Uitnodiging.casus_id == casus.id)
            .order_by(Uitnodiging.uitgenodigd_op)
        )
    ).all():
        gedeeld = await session.scalar(
            select(func.count())
            .select_from(UitnodigingItem)
            .where(UitnodigingItem.uitnodiging_id == uitnodiging.id)
        )
        uitnodigingen.append(
            {
                "organisatie": naam(uitnodiging.organisatie_id),
                "reden": uitnodiging.reden,
                "uitgenodigd_op": _iso(uitnodiging.uitgenodigd_op),
                "tot": _iso(uitnodiging.vervalt_op),
                "aantal_gedeelde_gegevens": gedeeld or 0,
            }
        )
    return {
        "status": casus.status,
        "intake_datum": _iso(casus.intake_datum),
        "afgesloten_op": _iso(casus.afgesloten_op),
        "afsluitreden": casus.afsluitreden,
        "regie_gemeente": f"GM{casus.regie_gemeente}",
        "deelnemers": sorted(filter(None, map(naam, deelnemers))),
        "informatie": informatie,
        "plan_van_aanpak": plan_doc,
        "maatregelen_minister": maatregelen,
        "casusoverleg": overleg,
        "uitgenodigde_partijen": uitnodigingen,
        "vernietigen_op": _iso(casus.destroy_on),
    }


async def inzage_document(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    *,
    formaat: Formaat = Formaat.JSON,
    organisatienamen: Mapping[uuid.UUID, str] | None = None,
) -> Inzage:
    """The export for a decided inzage request; passes the export guard and is logged."""
    found: Verzoek = await laad_verzoek(session, verzoek_id)
    if found.type != VerzoekType.INZAGE:
        msg = "Alleen bij een inzageverzoek hoort een inzage-export."
        raise VerzoekRegelFout(msg)
    besluit = await session.scalar(select(Besluit).where(Besluit.verzoek_id == found.id))
    if besluit is None or besluit.uitkomst == Besluituitkomst.AFGEWEZEN:
        msg = "De inzage kan pas worden gemaakt na een besluit dat het verzoek (deels) toewijst."
        raise VerzoekRegelFout(msg)
    if found.persoon_id is None:
        msg = "Koppel het verzoek eerst aan de persoon in uw gemeente."
        raise VerzoekRegelFout(msg, "persoon")
    onthouden = (
        await session.scalars(select(Onthouding).where(Onthouding.besluit_id == besluit.id))
    ).all()
    inzage = await verzamel(
        session,
        found.persoon_id,
        weggelaten={(o.item_soort, o.item_id) for o in onthouden},
        organisatienamen=organisatienamen,
    )
    inzage.document["verzoek"] = {
        "ontvangstnummer": found.ontvangstnummer,
        "ontvangen_op": _iso(found.ontvangen_op),
        "besluit_op": _iso(besluit.genomen_op.date()),
        "besluit": besluit.uitkomst,
        "motivering": besluit.motivering,
    }
    await exporteer(
        session,
        actor,
        doel=ExportDoel.INZAGE_BETROKKENE,
        bestemming=Bestemming.BETROKKENE,
        formaat=formaat,
        items=inzage.items,
        persoon_id=found.persoon_id,
        verzoek_id=found.id,
    )
    return inzage


def render_html(document: Mapping[str, Any]) -> str:
    return _env.get_template("inzage.html").render(d=document)


def render_pdf(document: Mapping[str, Any]) -> bytes:
    """The PDF for the person (WeasyPrint; needs pango and cairo on the machine)."""
    # WeasyPrint ships no type information (no py.typed).
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=render_html(document)).write_pdf()
    return pdf
