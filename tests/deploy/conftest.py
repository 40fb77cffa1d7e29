"""Fixtures: the chart, rendered with the example values in ``helm/casushub/ci/``."""

from __future__ import annotations

from typing import Any

import helm_python
import pytest
import yaml
from chartrender import CHART_DIR, NAMESPACE, RELEASE, Manifest, Render, load_values


@pytest.fixture(scope="session")
def chart() -> helm_python.Chart:
    return helm_python.Chart.load(CHART_DIR)


@pytest.fixture(scope="session")
def render(chart: helm_python.Chart) -> Render:
    """Render with the given values; returns every non-empty manifest, in file order."""

    def run(values: dict[str, Any]) -> list[Manifest]:
        files = chart.render(values, name=RELEASE, namespace=NAMESPACE)
        manifests: list[Manifest] = []
        for _path, text in sorted(files.items()):
            manifests.extend(doc for doc in yaml.safe_load_all(text) if doc)
        return manifests

    return run


@pytest.fixture(scope="session")
def default_values() -> dict[str, Any]:
    values: dict[str, Any] = load_values("default")
    return values


@pytest.fixture(scope="session")
def production_values() -> dict[str, Any]:
    values: dict[str, Any] = load_values("production")
    return values


@pytest.fixture(scope="session")
def default_manifests(render: Render, default_values: dict[str, Any]) -> list[Manifest]:
    manifests: list[Manifest] = render(default_values)
    return manifests


@pytest.fixture(scope="session")
def production_manifests(render: Render, production_values: dict[str, Any]) -> list[Manifest]:
    manifests: list[Manifest] = render(production_values)
    return manifests
