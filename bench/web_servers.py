"""The web benchmark's servers and load: uvicorn on a free loopback port, ``bench/loadgen.py``
in a process of its own, and the figures a run gives.

Part of ``bench/web.py``; imported as ``bench.<module>`` (``benchdb``, imported first, puts the
project root on ``sys.path``) so that mypy checks the calls between the parts typed."""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import benchdb

BENCH = Path(__file__).resolve().parent


@dataclass
class Load:
    what: str
    latencies: list[float]
    seconds: float
    statuses: dict[str, int]
    errors: int

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        return benchdb.percentile(self.latencies, fraction) * 1000 if self.latencies else 0.0


@dataclass
class Server:
    name: str
    target: str
    factory: bool
    loads: dict[str, Load] = field(default_factory=dict)
    rss_mb: list[tuple[str, float]] = field(default_factory=list)
    alternated: dict[str, list[Load]] = field(default_factory=dict)

    def median_p(self, page: str, fraction: float) -> float:
        return statistics.median(load.p(fraction) for load in self.alternated[page])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def serve(server: Server, env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """uvicorn on a free loopback port; yields (port, pid)."""
    import httpx

    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", *(["--factory"] if server.factory else [])]
    command += [server.target, "--host", "127.0.0.1", "--port", str(port)]
    # uvicorn's own access log off for every server alike: it is not the verwerkingenlog.
    command += ["--no-access-log", "--log-level", "warning"]
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, cwd=BENCH, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - fixed argv
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"{server.name} did not start:\n{log.read_text()[-3000:]}"
                    raise RuntimeError(msg)
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            yield port, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def load(
    what: str,
    port: int,
    jobs: Sequence[tuple[str, str]],
    tmp: Path,
    *,
    clients: int,
    requests: int,
    duration: float,
) -> Load:
    """Run bench/loadgen.py in its own process and collect its figures."""
    jobs_file = tmp / "jobs.json"
    jobs_file.write_text(json.dumps(list(jobs)))
    done = subprocess.run(  # noqa: S603 - fixed argv
        [
            sys.executable,
            str(BENCH / "loadgen.py"),
            "--port",
            str(port),
            "--jobs",
            str(jobs_file),
            "--concurrency",
            str(clients),
            "--requests",
            str(requests),
            "--duration",
            str(duration),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    raw = json.loads(done.stdout)
    return Load(what, raw["latencies"], raw["seconds"], raw["statuses"], raw["errors"])
