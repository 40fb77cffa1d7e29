"""Start the bundled development identity provider (``devidp/server.mjs``) as a child process.

Used by ``make dev`` (fixed ports from ``DEV_IDP_PORT``) and by the tests (free ports). Never in
production: it accepts any password.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEVIDP_DIR", "DevIdp", "demo_config", "node_command", "node_config", "start_dev_idp"]

DEVIDP_DIR = Path(__file__).resolve().parents[3] / "devidp"


@dataclass
class DevIdp:
    process: subprocess.Popen[bytes]
    issuers: dict[str, str]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def demo_config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads((DEVIDP_DIR / "demo-users.json").read_text("utf-8"))
    return config


def node_config(
    providers: list[dict[str, Any]], *, client_id: str, base_port: int, rp_base_urls: list[str]
) -> dict[str, Any]:
    """The provider process's own config: one issuer per organisation, our client at each."""
    return {
        "host": "127.0.0.1",
        "base_port": base_port,
        "redirect_uris": [f"{base}/auth/callback" for base in rp_base_urls],
        "post_logout_redirect_uris": [f"{base}/auth/uitgelogd" for base in rp_base_urls],
        "providers": [
            {
                "key": p["key"],
                "any_user": bool(p.get("any_user", False)),
                "claims_in_userinfo": bool(p.get("claims_in_userinfo", False)),
                "userinfo_other_sub": bool(p.get("userinfo_other_sub", False)),
                "clients": [{"client_id": client_id, "client_secret": p["client_secret"]}],
                "users": [
                    {k: u[k] for k in ("sub", "email", "name", "groups") if k in u}
                    for u in p["users"]
                ],
            }
            for p in providers
        ],
    }


def node_command(config_path: Path) -> list[str]:
    node = shutil.which("node") or "node"
    return [node, str(DEVIDP_DIR / "server.mjs"), str(config_path)]


def start_dev_idp(config: dict[str, Any], config_path: Path, timeout: float = 60.0) -> DevIdp:
    """Start the process and wait for its ``ready`` line with every issuer.

    Its diagnostics go to ``<config>.log`` beside the config file; a start that fails says why.
    """
    config_path.write_text(json.dumps(config), "utf-8")
    log_path = config_path.with_suffix(".log")
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command, our own script
            node_command(config_path),
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=DEVIDP_DIR.parent,
            env={**os.environ, "NODE_ENV": "development"},
        )
    assert process.stdout is not None  # noqa: S101 - stdout=PIPE above
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if not line:
                break
            message = json.loads(line)
            if "ready" in message:
                return DevIdp(process, dict(message["ready"]))
        if process.poll() is not None:
            break
    process.kill()
    process.wait()
    process.stdout.close()
    tail = log_path.read_text("utf-8", errors="replace")[-2000:]
    msg = f"de ontwikkel-inlogdienst (devidp) startte niet (exit {process.returncode}): {tail}"
    raise RuntimeError(msg)
