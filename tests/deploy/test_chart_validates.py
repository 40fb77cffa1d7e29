"""The chart lints, and every rendered manifest passes Kubernetes' schemas and checkov."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import helm_python
import pytest
from chartrender import CHART_DIR, ROOT, Manifest, Render, by_kind, load_values, merge, to_yaml

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
KUBERNETES_VALIDATE = Path(sys.executable).parent / "kubernetes-validate"

# Every check that may be skipped, and why. The same list, with the reasons spelled out, is in
# docs/operations.md ("checkov skips"); a test below keeps the two in step.
DOCUMENTED_SKIPS = {
    "CKV_K8S_35": "secrets reach the processes as environment variables (12-factor) by design",
    "CKV_K8S_8": "worker, scheduler and the migration Job serve no HTTP: no liveness endpoint",
    "CKV_K8S_9": "worker, scheduler and the migration Job receive no Service traffic",
    "CKV_K8S_43": "default values only: a tag for evaluation; production values pin a digest",
}


@pytest.mark.parametrize("name", ["default", "production"])
def test_chart_lints_without_warnings(name: str) -> None:
    report = helm_python.lint(CHART_DIR, load_values(name), strict=True, namespace="casushub")
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert problems == [], problems
    assert report["errors"] == []


def test_lint_reports_schema_errors() -> None:
    """Guard against a lint that passes everything: the bare defaults miss required values."""
    report = helm_python.lint(CHART_DIR, strict=True, namespace="casushub")
    assert any("/image/repository" in error for error in report["errors"])


# The oldest release Chart.yaml admits (kubeVersion) and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.27.0", "1.37.0")


# Custom resources of the Prometheus Operator: no schema offline, so kubernetes-validate would
# only warn; tests/deploy/test_operator_chart.py checks their shape instead.
CUSTOM_KINDS = {"ServiceMonitor", "PrometheusRule"}


def _kubernetes_validate(
    manifests: list[Manifest], tmp_path: Path, version: str = KUBERNETES_VERSIONS[-1]
) -> None:
    manifests = [m for m in manifests if m["kind"] not in CUSTOM_KINDS]
    path = tmp_path / "rendered.yaml"
    path.write_text(to_yaml(manifests))
    result = subprocess.run(  # noqa: S603 - fixed executable, our own file
        [str(KUBERNETES_VALIDATE), "--strict", "-k", version, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.findall(r"passed for resource", output)
    assert len(passed) == len(manifests), output


def test_default_render_passes_kubernetes_validate_strict(
    default_manifests: list[Manifest], tmp_path: Path
) -> None:
    _kubernetes_validate(default_manifests, tmp_path)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_production_render_passes_kubernetes_validate_strict(
    production_manifests: list[Manifest], tmp_path: Path, version: str
) -> None:
    _kubernetes_validate(production_manifests, tmp_path, version)


def test_plain_job_render_passes_kubernetes_validate_strict(
    render: Render, production_values: dict[str, Any], tmp_path: Path
) -> None:
    _kubernetes_validate(
        render(merge(production_values, {"migrations": {"mode": "job"}})), tmp_path
    )


def test_kubernetes_validate_catches_a_wrong_manifest(
    default_manifests: list[Manifest], tmp_path: Path
) -> None:
    """Guard against a validator that passes everything: an unknown field must fail."""
    broken = merge(default_manifests[0], {"spec": {"replicaz": 3}})
    with pytest.raises(AssertionError):
        _kubernetes_validate([broken], tmp_path)


# The default values name an image by tag only (an evaluation install): CKV_K8S_43 is skipped
# there, on the workloads only, the way an operator would annotate them. The production render
# pins a digest and is scanned without that skip.
TAG_ONLY_SKIP = "CKV_K8S_43=default values only: a tag for evaluation, production pins a digest"

Findings = dict[str, dict[str, list[dict[str, Any]]]]


def _with_tag_skip(manifests: list[Manifest]) -> list[Manifest]:
    annotated = []
    for manifest in manifests:
        if manifest["kind"] in {"Deployment", "Job"}:
            manifest = merge(
                manifest, {"metadata": {"annotations": {"checkov.io/skip9": TAG_ONLY_SKIP}}}
            )
        annotated.append(manifest)
    return annotated


def _insecure_web(manifests: list[Manifest]) -> Manifest:
    insecure = merge(by_kind(manifests, "Deployment")["casushub-web"], {})
    container = insecure["spec"]["template"]["spec"]["containers"][0]
    container["securityContext"]["privileged"] = True
    container["securityContext"]["allowPrivilegeEscalation"] = True
    return insecure


@pytest.fixture(scope="session")
def checkov_findings(
    default_manifests: list[Manifest],
    production_manifests: list[Manifest],
    tmp_path_factory: pytest.TempPathFactory,
) -> Findings:
    """One checkov run (it takes seconds to start) over three renders; results per file."""
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: `make checkov` creates its own virtualenv")
    directory = tmp_path_factory.mktemp("checkov")
    (directory / "default.yaml").write_text(to_yaml(_with_tag_skip(default_manifests)))
    (directory / "production.yaml").write_text(to_yaml(production_manifests))
    (directory / "insecure.yaml").write_text(to_yaml([_insecure_web(production_manifests)]))
    command = [str(CHECKOV), "-d", str(directory), "--framework", "kubernetes"]
    command += ["--skip-download", "-o", "json"]
    result = subprocess.run(  # noqa: S603 - fixed executable, our own files
        command, capture_output=True, text=True, check=False, cwd=directory
    )
    report: dict[str, Any] = json.loads(result.stdout)
    findings: Findings = {}
    for outcome in ("passed_checks", "failed_checks", "skipped_checks"):
        for check in report["results"][outcome]:
            per_file = findings.setdefault(Path(check["file_path"]).stem, {})
            per_file.setdefault(outcome, []).append(check)
    return findings


def _assert_clean(findings: dict[str, list[dict[str, Any]]]) -> None:
    failed = [(c["check_id"], c["resource"]) for c in findings.get("failed_checks", [])]
    assert failed == []
    assert len(findings["passed_checks"]) > 100  # the scan really looked at the workloads
    for skipped in findings["skipped_checks"]:
        assert skipped["check_id"] in DOCUMENTED_SKIPS, skipped["check_id"]


def test_checkov_default_render(checkov_findings: Findings) -> None:
    _assert_clean(checkov_findings["default"])


def test_checkov_production_render(checkov_findings: Findings) -> None:
    _assert_clean(checkov_findings["production"])
    skipped = {c["check_id"] for c in checkov_findings["production"]["skipped_checks"]}
    assert "CKV_K8S_43" not in skipped


def test_checkov_fails_an_insecure_pod(checkov_findings: Findings) -> None:
    """Guard against a scan that passes everything: a privileged web pod must fail."""
    failed = {c["check_id"] for c in checkov_findings["insecure"]["failed_checks"]}
    assert {"CKV_K8S_16", "CKV_K8S_20"} <= failed


def test_every_skip_is_documented_in_the_operations_guide() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text()
    for check_id in DOCUMENTED_SKIPS:
        assert re.search(rf"`{check_id}`", guide), check_id
    annotated = set()
    for template in (CHART_DIR / "templates").glob("*"):
        annotated |= set(re.findall(r"checkov\.io/skip\d+: (CKV\w+)=", template.read_text()))
    assert annotated <= set(DOCUMENTED_SKIPS)


def test_kubernetes_validate_is_installed() -> None:
    assert KUBERNETES_VALIDATE.exists() or shutil.which("kubernetes-validate")
