"""The werkruimte's blocks, one function each (see ``casushub.web.werkruimte``).

To add a block: write one async function below, decorated with ``@blok(Role.X, …)``, that
takes a :class:`Werk` and returns a :class:`Blok` (or ``None`` to show nothing). Counts and
links only: a block shows no personal data.
"""

from __future__ import annotations

from datetime import timedelta

from casushub.crosstenant.overdracht import inkomende_overdrachten
from casushub.platform import klok
from casushub.platform.hub.werkvoorraad import hub_werkvoorraad
from casushub.platform.identity.roles import TENANT_ROLES, Role
from casushub.tenants.bewaartermijnen.overzichten import aantal_bewijzen
from casushub.tenants.casus.overzicht import tel_overzicht
from casushub.tenants.casus.toegang import weegt_mee
from casushub.tenants.maatregelen.services import aantal_open as open_maatregelen
from casushub.tenants.overgang.lijst import HERINNER_DAGEN
from casushub.tenants.overgang.lijst import telling as overgang_telling
from casushub.tenants.uitnodigingen.services import mijn_uitnodigingen
from casushub.tenants.verzoeken import services as verzoeken
from casushub.tenants.weging.opname import aantal_wachtend_op_opname
from casushub.web.casusoverleg.bijeenkomsten import komende_bijeenkomsten
from casushub.web.casusoverleg.weging import OP_TE_NEMEN
from casushub.web.werkruimte import Blok, Link, Telling, Werk, blok

__all__: list[str] = []


@blok(Role.PROCESREGISSEUR, Role.GEMEENTE_REGIE, Role.PARTICIPANT, eigen_transactie=True)
async def casusoverleg(werk: Werk) -> Blok | None:
    """The municipality's counts in a transaction of its own, the hub's meetings and
    hand-overs (platform) after it."""
    tenant, db, actor = werk.gemeente()
    async with db.begin():
        aantallen = await tel_overzicht(db, actor)
        regie = werk.context.role in {Role.PROCESREGISSEUR, Role.GEMEENTE_REGIE}
        wachtend = await aantal_wachtend_op_opname(db, actor) if regie else 0
    tellingen = []
    if weegt_mee(actor):
        tellingen.append(
            Telling("Te wegen signalen", aantallen.signalen, "/casusoverleg#lijst-signalen")
        )
    if regie:
        tellingen.append(Telling("Wachten op opname", wachtend, OP_TE_NEMEN, urgent=True))
    tellingen += [
        Telling("Plannen te laat", aantallen.plannen, "/casusoverleg#lijst-plannen", urgent=True),
        Telling("Reviews verlopen", aantallen.reviews, "/casusoverleg#lijst-reviews", urgent=True),
        Telling("Lopende casussen", aantallen.casussen, "/casusoverleg#lijst-casussen"),
    ]
    async with werk.state.engine.connect() as conn:
        bijeenkomsten = await komende_bijeenkomsten(conn, tenant.id)
        tellingen.append(
            Telling(
                "Komende bijeenkomsten", len(bijeenkomsten), "/casusoverleg#bijeenkomsten-titel"
            )
        )
        if regie:
            overdrachten = await inkomende_overdrachten(conn, tenant.id)
            tellingen.append(
                Telling(
                    "Overdrachten naar deze gemeente",
                    len(overdrachten),
                    "/casusoverleg#overdrachten-titel" if overdrachten else "/casusoverleg",
                    urgent=True,
                )
            )
    return Blok(
        "Casusoverleg",
        tellingen=tellingen,
        links=[
            Link("Signaal inbrengen", "/casusoverleg/signalen/nieuw"),
            Link("Persoon of casus zoeken", "/casusoverleg/zoeken"),
            Link("Valt een zorg niet onder de wet radicalisering?", "/grens-van-de-wet"),
        ],
    )


@blok(Role.CONTACTPUNT, Role.GEMEENTE_REGIE)
async def verzoeken_van_betrokkenen(werk: Werk) -> Blok | None:
    _, db, _ = werk.gemeente()
    open_verzoeken = await verzoeken.open_verzoeken(db)
    vandaag = klok.vandaag()
    te_laat = sum(1 for v in open_verzoeken if v.termijn < vandaag)
    deze_week = sum(1 for v in open_verzoeken if vandaag <= v.termijn <= vandaag + timedelta(7))
    tekst = (
        "Verzoeken om inzage, rectificatie, verwijdering, beperking of bezwaar; de termijn is "
        "een maand."
    )
    if open_verzoeken:
        # The queue is ordered by deadline: its first request is the most urgent one.
        eerste = min(v.termijn for v in open_verzoeken)
        tekst += f" Eerstvolgende termijn: {eerste.strftime('%d-%m-%Y')}."
    return Blok(
        "Verzoeken van betrokkenen",
        tekst=tekst,
        tellingen=[
            Telling("Open verzoeken", len(open_verzoeken), "/contactpunt-taken"),
            Telling("Termijn verstreken", te_laat, "/contactpunt-taken", urgent=True),
            Telling("Termijn verstrijkt binnen 7 dagen", deze_week, "/contactpunt-taken"),
        ],
        links=[Link("Verzoek registreren", "/contactpunt-taken/nieuw")],
    )


@blok(Role.INVITED_PARTY)
async def uitnodigingen(werk: Werk) -> Blok | None:
    _, db, actor = werk.gemeente()
    lijst = await mijn_uitnodigingen(db, actor)
    niet_geaccepteerd = sum(1 for u in lijst if not u.geaccepteerd_op)
    return Blok(
        "Uitnodigingen",
        tekst="U ziet alleen de onderdelen van een casus waarvoor u bent uitgenodigd, voor één "
        "bijeenkomst en een beperkte tijd, nadat u de geheimhouding heeft geaccepteerd.",
        tellingen=[
            Telling("Lopende uitnodigingen", len(lijst), "/casusoverleg"),
            Telling("Geheimhouding nog te accepteren", niet_geaccepteerd, "/casusoverleg", True),
        ],
    )


@blok(Role.FG_AUDITOR)
async def verwerkingenlog(werk: Werk) -> Blok | None:
    return Blok(
        "Vragen aan het verwerkingenlog",
        tekst="Het log van deze gemeente: wie heeft welke gegevens verwerkt, en wanneer.",
        links=[
            Link("Wie heeft een casus gezien?", "/fg#casus-titel"),
            Link("Wat heeft een gebruiker gezien?", "/fg#gebruiker-titel"),
            Link("Het log exporteren", "/fg#export-titel"),
        ],
    )


@blok(Role.FG_AUDITOR, Role.PROCESREGISSEUR, Role.GEMEENTE_REGIE)
async def bewaartermijnen(werk: Werk) -> Blok | None:
    _tenant, db, _actor = werk.gemeente()
    week = klok.vandaag() - timedelta(days=7)
    return Blok(
        "Bewaartermijnen",
        tekst="Wat de eerstvolgende vernietiging zou verwijderen, zonder iets te verwijderen.",
        tellingen=[
            Telling(
                "vernietigingsbewijzen van de afgelopen week",
                await aantal_bewijzen(db, sinds=week),
                "/bewaartermijnen/vernietigingsbewijzen",
            )
        ],
        links=[
            Link("Proefrun van de vernietiging bekijken", "/bewaartermijnen/proefrun"),
            Link("Bewaartermijnen van de gemeente", "/bewaartermijnen"),
            Link("Vernietigingsbewijzen", "/bewaartermijnen/vernietigingsbewijzen"),
        ],
    )


@blok(Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)
async def overgangsvoorraad(werk: Werk) -> Blok | None:
    """Convenant-era cases waiting for their weging under the Wet, with their deadlines."""
    _tenant, db, actor = werk.gemeente()
    telling = await overgang_telling(db)
    links = [Link("Zaken uit het convenant inlezen", "/overgang#inlezen-titel")]
    if actor.role != Role.GEMEENTE_REGIE:
        links = []
    if not telling.te_wegen and not links:
        return None
    return Blok(
        "Overgangsvoorraad",
        tekst="Zaken uit de tijd van het convenant: alleen na een nieuwe weging onder de Wet "
        "gaan ze verder; na de termijn worden ze vernietigd.",
        tellingen=[
            Telling("zaken uit het convenant te wegen", telling.te_wegen, "/overgang"),
            Telling(
                f"binnen {HERINNER_DAGEN} dagen over de termijn",
                telling.bijna_verlopen,
                "/overgang",
                urgent=True,
            ),
        ],
        links=links,
    )


@blok(Role.GEMEENTE_REGIE)
async def cijfers(werk: Werk) -> Blok | None:
    return Blok(
        "Cijfers",
        tekst="Aantallen zonder persoonsgegevens: signalen, wegingen, casussen, doorlooptijden.",
        links=[Link("Cijfers zonder persoonsgegevens van uw gemeente", "/cijfers")],
    )


@blok(Role.HUB_ADMIN)
async def hubcijfers(werk: Werk) -> Blok | None:
    return Blok(
        "Cijfers",
        tekst="Per gemeente en voor de hele hub, alleen van gemeenten waarvan de "
        "verwerkersovereenkomst loopt.",
        links=[Link("Cijfers zonder persoonsgegevens", "/hub/cijfers")],
    )


@blok(Role.HUB_ADMIN)
async def hubbeheer(werk: Werk) -> Blok | None:
    hub_id = werk.context.hub_id
    if hub_id is None:
        return None
    async with werk.state.engine.connect() as conn:
        cijfers = await hub_werkvoorraad(conn, hub_id)
    return Blok(
        "Beheer van de hub",
        tellingen=[
            Telling("Gemeenten", cijfers.gemeenten, "/hub/gemeenten"),
            Telling(
                "Gemeenten met open implementatiestappen",
                cijfers.in_implementatie,
                "/hub/gemeenten",
                urgent=True,
            ),
            Telling("Organisaties", cijfers.organisaties, "/hub/organisaties"),
            Telling("Actieve gebruikers", cijfers.gebruikers, "/hub/gebruikers"),
            Telling("Openstaande uitnodigingen", cijfers.open_uitnodigingen, "/hub/gebruikers"),
        ],
        links=[
            Link("Gemeente aanmelden", "/hub/gemeenten/nieuw"),
            Link("Organisatie toevoegen", "/hub/organisaties/nieuw"),
            Link("Casusoverleggen plannen", "/hub/casusoverleggen"),
        ],
    )


@blok(Role.PLATFORM_OPERATOR)
async def platformbeheer(werk: Werk) -> Blok | None:
    return Blok("Platformbeheer", links=[Link("Hubs beheren", "/platform/hubs")])


@blok(*Role)
async def andere_rollen(werk: Werk) -> Blok | None:
    """Someone who also works in another role or municipality sees where, and can switch."""
    andere = [m.label for m in werk.identity.memberships if m.id != werk.context.id]
    if not andere:
        return None
    return Blok(
        "Uw andere rollen",
        tekst="U werkt ook als: " + "; ".join(andere) + ".",
        links=[Link("Wissel van rol", "/auth/context?volgende=/werkruimte")],
    )


@blok(Role.PROCESREGISSEUR, Role.GEMEENTE_REGIE)
async def overgang(werk: Werk) -> Blok | None:
    return Blok(
        "Overgang naar de wet",
        tekst="Casussen uit het convenant, opnieuw gewogen onder de wet.",
        links=[
            Link("Overgangsvoorraad", "/overgang"),
            Link("Formaat van een import", "/overgang/formaat"),
        ],
    )


@blok(*TENANT_ROLES)
async def verbeteringen(werk: Werk) -> Blok | None:
    return Blok(
        "Verbeteringen van gegevens",
        tekst="Rectificaties die de gemeente heeft toegewezen en die u moet doorvoeren.",
        links=[Link("Door te voeren verbeteringen", "/contactpunt-taken/verbeteringen")],
    )


@blok(Role.GEMEENTE_REGIE)
async def maatregelen_van_de_minister(werk: Werk) -> Blok | None:
    """National measures announced by JenV that wait for the municipality's decision."""
    _, db, _ = werk.gemeente()
    aantal = await open_maatregelen(db)
    return Blok(
        "Maatregelen van de minister",
        tekst="De minister van Justitie en Veiligheid kondigt een maatregel over een persoon in "
        "een casus aan voordat hij wordt genomen. U besluit hoe hij in het plan van aanpak past.",
        tellingen=[
            Telling("Wachten op uw besluit", aantal, "/casusoverleg/maatregelen", urgent=True)
        ],
        links=[Link("Aangekondigde maatregelen", "/casusoverleg/maatregelen")],
    )
