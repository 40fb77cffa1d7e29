"""Commands for a developer's machine: the whole platform with an embedded PostgreSQL
(``casushub dev``), the demo region (``demo``) and a mail sink (``mailsink``).
"""

from __future__ import annotations

import sys

import click

from casushub.cli.run import run
from casushub.platform.settings import get_settings


@click.command("dev")
@click.option("--port", default=8000, show_default=True, type=int)
def dev(port: int) -> None:
    """Start het hele platform lokaal met ingebedde PostgreSQL en demodata."""
    from casushub.cli.devserver import run_dev

    sys.exit(run_dev(port))


@click.command("demo")
def demo() -> None:
    """Laad de demoregio (idempotent)."""
    from casushub.cli.demo import load_demo

    for line in run(lambda engine: load_demo(engine, get_settings())):
        click.echo(line)


@click.command("mailsink")
@click.option("--port", default=8025, show_default=True, type=int)
def mailsink(port: int) -> None:
    """Ontwikkeling: vang alle e-mail op (DATA_DIR/mail) in plaats van te versturen."""
    from casushub.platform.mailsink import run_mailsink

    sys.exit(run_mailsink(get_settings(), port))
