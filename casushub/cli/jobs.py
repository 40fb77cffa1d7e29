"""``casushub jobs …``: background messages whose every attempt failed: list and retry them."""

from __future__ import annotations

import asyncio
import uuid

import click

from casushub.cli.run import fail
from casushub.platform.settings import get_settings


@click.group()
def jobs() -> None:
    """Achtergrondtaken: mislukte berichten bekijken en opnieuw starten."""


@jobs.command("failed")
@click.option("--all", "include_retried", is_flag=True, help="Ook al opnieuw gestarte berichten.")
def jobs_failed(include_retried: bool) -> None:
    """Toon berichten waarvan alle pogingen mislukt zijn."""
    from casushub.platform.database import create_app_engine
    from casushub.workers.deadletters import list_dead_letters

    async def fetch() -> list[tuple[str, ...]]:
        engine = create_app_engine(get_settings())
        try:
            rows = await list_dead_letters(engine, include_retried=include_retried)
        finally:
            await engine.dispose()
        return [
            (
                str(r.message_id),
                r.actor_name,
                str(r.tenant_id or "-"),
                r.failed_at.isoformat(timespec="seconds"),
                "opnieuw gestart" if r.retried_at else r.error,
            )
            for r in rows
        ]

    rows = asyncio.run(fetch())
    if not rows:
        click.echo("geen mislukte berichten")
    for row in rows:
        click.echo("  ".join(row))


@jobs.command("retry")
@click.argument("message_id", type=click.UUID)
def jobs_retry(message_id: uuid.UUID) -> None:
    """Verstuur een mislukt bericht opnieuw (zelfde id, nieuwe pogingen)."""
    from casushub.platform.database import create_app_engine
    from casushub.workers.broker import configure
    from casushub.workers.deadletters import UnknownDeadLetter, retry_dead_letter

    async def retry() -> None:
        settings = get_settings()
        broker = configure(settings)
        engine = create_app_engine(settings)
        try:
            await retry_dead_letter(engine, broker, message_id)
        finally:
            await engine.dispose()
            broker.close()

    try:
        asyncio.run(retry())
    except UnknownDeadLetter as exc:
        fail(str(exc))
    click.echo(f"bericht {message_id} opnieuw verstuurd")
