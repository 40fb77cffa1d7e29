"""``casushub bewaartermijnen …``: destroying now what is past its retention, in every
municipality; run after restoring a backup of the whole database, before the platform is used
again.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

import click

from casushub.platform import klok
from casushub.platform.settings import get_settings

if TYPE_CHECKING:
    from casushub.platform.settings import Settings


@click.group()
def bewaartermijnen() -> None:
    """Bewaartermijnen: vernietigen wat zijn termijn voorbij is."""


@bewaartermijnen.command("sweep")
@click.option("--dry-run", is_flag=True, help="Toon wat vernietigd zou worden; vernietig niets.")
@click.option("--tenant", "slug", default=None, help="Alleen deze gemeente (slug).")
def bewaartermijnen_sweep(dry_run: bool, slug: str | None) -> None:
    """Vernietig nu wat vandaag vernietigd moet zijn, in elke gemeente.

    Na het terugzetten van een back-up van de hele database staat alles weer in de database
    wat sinds die back-up al vernietigd was. Draai dan eerst deze opdracht (eerst met
    --dry-run), voordat het platform weer gebruikt wordt. Ook beëindigde gemeenten waarvan de
    vernietigingsdatum voorbij is, gaan dan (opnieuw) weg.
    """
    settings = get_settings()
    outcome = asyncio.run(_sweep_all(settings, dry_run=dry_run, slug=slug))
    for line in outcome.lines:
        click.echo(line)
    for line in outcome.problems:
        click.echo(f"MISLUKT {line}", err=True)
    if outcome.problems:
        sys.exit(1)


class _SweepOutcome:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.problems: list[str] = []


async def _sweep_all(settings: Settings, *, dry_run: bool, slug: str | None) -> _SweepOutcome:
    """Every served or suspended municipality in its own transaction, then terminated ones."""

    from sqlalchemy import select

    from casushub.platform.database import create_admin_engine, create_app_engine
    from casushub.platform.ids import new_id
    from casushub.platform.migrate.revisions import servable_revision, tenant_head
    from casushub.platform.models import Tenant, TenantStatus
    from casushub.platform.tenancy import TenantRef, tenant_session
    from casushub.tenants.actor import Actor
    from casushub.tenants.bewaartermijnen.sweep import proefrun, vernietig

    outcome = _SweepOutcome()
    today = klok.vandaag()
    batch = new_id()
    actor = Actor.system(f"bewaartermijnen:cli:{batch}")
    engine = create_app_engine(settings)
    try:
        query = select(
            Tenant.id, Tenant.slug, Tenant.status, Tenant.schema_revision, Tenant.vernietigen_op
        )
        if slug is not None:
            query = query.where(Tenant.slug == slug)
        async with engine.connect() as conn:
            rows = (await conn.execute(query.order_by(Tenant.slug))).all()
        if slug is not None and not rows:
            outcome.problems.append(f"{slug}: onbekende gemeente")
        # Suspended ones too: a restore brings back their destroyed records as well.
        swept = {TenantStatus.ACTIVE.value, TenantStatus.SUSPENDED.value}
        for row in rows:
            if row.status not in swept:
                continue
            if not servable_revision(row.schema_revision, tenant_head()):
                outcome.problems.append(
                    f"{row.slug}: schema niet bijgewerkt; eerst casushub tenants migrate {row.slug}"
                )
                continue
            tenant = TenantRef(row.id, row.slug)
            try:
                async with tenant_session(engine, tenant, settings) as session, session.begin():
                    if dry_run:
                        plan = await proefrun(session, actor, vandaag=today, dagen=0)
                        outcome.lines.append(
                            f"{row.slug}: {len(plan.te_vernietigen)} te vernietigen, "
                            f"{len(plan.geblokkeerd)} geblokkeerd (proefrun, niets vernietigd)"
                        )
                    else:
                        ronde = await vernietig(session, actor, vandaag=today, batch_id=batch)
                        outcome.lines.append(
                            f"{row.slug}: {len(ronde.vernietigd)} vernietigd, "
                            f"{len(ronde.geblokkeerd)} geblokkeerd, {len(ronde.mislukt)} mislukt, "
                            f"{ronde.logregels_opgeschoond} logregels opgeschoond"
                        )
                        if ronde.mislukt:
                            outcome.problems.append(
                                f"{row.slug}: {len(ronde.mislukt)} records niet vernietigd"
                            )
            except Exception as exc:  # noqa: BLE001 - reported per municipality; others go on
                outcome.problems.append(f"{row.slug}: {type(exc).__name__}: {exc}"[:500])
        due = [
            row.slug
            for row in rows
            if row.status == TenantStatus.TERMINATING.value
            and row.vernietigen_op is not None
            and row.vernietigen_op <= today
        ]
        if due and dry_run:
            outcome.lines.append(
                "beëindigde gemeenten, termijn voorbij (proefrun): " + ", ".join(due)
            )
        elif due:
            if not settings.database_url:
                outcome.problems.append(
                    "beëindigde gemeenten " + ", ".join(due) + ": DATABASE_URL nodig (eigenaar)"
                )
            else:
                from casushub.crosstenant.lifecycle import vernietig_beeindigde

                admin = create_admin_engine(settings)
                try:
                    gone = await vernietig_beeindigde(admin, settings, today)
                finally:
                    await admin.dispose()
                outcome.lines.append("beëindigde gemeenten vernietigd: " + ", ".join(gone))
    finally:
        await engine.dispose()
    return outcome
