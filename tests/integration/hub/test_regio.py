"""Regional casusoverleg, meetings, participants, instructions, training, API tokens."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub import api_tokens, instructies
from casushub.platform.hub.autorisatiereview import bevestig, reviews_verlopen
from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst, zet_deelnemers
from casushub.platform.hub.models import ApiToken, TenantDeelnemer
from casushub.platform.identity.models import AdminAuditEntry
from casushub.platform.registry import RegistryError
from casushub.platform.tenancy import TenantRef

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_regional_casusoverleg_with_meetings(
    admin_engine: AsyncEngine,
    hub_id: uuid.UUID,
    other_hub_id: uuid.UUID,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
) -> None:
    naam = f"Regio {uuid.uuid4().hex[:6]}"
    async with admin_engine.begin() as conn:
        overleg = await maak_casusoverleg(conn, hub_id, naam, [tenant_a.id, tenant_b.id])
        bijeenkomst = await plan_bijeenkomst(
            conn, hub_id, overleg, START, START + timedelta(hours=2), locatie="Stadhuis, zaal 3"
        )
        assert isinstance(bijeenkomst, uuid.UUID)
        with pytest.raises(RegistryError, match="al een casusoverleg"):
            await maak_casusoverleg(conn, hub_id, naam, [tenant_a.id])
        with pytest.raises(RegistryError, match="na het begin"):
            await plan_bijeenkomst(conn, hub_id, overleg, START, START, locatie="x")
        with pytest.raises(RegistryError, match="locatie of een videolink"):
            await plan_bijeenkomst(conn, hub_id, overleg, START, START + timedelta(hours=1))
        with pytest.raises(RegistryError, match="https://"):
            await plan_bijeenkomst(
                conn, hub_id, overleg, START, START + timedelta(hours=1), videolink="http://x"
            )
        # Another hub can neither plan in this casusoverleg nor include these municipalities.
        with pytest.raises(RegistryError, match="Onbekend casusoverleg"):
            await plan_bijeenkomst(
                conn, other_hub_id, overleg, START, START + timedelta(hours=1), locatie="x"
            )
        with pytest.raises(RegistryError, match="gemeenten van deze hub"):
            await maak_casusoverleg(conn, other_hub_id, "Kaping", [tenant_a.id])


async def test_only_statutory_participants_take_part(
    admin_engine: AsyncEngine,
    hub_id: uuid.UUID,
    tenant_a: TenantRef,
    make_organisation: Callable[..., Awaitable[uuid.UUID]],
) -> None:
    politie = await make_organisation(hub_id, "politie")
    om = await make_organisation(hub_id, "om")
    ggz = await make_organisation(hub_id, "satellietpartner")
    async with admin_engine.begin() as conn:
        await zet_deelnemers(conn, hub_id, tenant_a.id, [politie, om])
        with pytest.raises(RegistryError, match="per casus uitgenodigd"):
            await zet_deelnemers(conn, hub_id, tenant_a.id, [politie, ggz])
        deelnemers = set(
            (
                await conn.execute(
                    select(TenantDeelnemer.organisation_id).where(
                        TenantDeelnemer.tenant_id == tenant_a.id
                    )
                )
            ).scalars()
        )
    assert deelnemers == {politie, om}


async def test_instructions_must_be_accepted_again_after_a_new_version(
    own_hub: tuple[AsyncEngine, uuid.UUID],
    make_organisation: Callable[..., Awaitable[uuid.UUID]],
    make_user: Callable[..., Awaitable[uuid.UUID]],
) -> None:
    admin_engine, other_hub_id = own_hub
    org = await make_organisation(other_hub_id, "gemeente", engine=admin_engine)
    user = await make_user(org, engine=admin_engine)
    async with admin_engine.begin() as conn:
        assert await instructies.heeft_geaccepteerd(conn, other_hub_id, user)  # none published
        eerste = await instructies.publiceer(
            conn, other_hub_id, "Deel gegevens alleen binnen het casusoverleg.", None
        )
        assert not await instructies.heeft_geaccepteerd(conn, other_hub_id, user)
        await instructies.accepteer(conn, other_hub_id, user, eerste)
        assert await instructies.heeft_geaccepteerd(conn, other_hub_id, user)
        tweede = await instructies.publiceer(
            conn, other_hub_id, "Nieuwe versie: meld datalekken binnen een uur.", None
        )
        assert tweede == eerste + 1
        assert not await instructies.heeft_geaccepteerd(conn, other_hub_id, user)
        with pytest.raises(RegistryError, match="nieuwere versie"):
            await instructies.accepteer(conn, other_hub_id, user, eerste)
        await instructies.accepteer(conn, other_hub_id, user, tweede)
        overzicht = await instructies.acceptaties(conn, other_hub_id)
        with pytest.raises(RegistryError, match="toekomst"):
            await instructies.leg_training_vast(
                conn, other_hub_id, user, date.today() + timedelta(days=1), "AVG", None
            )
        await instructies.leg_training_vast(
            conn, other_hub_id, user, date(2026, 10, 1), "Training persoonsgegevens PGA", None
        )
    assert [(a.versie) for a in overzicht if a.email.endswith("@example.nl")][:2] == [
        tweede,
        eerste,
    ]


async def test_api_token_shown_once_hashed_scoped_and_revocable(
    admin_engine: AsyncEngine, hub_id: uuid.UUID, other_hub_id: uuid.UUID
) -> None:
    async with admin_engine.begin() as conn:
        token_id, token = await api_tokens.maak_token(conn, hub_id, "koppeling", 30, None)
        stored = (await conn.execute(select(ApiToken).where(ApiToken.id == token_id))).one()
        assert token not in (stored.token_hash, stored.prefix)
        scope = await api_tokens.verifieer(conn, token)
        assert scope is not None
        assert scope.hub_id == hub_id
        assert await api_tokens.verifieer(conn, token + "x") is None
        assert await api_tokens.verifieer(conn, "geen-token") is None
        with pytest.raises(RegistryError, match="Onbekend"):
            await api_tokens.trek_in(conn, other_hub_id, token_id)
        await api_tokens.trek_in(conn, hub_id, token_id)
        assert await api_tokens.verifieer(conn, token) is None

        verlopen_id, verlopen = await api_tokens.maak_token(conn, hub_id, "oud", 1, None)
        await conn.execute(
            update(ApiToken)
            .where(ApiToken.id == verlopen_id)
            .values(verloopt_op=datetime.now(UTC) - timedelta(seconds=1))
        )
        assert await api_tokens.verifieer(conn, verlopen) is None
        with pytest.raises(RegistryError, match="366"):
            await api_tokens.maak_token(conn, hub_id, "te lang", 400, None)


async def test_authorisation_review_is_logged_and_falls_due(
    admin_engine: AsyncEngine,
    hub_id: uuid.UUID,
    make_organisation: Callable[..., Awaitable[uuid.UUID]],
    make_user: Callable[..., Awaitable[uuid.UUID]],
) -> None:
    org = await make_organisation(hub_id, "politie")
    admin = await make_user(org)
    async with admin_engine.begin() as conn:
        volgende = await bevestig(conn, org, admin, date(2026, 1, 1), 90)
        assert volgende == date(2026, 4, 1)
        assert org not in await reviews_verlopen(conn, date(2026, 3, 31))
        assert org in await reviews_verlopen(conn, date(2026, 4, 1))
        logged = await conn.execute(
            select(AdminAuditEntry.action).where(AdminAuditEntry.organisation_id == org)
        )
    assert "autorisaties_bevestigd" in set(logged.scalars())
