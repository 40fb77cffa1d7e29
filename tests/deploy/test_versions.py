"""The chart and the image are released together, and every release says what it does to the
schemas: the package version, Chart.yaml's version and appVersion, the image's version label,
the example values' tag and the newest CHANGELOG.md entry agree, and every migration revision
is named in the changelog."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = yaml.safe_load((ROOT / "helm" / "casushub" / "Chart.yaml").read_text())
CHANGELOG = (ROOT / "CHANGELOG.md").read_text()


def _package_version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    version: str = project["version"]
    return version


def test_chart_image_and_package_share_one_version() -> None:
    version = _package_version()
    assert CHART["version"] == version
    assert CHART["appVersion"] == version
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(rf"^ARG VERSION={re.escape(version)}$", dockerfile, re.MULTILINE)
    assert 'org.opencontainers.image.version="${VERSION}"' in dockerfile
    values = yaml.safe_load((ROOT / "helm" / "casushub" / "ci" / "default-values.yaml").read_text())
    assert values["image"]["tag"] == version


def test_the_chart_names_no_made_up_home() -> None:
    for key in ("home", "sources"):
        for url in [CHART.get(key)] if key == "home" else CHART.get(key, []):
            assert url is None or "example" not in url, url


def _releases() -> list[tuple[str, str]]:
    """(version, text) per ``## <version>`` section, newest first."""
    parts = re.split(r"^## (\S+).*$", CHANGELOG, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_the_changelog_has_an_entry_for_this_version_with_its_schema_changes() -> None:
    releases = _releases()
    assert releases, "CHANGELOG.md has no release sections"
    newest, text = releases[0]
    assert newest == _package_version()
    assert "### Schemas" in text
    assert "### Upgrading" in text


def test_every_migration_revision_is_in_the_changelog() -> None:
    for kind in ("platform", "tenant"):
        for path in sorted((ROOT / "migrations" / kind / "versions").glob("*.py")):
            revision = re.search(r'^revision = "(\w+)"', path.read_text(), re.MULTILINE)
            assert revision is not None, path
            assert f"`{revision.group(1)}`" in CHANGELOG, (path.name, revision.group(1))
