"""The long-running processes of an installation: the web server, the workers and the
scheduler (``casushub serve``, ``worker``, ``scheduler``).
"""

from __future__ import annotations

import asyncio
import sys

import click

from casushub.platform.settings import get_settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Start de webserver (uvicorn)."""
    import uvicorn

    uvicorn.run(
        "casushub.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )


@click.command("worker")
@click.argument("modules", nargs=-1)
@click.option(
    "--threads", default=None, type=click.IntRange(1, 64), help="Standaard: WORKER_THREADS."
)
def worker(modules: tuple[str, ...], threads: int | None) -> None:
    """Start een worker voor achtergrondtaken (extra modules met actors mogen erbij)."""
    from casushub.platform.logs import configure_logging
    from casushub.workers.worker import run_worker

    settings = get_settings()
    configure_logging(settings)
    sys.exit(run_worker(settings, threads=threads, modules=modules))


@click.command("scheduler")
def scheduler() -> None:
    """Start de planner (één tegelijk actief; een tweede wacht stand-by)."""
    from casushub.platform.logs import configure_logging
    from casushub.workers.scheduler import run_scheduler

    settings = get_settings()
    configure_logging(settings)
    sys.exit(asyncio.run(run_scheduler(settings)))
