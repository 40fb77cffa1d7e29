"""`make dev`: embedded PostgreSQL, migrations, demo data and the platform's processes.

Each process is a plain child process; Ctrl-C (or SIGTERM, SIGHUP) stops them all. Later parts
add theirs to ``dev_processes`` (identity provider, worker, scheduler).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from casushub.platform.settings import get_settings

__all__ = ["dev_processes", "run_dev", "supervise"]

# The development mail sink: messages land in DATA_DIR/mail/*.eml and on the console.
DEV_MAIL_PORT = 8025


def _prepare_environment(port: int) -> None:
    os.environ.setdefault("CASUSHUB_ENV", "development")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("BASE_URL", f"http://localhost:{port}")
    os.environ.setdefault("LOG_JSON", "false")
    if not os.environ.get("SMTP_HOST"):
        # All development mail goes to the local sink (`casushub mailsink`), never outside.
        os.environ["SMTP_HOST"] = "127.0.0.1"
        os.environ.setdefault("SMTP_PORT", str(DEV_MAIL_PORT))
        os.environ.setdefault("SMTP_TLS", "none")
    if not os.environ.get("DATABASE_URL"):
        from casushub.platform.devdb import create_database, start_embedded, with_database

        data_dir = Path(os.environ.get("DATA_DIR", ".data"))
        # cleanup_mode=None: the server outlives this process's handle; `make dev-stop` stops it.
        _server, server_url = start_embedded(data_dir / "pg", cleanup_mode=None)
        asyncio.run(create_database(server_url, "casushub"))
        os.environ["DATABASE_URL"] = with_database(server_url, "casushub")
        print(f"Ingebedde PostgreSQL draait; data in {data_dir / 'pg'}")
    get_settings.cache_clear()


async def _migrate_and_seed() -> None:
    from casushub.cli.demo import load_demo
    from casushub.platform.database import create_admin_engine
    from casushub.platform.migrate.runs import migrate_platform, migrate_tenants

    settings = get_settings()
    engine = create_admin_engine(settings)
    try:
        await migrate_platform(engine, settings)
        report = await migrate_tenants(engine, wait=True)
        if not report.ok:
            raise SystemExit(f"Migratie van gemeenten mislukt: {report.failed}")
        for line in await load_demo(engine, settings):
            print(line)
    finally:
        await engine.dispose()


def _dev_idp_command(port: int) -> list[str]:
    """The development OIDC provider: one issuer per demo organisation (devidp/)."""
    from casushub.platform.identity.devidp import demo_config, node_command, node_config

    settings = get_settings()
    demo = demo_config()
    config = node_config(
        demo["providers"],
        client_id=demo["client_id"],
        base_port=settings.dev_idp_port,
        rp_base_urls=[f"http://localhost:{port}", f"http://127.0.0.1:{port}", settings.base_url],
    )
    path = settings.data_dir / "devidp.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config), "utf-8")
    return node_command(path)


def dev_processes(port: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "idp": _dev_idp_command(port),
        "web": [python, "-m", "casushub", "serve", "--port", str(port)],
        "worker": [python, "-m", "casushub", "worker"],
        "scheduler": [python, "-m", "casushub", "scheduler"],
        "mail": [python, "-m", "casushub", "mailsink", "--port", str(DEV_MAIL_PORT)],
    }


def run_dev(port: int) -> int:
    _prepare_environment(port)
    asyncio.run(_migrate_and_seed())
    from casushub.platform.identity.demo import demo_logins

    banner = f"\ncasushub draait op http://localhost:{port}/  (stoppen: Ctrl-C)\n\n"
    return supervise(dev_processes(port), banner + "\n".join(demo_logins()) + "\n")


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def supervise(commands: Mapping[str, list[str]], banner: str = "") -> int:
    """Run each command as a child until one stops or we are told to stop; then stop them all.

    SIGTERM and SIGHUP (``kill``, ``timeout``, a closed terminal) stop the children as Ctrl-C
    does: by default they would end this process at once, leaving the web server, worker and
    identity provider running without it (and holding their ports).
    """
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            children[name] = subprocess.Popen(command)  # noqa: S603 - fixed commands built above
        print(banner, flush=True)
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        failed = [name for name, child in children.items() if child.poll() is not None]
        print(f"Proces gestopt: {', '.join(failed)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
