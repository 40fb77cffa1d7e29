"""``casushub hubs …``: creating a hub (a Zorg- en Veiligheidshuis or a centrumgemeente)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from casushub.cli.run import fail, run

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


@click.group()
def hubs() -> None:
    """Hubs (Zorg- en Veiligheidshuis, centrumgemeente)."""


@hubs.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Naam van de hub.")
@click.option(
    "--type", "hub_type", default="zvh", type=click.Choice(["zvh", "centrumgemeente", "gemeente"])
)
@click.option(
    "--if-missing",
    is_flag=True,
    help="Bestaat de hub al, dan niets doen (voor een installatie-Job die opnieuw kan draaien).",
)
def hubs_create(slug: str, name: str, hub_type: str, if_missing: bool) -> None:
    """Maak een hub aan."""
    from casushub.platform.registry import RegistryError, create_hub

    if if_missing and run(lambda engine: _hub_exists(engine, slug)):
        click.echo(f"hub {slug} bestaat al")
        return
    try:
        run(lambda engine: create_hub(engine, slug=slug, name=name, type=hub_type))
    except RegistryError as exc:
        fail(exc.message)
    click.echo(f"hub {slug} aangemaakt")


async def _hub_exists(engine: AsyncEngine, slug: str) -> bool:
    from sqlalchemy import select

    from casushub.platform.models import Hub

    async with engine.connect() as conn:
        return (await conn.execute(select(Hub.id).where(Hub.slug == slug))).first() is not None
