"""HTTP load generator for ``bench/web.py``: runs in its own process, prints JSON.

``concurrency`` clients, each on one keep-alive connection, take requests from a shared list
(path and session cookie) until ``requests`` are done or ``duration`` seconds have passed.
It speaks just enough HTTP/1.1 over asyncio streams (GET, Content-Length or chunked body):
on a 2-core machine a full client library would spend the CPU the server under test needs.

    python bench/loadgen.py --port 8000 --jobs jobs.json --concurrency 50 --requests 5000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["run"]


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def run(
    port: int,
    jobs: Sequence[tuple[str, str]],
    cookie_name: str,
    *,
    concurrency: int,
    requests: int,
    duration: float,
) -> dict[str, object]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    issued = 0
    began = time.perf_counter()
    deadline = began + duration

    async def client() -> None:
        nonlocal issued, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while issued < requests and time.perf_counter() < deadline:
                path, cookie = jobs[issued % len(jobs)]
                issued += 1
                request = (
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Cookie: {cookie_name}={cookie}\r\nAccept: text/html\r\n\r\n"
                )
                start = time.perf_counter()
                try:
                    writer.write(request.encode())
                    status = await _read_response(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    return {
        "latencies": latencies,
        "statuses": {str(k): v for k, v in statuses.items()},
        "errors": errors,
        "seconds": elapsed,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jobs", type=Path, required=True, help="JSON list of [path, cookie]")
    parser.add_argument("--cookie-name", default="casushub_session")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args(argv)
    jobs = [(str(path), str(cookie)) for path, cookie in json.loads(args.jobs.read_text())]
    result = asyncio.run(
        run(
            args.port,
            jobs,
            args.cookie_name,
            concurrency=args.concurrency,
            requests=args.requests,
            duration=args.duration,
        )
    )
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
