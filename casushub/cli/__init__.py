"""The ``casushub`` command-line tool: the ``main`` group, with the command groups and commands
of the modules beside it added to it."""

from __future__ import annotations

import click

from casushub.cli.audit import audit
from casushub.cli.bewaartermijnen import bewaartermijnen
from casushub.cli.db import db
from casushub.cli.gebruikers import gebruikers
from casushub.cli.hubs import hubs
from casushub.cli.jobs import jobs
from casushub.cli.ontwikkeling import demo, dev, mailsink
from casushub.cli.organisaties import organisaties
from casushub.cli.processen import scheduler, serve, worker
from casushub.cli.run import fail
from casushub.cli.tenants import tenants

__all__ = ["main"]


@click.group()
def main() -> None:
    """casushub: het casusoverleg radicalisering, per gemeente afgeschermd."""
    # A wrong variable (SECRET_KEY too short, BACKUP_RETENTION_DAYS out of range …) is the
    # operator's input: a Dutch line, not a traceback. Read, not cached: `casushub dev` sets
    # variables of its own before the settings are used.
    from casushub.platform.settings import Settings

    try:
        Settings.from_env()
    except ValueError as exc:
        fail(f"configuratie: {exc}")


for _command in (
    db,
    hubs,
    tenants,
    organisaties,
    gebruikers,
    worker,
    scheduler,
    mailsink,
    jobs,
    audit,
    demo,
    serve,
    dev,
    bewaartermijnen,
):
    main.add_command(_command)
