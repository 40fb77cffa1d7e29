"""The FG's questions and the period exports."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

from privacykit import ACTOR, FreshTenant, append_backdated
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.export import (
    CSV_COLUMNS,
    export_csv,
    export_logboek_json,
)
from casushub.tenants.verwerkingenlog.fg import entries, seen_by_user, viewers_of_casus
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record

FG = Actor(user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="fg", request_id="a" * 32)
POLITIE_ID = uuid.uuid4()
POLITIE = Actor(user_id=POLITIE_ID, organisation_id=uuid.uuid4(), role="deelnemer")


async def test_who_saw_a_casus_and_what_a_user_saw_within_a_period(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    casus_id, persoon_id, other_casus = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    # Last year's entry (ACTOR, another casus) lies outside the period asked about.
    await append_backdated(admin_engine, tenant, [datetime.now(UTC) - timedelta(days=400)])
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        for actor, actie in [(ACTOR, Actie.READ), (ACTOR, Actie.UPDATE), (POLITIE, Actie.READ)]:
            await record(
                session,
                actor,
                actie=actie,
                gegevensgroep="casus",
                doel="uitvoering casusoverleg",
                casus_id=casus_id,
                persoon_id=persoon_id,
            )
        await record(
            session, POLITIE, actie=Actie.READ, gegevensgroep="plan", doel="x", casus_id=other_casus
        )
    van = datetime.now(UTC) - timedelta(days=30)
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        viewers = await viewers_of_casus(session, FG, casus_id, van=van)
        seen = await seen_by_user(session, FG, POLITIE_ID, van=van)
        old = await seen_by_user(session, FG, ACTOR.user_id, tot=van)

    by_user = {v.user_id: v for v in viewers}
    assert set(by_user) == {ACTOR.user_id, POLITIE.user_id}
    assert by_user[ACTOR.user_id].aantal == 2
    assert by_user[ACTOR.user_id].acties == ("read", "update")
    assert by_user[POLITIE.user_id].rol == "deelnemer"
    assert {(s.casus_id, s.gegevensgroep) for s in seen} == {
        (casus_id, "casus"),
        (other_casus, "plan"),
    }
    assert len(old) == 1
    assert old[0].casus_id not in {casus_id, other_casus}

    async with tenant_session(app_engine, tenant, settings) as session:
        fg_reads = (
            await session.execute(
                select(Verwerking.gegevensgroep, Verwerking.casus_id).where(
                    Verwerking.user_id == FG.user_id
                )
            )
        ).all()
        page = await entries(session, casus_id=casus_id, limit=2)
        rest = await entries(session, casus_id=casus_id, before=page[-1].volgnummer)
    # Looking at the log is itself logged.
    assert ("verwerkingenlog", casus_id) in fg_reads
    assert len(fg_reads) == 3
    assert len(page) == 2
    assert [e.volgnummer for e in page + rest] == sorted(
        (e.volgnummer for e in page + rest), reverse=True
    )
    assert len(page + rest) == 4  # three processings and the FG's own look


async def test_period_exports_as_csv_and_logboek_json(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    await append_backdated(admin_engine, tenant, [datetime.now(UTC) - timedelta(days=400)])
    persoon_id = uuid.uuid4()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        await record(
            session,
            FG,
            actie=Actie.READ,
            gegevensgroep="casus",
            doel="uitvoering casusoverleg",
            persoon_id=persoon_id,
        )
    van, tot = datetime.now(UTC) - timedelta(days=1), datetime.now(UTC) + timedelta(days=1)
    csv_out, json_out = io.StringIO(), io.StringIO()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        written_csv = await export_csv(session, FG, csv_out, van=van, tot=tot)
        written_json = await export_logboek_json(session, FG, json_out, van=van, tot=tot)

    rows = list(csv.DictReader(io.StringIO(csv_out.getvalue())))
    # The read, and the CSV export's own log entry; the entry of 400 days ago is outside.
    assert written_csv == len(rows) == 2
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["persoon_id"] == str(persoon_id)
    assert rows[1]["actie"] == "export"

    document = json.loads(json_out.getvalue())
    records = document["dataverwerkingen"]
    assert written_json == len(records) == 3  # and the JSON export's own entry
    first = records[0]
    assert first["trace_id"] == "a" * 32
    assert len(first["span_id"]) == 16
    int(first["span_id"], 16)
    assert first["name"] == "casus.read"
    assert first["status_code"] == "STATUS_CODE_OK"
    assert first["start_time"] == first["end_time"]
    attributes = {a["key"]: a["value"] for a in first["attributes"]}
    assert attributes["dpl.core.data_subject_id"] == str(persoon_id)
    assert attributes["dpl.core.processing_activity_id"].startswith(
        "urn:casushub:verwerkingsactiviteit:"
    )
    assert attributes["casushub.hash"] == rows[0]["hash"]
    resource = {a["key"]: a["value"] for a in document["resource"]["attributes"]}
    assert resource["casushub.tenant"] == tenant.slug
