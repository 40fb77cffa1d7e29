"""The platform.hub services the hub admin's screens read through (issue 20): what they
select beyond a plain lookup — filters by hub, type, activity, and grouping."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub import gebruikers, gemeenten, instructies, organisaties
from casushub.platform.hub.casusoverleg import (
    DEELNEMER_TYPES,
    gemeentenamen,
    leden_per_overleg,
    maak_casusoverleg,
)
from casushub.platform.identity.models import Organisation, User
from casushub.platform.identity.roles import OrganisationType
from casushub.platform.tenancy import TenantRef

Factory = Callable[..., Awaitable[uuid.UUID]]


async def test_organisations_by_hub_type_and_activity(
    own_hub: tuple[AsyncEngine, uuid.UUID], other_hub_id: uuid.UUID, make_organisation: Factory
) -> None:
    # A hub of its own: switching an organisation off must not touch the shared test hub.
    admin_engine, hub_id = own_hub
    politie = await make_organisation(hub_id, "politie", engine=admin_engine)
    ggz = await make_organisation(hub_id, "satellietpartner", engine=admin_engine)
    uit = await make_organisation(hub_id, "om", engine=admin_engine)
    async with admin_engine.begin() as conn:
        await conn.execute(update(Organisation).where(Organisation.id == uit).values(active=False))
        alle = {o.id for o in await organisaties.actieve_organisaties(conn, hub_id)}
        wettelijk = await organisaties.actieve_organisaties(conn, hub_id, DEELNEMER_TYPES)
        assert {politie, ggz} <= alle
        assert uit not in alle
        assert politie in {o.id for o in wettelijk}
        assert ggz not in {o.id for o in wettelijk}
        assert all(OrganisationType(o.type) in DEELNEMER_TYPES for o in wettelijk)
        assert await organisaties.eigen_organisaties(conn, hub_id, [politie, uit]) == {politie, uit}
        assert await organisaties.eigen_organisaties(conn, other_hub_id, [politie]) == set()
        org = await organisaties.organisatie(conn, politie)
        domein = org.email_domains[0]
        assert await organisaties.domein_in_gebruik(conn, [domein], politie) is None
        assert await organisaties.domein_in_gebruik(conn, ["x.example", domein], ggz) == org.name


async def test_users_of_the_hub(
    own_hub: tuple[AsyncEngine, uuid.UUID],
    other_hub_id: uuid.UUID,
    make_organisation: Factory,
    make_user: Factory,
) -> None:
    admin_engine, hub_id = own_hub
    org = await make_organisation(hub_id, "gemeente", engine=admin_engine)
    actief = await make_user(org, engine=admin_engine)
    uit = await make_user(org, engine=admin_engine)
    async with admin_engine.begin() as conn:
        await conn.execute(update(User).where(User.id == uit).values(active=False))
        ids = {u.id for u in await gebruikers.actieve_gebruikers(conn, hub_id)}
        assert actief in ids
        assert uit not in ids
        assert await gebruikers.gebruiker_van_hub(conn, hub_id, uit)
        assert not await gebruikers.gebruiker_van_hub(conn, other_hub_id, actief)
        rij = await gebruikers.gebruiker_met_hub(conn, actief)
        assert (rij.id, rij.hub_id) == (actief, hub_id)
        assert await gebruikers.gebruiker_met_hub(conn, uuid.uuid4()) is None
        overzicht = await gebruikers.gebruikersoverzicht(conn, hub_id, org)
        assert {u.id for u in overzicht.gebruikers} == {actief, uit}
        assert org in {o for o, _ in overzicht.organisaties}


async def test_municipality_taken_by_slug_or_code(
    admin_engine: AsyncEngine, hub_id: uuid.UUID, tenant_a: TenantRef
) -> None:
    async with admin_engine.connect() as conn:
        op_slug = await gemeenten.gemeente_met(conn, tenant_a.slug, "0000")
        code = await gemeenten.gemeentecode(conn, tenant_a.id)
        assert code is not None
        op_code = await gemeenten.gemeente_met(conn, "nog-niet-in-gebruik", code)
        assert await gemeenten.gemeente_met(conn, "nog-niet-in-gebruik", "0000") is None
        assert await gemeenten.gemeente_id(conn, tenant_a.slug) == tenant_a.id
        assert tenant_a.id in {g.id for g in await gemeenten.alle_gemeenten(conn, hub_id)}
    assert op_slug is not None
    assert op_slug.slug == tenant_a.slug
    assert op_code is not None
    assert op_code.gemeentecode == code


async def test_members_per_casusoverleg(
    admin_engine: AsyncEngine, hub_id: uuid.UUID, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    async with admin_engine.begin() as conn:
        beide = await maak_casusoverleg(
            conn, hub_id, f"Beide {uuid.uuid4().hex[:6]}", [tenant_b.id, tenant_a.id]
        )
        alleen = await maak_casusoverleg(
            conn, hub_id, f"Alleen {uuid.uuid4().hex[:6]}", [tenant_b.id]
        )
        leden = await leden_per_overleg(conn, hub_id)
        namen = await gemeentenamen(conn, beide)
    assert sorted(leden[beide]) == ["Gemeente Alfa", "Gemeente Bravo"]
    assert leden[alleen] == ["Gemeente Bravo"]
    assert namen == ["Gemeente Alfa", "Gemeente Bravo"]


async def test_instruction_versions_and_training_newest_first(
    own_hub: tuple[AsyncEngine, uuid.UUID], make_organisation: Factory, make_user: Factory
) -> None:
    engine, hub_id = own_hub
    org = await make_organisation(hub_id, "gemeente", engine=engine)
    user = await make_user(org, engine=engine)
    async with engine.begin() as conn:
        for tekst in ("Eerste versie van de instructie.", "Tweede versie van de instructie."):
            await instructies.publiceer(conn, hub_id, tekst, None)
        await instructies.leg_training_vast(conn, hub_id, user, date(2026, 9, 1), "Eerste", None)
        await instructies.leg_training_vast(conn, hub_id, user, date(2026, 10, 1), "Tweede", None)
        versies = await instructies.versies(conn, hub_id)
        trainingen = await instructies.trainingen(conn, hub_id)
    assert [v.versie for v in versies] == [2, 1]
    assert [t.omschrijving for t in trainingen] == ["Tweede", "Eerste"]
