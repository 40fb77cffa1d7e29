"""What an operator relies on beyond the restricted pods: the first-sign-in Job reaches what it
needs through the NetworkPolicies, mail goes out on a port the policy opens, backups have a
volume and a bound retention, the background processes have probes, and the monitoring
resources refer to metrics and runbooks that exist."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml
from chartrender import (
    NAMESPACE,
    RELEASE,
    ROOT,
    Manifest,
    Render,
    by_kind,
    merge,
    pod_labels,
    pod_specs,
)

from casushub.platform.settings import SMTP_DEFAULT_PORTS, Settings
from casushub.workers.heartbeat import heartbeat_path

GUIDE = ROOT / "docs" / "operations.md"


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A NetworkPolicy podSelector (the chart uses matchLabels only) against pod labels."""
    assert set(selector) <= {"matchLabels"}, selector
    match_labels: dict[str, str] = selector.get("matchLabels", {})
    return match_labels.items() <= labels.items()


def _egress_for(manifests: list[Manifest], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Every egress rule that applies to a pod with these labels (policies are additive)."""
    rules: list[dict[str, Any]] = []
    for policy in by_kind(manifests, "NetworkPolicy").values():
        spec = policy["spec"]
        if "Egress" in spec["policyTypes"] and _selects(spec["podSelector"], labels):
            rules.extend(spec.get("egress", []))
    return rules


def _isolated(manifests: list[Manifest], labels: dict[str, str]) -> bool:
    return any(
        "Egress" in p["spec"]["policyTypes"] and _selects(p["spec"]["podSelector"], labels)
        for p in by_kind(manifests, "NetworkPolicy").values()
    )


def _reaches(rules: list[dict[str, Any]], peers: list[dict[str, Any]], port: int) -> bool:
    """Some rule allows TCP ``port`` to exactly these peers."""
    return any(
        rule["to"] == peers
        and any(p["port"] == port and p.get("protocol", "TCP") == "TCP" for p in rule["ports"])
        for rule in rules
    )


def _env(spec: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e for e in spec["containers"][0].get("env", [])}


def _smtp_port(values: dict[str, Any]) -> int:
    extra = values["config"].get("extraEnv", {})
    if "SMTP_PORT" in extra:
        return int(extra["SMTP_PORT"])
    return {"starttls": 587, "tls": 465, "none": 25}[extra.get("SMTP_TLS", "starttls")]


@pytest.mark.parametrize(
    "override",
    [{}, {"config": {"extraEnv": {"SMTP_TLS": "tls", "SMTP_PORT": None}}}],
    ids=["starttls-587", "implicit-tls-465"],
)
def test_bootstrap_job_reaches_database_and_smtp_through_the_policies(
    render: Render, production_values: dict[str, Any], override: dict[str, Any]
) -> None:
    values = merge(production_values, override)
    values["config"]["extraEnv"] = {
        k: v for k, v in values["config"]["extraEnv"].items() if v is not None
    }
    values["networkPolicy"]["egress"]["smtp"]["ports"] = [
        {"port": 587, "protocol": "TCP"},
        {"port": 465, "protocol": "TCP"},
    ]
    manifests = render(values)
    labels = pod_labels(manifests)["Job/casushub-bootstrap"]
    assert labels["app.kubernetes.io/component"] == "bootstrap"
    assert _isolated(manifests, labels), "the default deny must cover the Job"
    rules = _egress_for(manifests, labels)
    egress = values["networkPolicy"]["egress"]
    assert _reaches(rules, egress["database"]["to"], 5432)
    assert _reaches(rules, egress["smtp"]["to"], _smtp_port(values))
    assert any(p["port"] == 53 for rule in rules for p in rule["ports"])
    # Nothing else: no identity providers, no broker beyond the shared rule.
    assert not _reaches(rules, egress["identityProviders"]["to"], 443)
    # The worker (the outbox) gets the same SMTP rule; web and scheduler do not.
    worker = _egress_for(manifests, pod_labels(manifests)["Deployment/casushub-worker"])
    assert _reaches(worker, egress["smtp"]["to"], _smtp_port(values))
    scheduler = _egress_for(manifests, pod_labels(manifests)["Deployment/casushub-scheduler"])
    assert not _reaches(scheduler, egress["smtp"]["to"], _smtp_port(values))


def test_a_pod_without_the_release_labels_gets_no_egress(
    production_manifests: list[Manifest],
) -> None:
    """Guard for the evaluator above: the labels are what open the way."""
    assert _egress_for(production_manifests, {"app": "casushub-setup"}) == []
    assert not _isolated(production_manifests, {"app": "casushub-setup"})


def test_the_guides_admin_job_has_the_labels_the_policies_need(
    production_manifests: list[Manifest], production_values: dict[str, Any]
) -> None:
    (block,) = _guide_blocks("admin-job")
    job = yaml.safe_load(block)
    labels = job["spec"]["template"]["metadata"]["labels"]
    rules = _egress_for(production_manifests, labels)
    assert _reaches(rules, production_values["networkPolicy"]["egress"]["database"]["to"], 5432)
    spec = job["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    container = spec["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"DATABASE_URL", "SECRET_KEY", "ENCRYPTION_KEY"} <= set(_env(spec))


def _guide_blocks(name: str) -> list[str]:
    """Fenced blocks in docs/operations.md marked ``<!-- test: NAME -->`` on the line before."""
    text = GUIDE.read_text()
    pattern = rf"<!-- test: {re.escape(name)} -->\n```\w*\n(.*?)\n```"
    return re.findall(pattern, text, flags=re.DOTALL)


def test_bootstrap_job_takes_the_secret_from_a_secret_and_can_run_again(
    production_manifests: list[Manifest],
) -> None:
    job = by_kind(production_manifests, "Job")["casushub-bootstrap"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    spec = job["spec"]["template"]["spec"]
    env = _env(spec)
    assert env["OIDC_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"] == {
        "name": "casushub-bootstrap",
        "key": "OIDC_CLIENT_SECRET",
    }
    script = spec["containers"][0]["args"][0]
    assert "--secret-env OIDC_CLIENT_SECRET" in script
    for command in ("hubs create", "organisaties create", "gebruikers invite"):
        line = next(line for line in script.splitlines() if command in line)
        following = script[script.index(line) :].split("\n", 2)
        assert "--if-missing" in " ".join(following[:2]), command
    assert "--domain zvh-noord.nl" in script
    assert script.index("casushub db migrate") < script.index("hubs create")


def test_bootstrap_values_are_checked(render: Render, production_values: dict[str, Any]) -> None:
    broken: dict[str, Any]
    for broken in (
        {"bootstrap": {"provider": {"clientSecret": {"secretName": ""}}}},
        {"bootstrap": {"admin": {"email": ""}}},
        {"bootstrap": {"organisation": {"domains": []}}},
        {"bootstrap": {"provider": {"issuer": "http://login.zvh-noord.nl"}}},
    ):
        with pytest.raises(helm_python.HelmError):
            render(merge(production_values, broken))


def test_an_smtp_port_the_policy_does_not_open_is_refused(
    render: Render, default_values: dict[str, Any]
) -> None:
    for extra, port in (({"SMTP_PORT": "25"}, "25"), ({"SMTP_TLS": "none"}, "25")):
        with pytest.raises(helm_python.HelmError) as caught:
            render(merge(default_values, {"config": {"extraEnv": extra}}))
        assert f"SMTP port {port}" in str(caught.value)
    # Opened in the policy, the same port is fine; and without a policy there is nothing to match.
    opened = merge(default_values, {"config": {"extraEnv": {"SMTP_PORT": "25"}}})
    opened["networkPolicy"] = {
        "egress": {"smtp": {"ports": [{"port": 25, "protocol": "TCP"}]}},
    }
    assert render(merge(default_values, opened))
    assert render(
        merge(
            default_values,
            {"config": {"extraEnv": {"SMTP_PORT": "25"}}, "networkPolicy": {"enabled": False}},
        )
    )


def test_the_default_smtp_port_is_one_the_policy_opens(
    default_manifests: list[Manifest], default_values: dict[str, Any]
) -> None:
    opened = {
        p["port"]
        for p in by_kind(default_manifests, "NetworkPolicy")["casushub-worker"]["spec"]["egress"][
            0
        ]["ports"]
    }
    assert SMTP_DEFAULT_PORTS["starttls"] in opened
    assert SMTP_DEFAULT_PORTS["tls"] in opened
    assert Settings().smtp_port in opened
    assert "SMTP_PORT" not in default_values["config"].get("extraEnv", {})


def test_no_broker_egress_unless_a_broker_is_configured(
    default_manifests: list[Manifest],
) -> None:
    for policy in by_kind(default_manifests, "NetworkPolicy").values():
        for rule in policy["spec"].get("egress", []):
            ports = {p["port"] for p in rule["ports"]}
            assert not ports & {5671, 5672, 6379}, policy["metadata"]["name"]
            for peer in rule["to"]:
                cidr = peer.get("ipBlock", {}).get("cidr")
                # The identity providers may be anywhere on the internet (443 only); the
                # database default is documented as "narrow it".
                if cidr == "0.0.0.0/0":
                    assert ports <= {443, 5432, 587, 465}, policy["metadata"]["name"]


def _run_probe(command: list[str], path: Path, real: Path) -> int:
    script = command[2].replace(str(real), str(path))
    return subprocess.run(["/bin/sh", "-c", script], check=False).returncode  # noqa: S603


def test_worker_and_scheduler_probes_read_the_heartbeat_file(
    production_manifests: list[Manifest], tmp_path: Path
) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    found = re.search(r"DATA_DIR=(\S+)", dockerfile)
    assert found, "the Dockerfile sets DATA_DIR"
    data_dir = Path(found.group(1))
    for component in ("worker", "scheduler"):
        deployment = by_kind(production_manifests, "Deployment")[f"casushub-{component}"]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert "checkov.io/skip2" not in deployment["metadata"]["annotations"]
        real = heartbeat_path(Settings(data_dir=data_dir), component)
        for probe, seconds in (("livenessProbe", 180), ("readinessProbe", 60)):
            command = container[probe]["exec"]["command"]
            assert str(real) in command[2], (component, probe)
            assert f"'-{seconds} seconds'" in command[2]
            # The probe itself, run by sh as the kubelet would (on a copy of the path).
            beat = tmp_path / component / probe
            assert _run_probe(command, beat, real) != 0  # no heartbeat yet
            beat.parent.mkdir(parents=True, exist_ok=True)
            beat.touch()
            assert _run_probe(command, beat, real) == 0
            stale = time.time() - seconds - 30
            os.utime(beat, (stale, stale))
            assert _run_probe(command, beat, real) != 0


def test_probes_can_be_switched_off(render: Render, default_values: dict[str, Any]) -> None:
    manifests = render(merge(default_values, {"worker": {"probes": {"enabled": False}}}))
    worker = by_kind(manifests, "Deployment")["casushub-worker"]
    container = worker["spec"]["template"]["spec"]["containers"][0]
    assert "livenessProbe" not in container
    assert "readinessProbe" not in container
    assert worker["metadata"]["annotations"]["checkov.io/skip3"].startswith("CKV_K8S_8=")


def test_backup_cronjob_has_a_volume_and_the_bounded_retention(
    production_manifests: list[Manifest], production_values: dict[str, Any]
) -> None:
    cron = by_kind(production_manifests, "CronJob")["casushub-backup"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    spec = pod_specs(production_manifests)["CronJob/casushub-backup"]
    container = spec["containers"][0]
    assert container["args"] == ["db", "backup", "--dir", "/backup"]
    volume = next(v for v in spec["volumes"] if v["name"] == "backup")
    assert volume["persistentVolumeClaim"]["claimName"] == "casushub-backup"
    env = _env(spec)
    assert env["BACKUP_RETENTION_DAYS"]["value"] == str(
        production_values["backup"]["retentionDays"]
    )
    assert "secretKeyRef" in env["DATABASE_URL"]["valueFrom"]
    # The same retention reaches every process through the ConfigMap.
    (config,) = by_kind(production_manifests, "ConfigMap").values()
    assert config["data"]["BACKUP_RETENTION_DAYS"] == "35"
    # An existing claim is used as is; no claim of the chart's own.
    assert not by_kind(production_manifests, "PersistentVolumeClaim")


def test_backup_claim_is_created_and_kept(render: Render, default_values: dict[str, Any]) -> None:
    manifests = render(merge(default_values, {"backup": {"enabled": True}}))
    (claim,) = by_kind(manifests, "PersistentVolumeClaim").values()
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
    spec = pod_specs(manifests)["CronJob/casushub-backup"]
    assert spec["volumes"][1]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]


def test_migration_job_backs_up_first_on_an_upgrade(
    chart: helm_python.Chart, production_values: dict[str, Any]
) -> None:
    def job(**flags: bool) -> Manifest:
        files = chart.render(production_values, name=RELEASE, namespace=NAMESPACE, **flags)
        docs = [d for text in files.values() for d in yaml.safe_load_all(text) if d]
        return pod_specs(docs)["Job/casushub-migrate"]

    upgrade = job(is_upgrade=True, is_install=False)
    script = upgrade["containers"][0]["args"][0]
    assert script.index("casushub db backup --dir /backup") < script.index("casushub db migrate")
    assert any(v["name"] == "backup" for v in upgrade["volumes"])
    # A first install has nothing to back up (and the claim may not exist yet).
    install = job(is_install=True)
    assert "db backup" not in install["containers"][0]["args"][0]
    assert all(v["name"] != "backup" for v in install["volumes"])


def test_migration_job_can_leave_municipalities_behind(
    render: Render, default_values: dict[str, Any]
) -> None:
    manifests = render(
        merge(
            default_values,
            {
                "migrations": {
                    "continueOnFailure": True,
                    "skipSuspended": True,
                    "skip": ["oostdam", "westwoude"],
                }
            },
        )
    )
    script = pod_specs(manifests)["Job/casushub-migrate"]["containers"][0]["args"][0]
    last = script.strip().splitlines()[-1]
    assert last.startswith("exec casushub tenants migrate --all --wait")
    assert last.endswith("--skip-suspended --skip oostdam --skip westwoude --continue-on-failure")
    plain = pod_specs(render(default_values))["Job/casushub-migrate"]["containers"][0]["args"][0]
    assert "--skip" not in plain
    assert "--continue-on-failure" not in plain


def test_audit_cronjob_uses_the_runtime_role_and_the_fg_claim(
    production_manifests: list[Manifest],
) -> None:
    spec = pod_specs(production_manifests)["CronJob/casushub-audit-verify"]
    container = spec["containers"][0]
    assert container["args"] == ["audit", "verify", "--koppen", "/koppen/koppen.json"]
    names = {e["name"] for e in container["env"]}
    assert "DATABASE_URL" not in names
    assert "APP_DATABASE_URL" in names
    koppen = next(v for v in spec["volumes"] if v["name"] == "koppen")
    assert koppen["persistentVolumeClaim"]["claimName"] == "casushub-fg-koppen"
    cron = by_kind(production_manifests, "CronJob")["casushub-audit-verify"]
    assert cron["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 0


def _metric_names() -> set[str]:
    source = (ROOT / "casushub" / "web" / "metrics.py").read_text()
    names = set(re.findall(r'"(casushub_[a-z_]+)"', source))
    # Request metrics come from Litestar's middleware with the "casushub" prefix.
    return names | {"casushub_requests_total", "casushub_requests_error_total"}


def _anchors() -> set[str]:
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", GUIDE.read_text(), flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_prometheus_rule_alerts_on_what_the_metrics_report(
    production_manifests: list[Manifest],
) -> None:
    (rule,) = by_kind(production_manifests, "PrometheusRule").values()
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    alerts = {r["alert"]: r for group in rule["spec"]["groups"] for r in group["rules"]}
    for needed in (
        "CasushubHousekeepingStale",
        "CasushubHousekeepingNeverRan",
        "CasushubSweepStale",
        "CasushubQueueStuck",
        "CasushubBackupStale",
        "CasushubAuditChainBroken",
        "CasushubTenantsBehind",
        "CasushubDatabaseDown",
    ):
        assert needed in alerts, needed
    known = _metric_names()
    anchors = _anchors()
    for name, alert in alerts.items():
        for metric in re.findall(r"\b(casushub_[a-z_]+)\b", alert["expr"]):
            assert metric in known, (name, metric)
        assert 'namespace="casushub"' in alert["expr"], name
        runbook = alert["annotations"].get("runbook", "")
        if runbook:
            anchor = runbook.partition("#")[2]
            assert anchor in anchors, (name, anchor)
    assert "housekeeping.tenant" in alerts["CasushubHousekeepingStale"]["expr"]
    assert 'kind="db.backup"' in alerts["CasushubBackupStale"]["expr"]
    assert "casushub-audit-verify" in alerts["CasushubAuditChainBroken"]["expr"]


def test_service_monitor_scrapes_the_web_service_with_the_token(
    production_manifests: list[Manifest],
) -> None:
    (monitor,) = by_kind(production_manifests, "ServiceMonitor").values()
    (service,) = by_kind(production_manifests, "Service").values()
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    assert endpoint["authorization"] == {
        "type": "Bearer",
        "credentials": {"name": "casushub-runtime", "key": "METRICS_TOKEN"},
    }


def test_monitoring_resources_are_optional(default_manifests: list[Manifest]) -> None:
    kinds = {m["kind"] for m in default_manifests}
    assert not kinds & {"ServiceMonitor", "PrometheusRule", "CronJob", "PersistentVolumeClaim"}
    assert "Job/casushub-bootstrap" not in pod_specs(default_manifests)


@pytest.mark.parametrize("source", ["secretName", "configMapName"])
def test_ca_bundle_is_mounted_in_web_and_named_in_the_config(
    render: Render, default_values: dict[str, Any], source: str
) -> None:
    manifests = render(
        merge(default_values, {"oidc": {"caBundle": {source: "gemeente-ca", "key": "ca.pem"}}})
    )
    (config,) = by_kind(manifests, "ConfigMap").values()
    assert config["data"]["OIDC_CA_BUNDLE"] == "/etc/casushub/oidc-ca/ca.pem"
    web = pod_specs(manifests)["Deployment/casushub-web"]
    mount = next(m for m in web["containers"][0]["volumeMounts"] if m["name"] == "oidc-ca")
    assert mount == {"name": "oidc-ca", "mountPath": "/etc/casushub/oidc-ca", "readOnly": True}
    volume = next(v for v in web["volumes"] if v["name"] == "oidc-ca")
    kind = "secret" if source == "secretName" else "configMap"
    assert volume[kind]["items"] == [{"key": "ca.pem", "path": "ca.pem"}]
    for name, spec in pod_specs(manifests).items():
        if name != "Deployment/casushub-web":
            assert all(v["name"] != "oidc-ca" for v in spec["volumes"]), name
    (default_config,) = by_kind(render(default_values), "ConfigMap").values()
    assert "OIDC_CA_BUNDLE" not in default_config["data"]


def test_the_owner_role_reaches_the_workers_only_when_chosen(
    render: Render, default_values: dict[str, Any]
) -> None:
    def owner_in(manifests: list[Manifest]) -> set[str]:
        return {name for name, spec in pod_specs(manifests).items() if "DATABASE_URL" in _env(spec)}

    assert owner_in(render(default_values)) == {"Job/casushub-migrate"}
    chosen = render(merge(default_values, {"worker": {"ownerRole": True}}))
    assert owner_in(chosen) == {"Job/casushub-migrate", "Deployment/casushub-worker"}
    worker = _env(pod_specs(chosen)["Deployment/casushub-worker"])
    assert worker["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "casushub-migration"
    with pytest.raises(helm_python.HelmError):
        render(merge(default_values, {"scheduler": {"ownerRole": True}}))


def test_every_process_runs_in_dutch_time(production_manifests: list[Manifest]) -> None:
    (config,) = by_kind(production_manifests, "ConfigMap").values()
    assert config["data"]["TZ"] == "Europe/Amsterdam"
