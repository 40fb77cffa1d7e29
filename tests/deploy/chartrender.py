"""Rendering the Helm chart without a cluster or a ``helm`` binary: shared helpers.

``helm-python-sdk`` embeds Helm's own Go library, so templates, ``required`` and the values
schema behave exactly as ``helm install`` would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = ROOT / "helm" / "casushub"
RELEASE = "casushub"
NAMESPACE = "casushub"

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]


def load_values(name: str) -> dict[str, Any]:
    """One of the chart's example values files in ``helm/casushub/ci/``."""
    values: dict[str, Any] = yaml.safe_load((CHART_DIR / "ci" / f"{name}-values.yaml").read_text())
    return values


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep merge like Helm's ``-f a.yaml -f b.yaml`` (maps merge, everything else replaces)."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def by_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    """Manifests of one kind, keyed by name."""
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def pod_specs(manifests: list[Manifest]) -> dict[str, Manifest]:
    """The pod spec of every workload (Deployment, Job, CronJob), keyed by kind/name."""
    specs: dict[str, Manifest] = {}
    for m in manifests:
        if m["kind"] in {"Deployment", "Job", "StatefulSet", "DaemonSet"}:
            specs[f"{m['kind']}/{m['metadata']['name']}"] = m["spec"]["template"]["spec"]
        elif m["kind"] == "CronJob":
            template = m["spec"]["jobTemplate"]["spec"]["template"]
            specs[f"{m['kind']}/{m['metadata']['name']}"] = template["spec"]
    return specs


def pod_labels(manifests: list[Manifest]) -> dict[str, dict[str, str]]:
    """The pod template labels of every workload, keyed like ``pod_specs``."""
    labels: dict[str, dict[str, str]] = {}
    for m in manifests:
        if m["kind"] in {"Deployment", "Job", "StatefulSet", "DaemonSet"}:
            labels[f"{m['kind']}/{m['metadata']['name']}"] = m["spec"]["template"]["metadata"][
                "labels"
            ]
        elif m["kind"] == "CronJob":
            template = m["spec"]["jobTemplate"]["spec"]["template"]
            labels[f"{m['kind']}/{m['metadata']['name']}"] = template["metadata"]["labels"]
    return labels


def to_yaml(manifests: list[Manifest]) -> str:
    text: str = yaml.safe_dump_all(manifests, sort_keys=False)
    return text
