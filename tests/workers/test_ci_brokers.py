"""`.ci/run` points the worker tests at the machine's RabbitMQ and Redis when they answer.

`.ci/run` is run with a stand-in ``make`` on its PATH that only reports the environment it
got (the real one would run the whole suite). A broker that answers on its address is passed
on as ``RABBITMQ_URL`` / ``REDIS_URL``; one that does not is left out, so its variants skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE_MAKE = """#!/bin/sh
echo "make $* RABBITMQ_URL=${RABBITMQ_URL:-} REDIS_URL=${REDIS_URL:-} CI=${CI:-}"
"""


def _listening_port() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock, sock.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ci_run(tmp_path: Path, **env: str) -> str:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    make = bin_dir / "make"
    make.write_text(FAKE_MAKE)
    make.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k not in {"RABBITMQ_URL", "REDIS_URL", "CI"}}
    result = subprocess.run(  # noqa: S603 - the repository's own script
        [str(ROOT / ".ci" / "run")],
        env={**clean, "PATH": f"{bin_dir}:{clean['PATH']}", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("answers", [True, False])
def test_ci_run_passes_on_the_brokers_that_answer(tmp_path: Path, answers: bool) -> None:
    listener, port = _listening_port() if answers else (None, _free_port())
    try:
        out = _ci_run(
            tmp_path,
            RABBITMQ_ADDRESS=f"127.0.0.1:{port}",
            REDIS_ADDRESS=f"127.0.0.1:{port}",
        )
    finally:
        if listener is not None:
            listener.close()
    lines = [line for line in out.splitlines() if line.startswith("make ")]
    assert [line.split()[1] for line in lines] == ["test", "test-long"]
    for line in lines:
        assert "CI=true" in line
        if answers:
            assert f"RABBITMQ_URL=amqp://guest:guest@127.0.0.1:{port}/ " in line
            assert f"REDIS_URL=redis://127.0.0.1:{port}/ " in line
        else:
            assert "RABBITMQ_URL= " in line
            assert "REDIS_URL= " in line


def test_ci_run_finds_this_machines_brokers(tmp_path: Path) -> None:
    """On this kind of machine RabbitMQ (5672) and Redis (6379) run before CI starts."""
    for port in (5672, 6379):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            pytest.skip(f"no broker on 127.0.0.1:{port} on this machine")
    out = _ci_run(tmp_path)
    assert "RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672/ " in out
    assert "REDIS_URL=redis://127.0.0.1:6379/ " in out
