"""The retention sweep: dry run first, then destruction with receipts; holds stop it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from privacykit import FreshTenant
from retentiekit import REGIE, SYSTEEM, afgesloten_casus, signaal_geen_actie
from sqlalchemy import ColumnElement, event, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.base import TenantBase
from casushub.tenants.bewaartermijnen.models import JuridischeBlokkade, Vernietigingsbewijs
from casushub.tenants.bewaartermijnen.services import hef_blokkade_op, stel_blokkade_in
from casushub.tenants.bewaartermijnen.sweep import proefrun, vernietig
from casushub.tenants.casus.models import Bijlage, Casus, InformatieItem
from casushub.tenants.casus.vernietiging import vernietig_casussen
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import vernietig_signalen
from casushub.tenants.verwerkingenlog.chain import verify_chain
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.weging.models import Weging


async def _count(session: AsyncSession, model: type, *where: ColumnElement[bool]) -> int:
    return int(
        (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()
    )


async def _leftovers(
    session: AsyncSession, casus_id: uuid.UUID, persoon_id: uuid.UUID, signaal_id: uuid.UUID
) -> dict[str, int]:
    items = select(InformatieItem.id).where(InformatieItem.casus_id == casus_id)
    return {
        "casus": await _count(session, Casus, Casus.id == casus_id),
        "items": await _count(session, InformatieItem, InformatieItem.casus_id == casus_id),
        "bijlagen": await _count(
            session,
            Bijlage,
            or_(Bijlage.item_id.in_(items), Bijlage.signaal_id == signaal_id),
        ),
        "signaal": await _count(session, Signaal, Signaal.id == signaal_id),
        "weging": await _count(session, Weging, Weging.signaal_id == signaal_id),
        "persoon": await _count(session, Persoon, Persoon.id == persoon_id),
    }


async def test_dry_run_lists_but_destroys_nothing(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        due = await afgesloten_casus(session, "Dirk Droog")
        later = await afgesloten_casus(session, "Lotte Later", afgesloten_jaren_geleden=1)
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        rapport = await proefrun(session, REGIE)
    assert [k.record_id for k in rapport.te_vernietigen] == [due.casus_id]
    assert rapport.te_vernietigen[0].regel.startswith("casus: 5 jaar")
    assert later.casus_id not in {k.record_id for k in rapport.te_vernietigen}
    async with tenant_session(app_engine, tenant, settings) as session:
        assert await _leftovers(session, due.casus_id, due.persoon_id, due.signaal_id) == {
            "casus": 1,
            "items": 1,
            "bijlagen": 2,
            "signaal": 1,
            "weging": 1,
            "persoon": 1,
        }
        assert await _count(session, Vernietigingsbewijs) == 0


async def test_sweep_destroys_everything_and_leaves_a_receipt_without_personal_data(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    naam = "Bernardus Vernietigd"
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        due = await afgesloten_casus(session, naam)
    assert due.casus_id is not None
    batch = uuid.uuid4()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM, batch_id=batch)
    assert [k.record_id for k in ronde.vernietigd] == [due.casus_id]
    assert ronde.mislukt == []

    async with tenant_session(app_engine, tenant, settings) as session:
        assert set(
            (await _leftovers(session, due.casus_id, due.persoon_id, due.signaal_id)).values()
        ) == {0}
        receipts = list((await session.execute(select(Vernietigingsbewijs))).scalars())
        log = list(
            (
                await session.execute(select(Verwerking).where(Verwerking.casus_id == due.casus_id))
            ).scalars()
        )
    assert len(receipts) == 1
    receipt = receipts[0]
    assert (receipt.soort, receipt.record_id, receipt.batch_id, receipt.tenant_id) == (
        "casus",
        due.casus_id,
        batch,
        tenant.id,
    )
    assert receipt.regel.startswith("casus: 5 jaar")
    assert receipt.bewaren_tot is not None
    assert receipt.bewaren_tot <= date.today()
    # The casus's access-log entries outlive it, with ids only: no trace of the person's name.
    assert any(e.actie == "delete" and e.detail == f"batch:{batch}" for e in log)
    assert any(e.actie == "create" for e in log)
    for row in [receipt, *log]:
        for column in row.__table__.columns:
            value = getattr(row, column.key)
            assert naam.split()[1] not in str(value)


async def test_signal_weighed_geen_actie_goes_after_a_year(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        oud = await signaal_geen_actie(session, "Saskia Signaal", dagen_geleden=370)
        jong = await signaal_geen_actie(session, "Jan Jong", dagen_geleden=300)
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
    assert [(k.soort, k.record_id) for k in ronde.vernietigd] == [("signaal", oud.signaal_id)]
    async with tenant_session(app_engine, tenant, settings) as session:
        assert await _count(session, Signaal, Signaal.id == oud.signaal_id) == 0
        assert await _count(session, Persoon, Persoon.id == oud.persoon_id) == 0
        assert await _count(session, Signaal, Signaal.id == jong.signaal_id) == 1
        (receipt,) = (await session.execute(select(Vernietigingsbewijs))).scalars()
    assert receipt.soort == "signaal"
    assert receipt.regel.startswith("signaal:geen_actie: 1 jaar")


async def test_legal_hold_stops_destruction_until_lifted(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        due = await afgesloten_casus(session, "Hanna Houvast")
        blokkade = await stel_blokkade_in(
            session, REGIE, due.persoon_id, grond="bezwaar", reden="bezwaar tegen verwerking"
        )
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        rapport = await proefrun(session, REGIE)
        ronde = await vernietig(session, SYSTEEM)
    assert rapport.te_vernietigen == []
    assert [k.blokkade for k in rapport.geblokkeerd] == [
        "juridische blokkade op de persoon: bezwaar"
    ]
    assert ronde.vernietigd == []
    assert [k.record_id for k in ronde.geblokkeerd] == [due.casus_id]
    async with tenant_session(app_engine, tenant, settings) as session:
        assert await _count(session, Casus, Casus.id == due.casus_id) == 1

    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        await hef_blokkade_op(session, REGIE, blokkade.id, reden="bezwaar ongegrond verklaard")
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
    assert [k.record_id for k in ronde.vernietigd] == [due.casus_id]
    async with tenant_session(app_engine, tenant, settings) as session:
        assert await _count(session, Casus, Casus.id == due.casus_id) == 0
        # The hold went with the person; its setting and lifting stay in the access log.
        assert await _count(session, JuridischeBlokkade) == 0
        logged = (
            await session.execute(
                select(Verwerking.actie, Verwerking.detail)
                .where(Verwerking.gegevensgroep == "juridische_blokkade")
                .order_by(Verwerking.volgnummer)
            )
        ).all()
    assert [actie for actie, _ in logged] == ["create", "update"]
    assert all(str(blokkade.id) in (detail or "") for _, detail in logged)


async def test_workflow_hold_flag_also_stops_destruction(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        due = await afgesloten_casus(session, "Frits Vlag")
        await session.execute(update(Casus).where(Casus.id == due.casus_id).values(legal_hold=True))
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
    assert ronde.vernietigd == []
    assert [k.blokkade for k in ronde.geblokkeerd] == ["bewaarplicht op casus"]


async def test_sweep_of_tenant_a_never_touches_tenant_b(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant_a, tenant_b = await fresh_tenant(), await fresh_tenant()
    built: dict[TenantRef, uuid.UUID | None] = {}
    for tenant in (tenant_a, tenant_b):
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            built[tenant] = (await afgesloten_casus(session, "Anna Apart")).casus_id
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
    assert [k.record_id for k in ronde.vernietigd] == [built[tenant_a]]
    async with tenant_session(app_engine, tenant_b, settings) as session:
        assert await _count(session, Casus, Casus.id == built[tenant_b]) == 1
        assert await _count(session, Vernietigingsbewijs) == 0


async def test_receipts_cannot_be_changed(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        await afgesloten_casus(session, "Rita Reçu")
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        await vernietig(session, SYSTEEM)
    with pytest.raises(DBAPIError, match="permission denied"):
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            await session.execute(update(Vernietigingsbewijs).values(regel="anders"))
    with pytest.raises(DBAPIError, match="vernietigingsbewijs kan niet"):
        async with admin_engine.begin() as conn:
            await conn.exec_driver_sql(f"DELETE FROM {tenant.schema}.vernietigingsbewijs")


async def test_sweep_dated_later_also_destroys_what_falls_due_by_then(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        later = await afgesloten_casus(session, "Lotte Later", afgesloten_jaren_geleden=1)
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM, vandaag=date.today() + timedelta(days=5 * 365))
    assert [k.record_id for k in ronde.vernietigd] == [later.casus_id]


async def test_sweep_destroys_a_batch_with_a_receipt_and_log_entry_each_and_an_intact_chain(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        casussen = [await afgesloten_casus(session, f"Casus {n}") for n in ("Een", "Twee", "Drie")]
        gedeeld = await afgesloten_casus(session, "Gedeelde Persoon")
        # A second, later casus about the same person is not due: it keeps the person and
        # its own signal, while the due casus takes its signal with it.
        blijft = await afgesloten_casus(
            session, "Gedeelde Persoon", afgesloten_jaren_geleden=1, persoon_id=gedeeld.persoon_id
        )
        signalen = [
            await signaal_geen_actie(session, "Signaal Oud", dagen_geleden=400),
            await signaal_geen_actie(session, "Signaal Minder Oud", dagen_geleden=370),
        ]
        jong = await signaal_geen_actie(session, "Signaal Jong", dagen_geleden=300)
    assert blijft.persoon_id == gedeeld.persoon_id
    weg = [*casussen, gedeeld, *signalen]
    batch = uuid.uuid4()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM, batch_id=batch)
    assert (ronde.mislukt, ronde.geblokkeerd) == ([], [])
    assert [k.soort for k in ronde.vernietigd] == ["casus"] * 4 + ["signaal"] * 2
    assert {k.record_id for k in ronde.vernietigd} == {g.casus_id or g.signaal_id for g in weg}

    async with tenant_session(app_engine, tenant, settings) as session:
        for gebouwd in weg:
            left = await _leftovers(
                session, gebouwd.casus_id or uuid.uuid4(), gebouwd.persoon_id, gebouwd.signaal_id
            )
            # The shared person stays for the casus that is not due.
            assert left == {**dict.fromkeys(left, 0), "persoon": int(gebouwd is gedeeld)}, left
        assert await _leftovers(
            session, blijft.casus_id or uuid.uuid4(), blijft.persoon_id, blijft.signaal_id
        ) == {"casus": 1, "items": 1, "bijlagen": 2, "signaal": 1, "weging": 1, "persoon": 1}
        assert await _count(session, Signaal, Signaal.id == jong.signaal_id) == 1
        receipts = (
            await session.execute(
                select(Vernietigingsbewijs.soort, Vernietigingsbewijs.record_id).where(
                    Vernietigingsbewijs.batch_id == batch
                )
            )
        ).all()
        deletes = list(
            (
                await session.execute(
                    select(Verwerking)
                    .where(Verwerking.actie == "delete", Verwerking.detail == f"batch:{batch}")
                    .order_by(Verwerking.volgnummer)
                )
            ).scalars()
        )
        report = await verify_chain(session)
    assert sorted(receipts) == sorted((k.soort, k.record_id) for k in ronde.vernietigd)
    # One entry per destroyed record, in the sweep's order, as one unbroken run of the chain.
    assert [(e.gegevensgroep, e.casus_id, e.persoon_id) for e in deletes] == [
        (k.soort, k.record_id if k.soort == "casus" else None, k.persoon_id)
        for k in ronde.vernietigd
    ]
    numbers = [e.volgnummer for e in deletes]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert report.ok, report


async def _due_casussen_en_signalen(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, aantal: int
) -> list[uuid.UUID]:
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        gebouwd = [await afgesloten_casus(session, f"Casus {n}") for n in range(aantal)]
        gebouwd += [
            await signaal_geen_actie(session, f"Signaal {n}", dagen_geleden=370)
            for n in range(aantal)
        ]
    return [g.casus_id or g.signaal_id for g in gebouwd]


async def test_sweep_cost_does_not_grow_with_the_number_of_records(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    """The same statements for one record of each kind as for several (issue 11: a backlog
    night took ~25 round trips per destroyed record)."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    counts = []
    for aantal in (1, 4):
        tenant = await fresh_tenant()
        await _due_casussen_en_signalen(app_engine, settings, tenant, aantal)
        statements.clear()
        event.listen(app_engine.sync_engine, "before_cursor_execute", count)
        try:
            async with tenant_session(app_engine, tenant, settings) as session, session.begin():
                ronde = await vernietig(session, SYSTEEM)
        finally:
            event.remove(app_engine.sync_engine, "before_cursor_execute", count)
        assert len(ronde.vernietigd) == 2 * aantal
        counts.append(len(statements))
    # (Falling back to one record at a time, as after a failure, would make them differ.)
    assert 0 < counts[0] == counts[1], counts


async def test_a_record_that_cannot_be_destroyed_fails_alone(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        casussen = [await afgesloten_casus(session, f"Casus {n}") for n in ("Een", "Twee", "Drie")]
        signaal = await signaal_geen_actie(session, "Signaal Oud", dagen_geleden=400)
    kapot = casussen[1]
    # A database that refuses to delete one casus (as a foreign key from outside the
    # workflow, or a damaged row, would): the batch fails as a whole, then record by record.
    async with admin_engine.begin() as conn:
        await conn.exec_driver_sql(
            f"CREATE FUNCTION {tenant.schema}.weiger() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$BEGIN IF OLD.id = '{kapot.casus_id}' THEN RAISE EXCEPTION 'geweigerd'; END IF; "
            "RETURN OLD; END$$"
        )
        await conn.exec_driver_sql(
            f"CREATE TRIGGER weiger BEFORE DELETE ON {tenant.schema}.casus "
            f"FOR EACH ROW EXECUTE FUNCTION {tenant.schema}.weiger()"
        )
    batch = uuid.uuid4()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM, batch_id=batch)
    assert [k.record_id for k in ronde.mislukt] == [kapot.casus_id]
    assert [k.record_id for k in ronde.vernietigd] == [
        casussen[0].casus_id,
        casussen[2].casus_id,
        signaal.signaal_id,
    ]
    async with tenant_session(app_engine, tenant, settings) as session:
        assert await _leftovers(
            session, kapot.casus_id or uuid.uuid4(), kapot.persoon_id, kapot.signaal_id
        ) == {"casus": 1, "items": 1, "bijlagen": 2, "signaal": 1, "weging": 1, "persoon": 1}
        for gebouwd in (casussen[0], casussen[2], signaal):
            left = await _leftovers(
                session, gebouwd.casus_id or uuid.uuid4(), gebouwd.persoon_id, gebouwd.signaal_id
            )
            assert set(left.values()) == {0}, left
        receipts = set(
            (
                await session.execute(
                    select(Vernietigingsbewijs.record_id).where(
                        Vernietigingsbewijs.batch_id == batch
                    )
                )
            ).scalars()
        )
        logged = set(
            (
                await session.execute(
                    select(Verwerking.persoon_id).where(
                        Verwerking.actie == "delete", Verwerking.detail == f"batch:{batch}"
                    )
                )
            ).scalars()
        )
        assert (await verify_chain(session)).ok
    assert receipts == {k.record_id for k in ronde.vernietigd}
    assert logged == {k.persoon_id for k in ronde.vernietigd}

    # Once the cause is gone, the next night destroys it.
    async with admin_engine.begin() as conn:
        await conn.exec_driver_sql(f"DROP TRIGGER weiger ON {tenant.schema}.casus")
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
    assert [k.record_id for k in ronde.vernietigd] == [kapot.casus_id]


async def _snapshot(session: AsyncSession) -> dict[str, int]:
    """Row counts of every tenant table."""
    return {
        name: int((await session.execute(select(func.count()).select_from(table))).scalar_one())
        for name, table in TenantBase.metadata.tables.items()
    }


async def test_batch_sweep_of_tenant_a_never_touches_tenant_b_even_given_its_ids(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant_a, tenant_b = await fresh_tenant(), await fresh_tenant()
    ids_a = await _due_casussen_en_signalen(app_engine, settings, tenant_a, 2)
    ids_b = await _due_casussen_en_signalen(app_engine, settings, tenant_b, 2)
    async with tenant_session(app_engine, tenant_b, settings) as session:
        before_b = await _snapshot(session)
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
        # The set-based functions themselves, handed the other tenant's ids, find nothing:
        # the session's schema and role decide, not the ids.
        await vernietig_casussen(session, ids_b[:2])
        await vernietig_signalen(session, ids_b[2:])
    assert [k.record_id for k in ronde.vernietigd] == ids_a
    async with tenant_session(app_engine, tenant_b, settings) as session:
        assert await _snapshot(session) == before_b
        assert (await verify_chain(session)).ok
