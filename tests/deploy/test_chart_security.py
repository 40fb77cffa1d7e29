"""What the chart promises: restricted pods, no secret values, the right shape per component."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from chartrender import Manifest, Render, by_kind, merge, pod_labels, pod_specs

WORKLOADS = {
    "Deployment/casushub-web",
    "Deployment/casushub-worker",
    "Deployment/casushub-scheduler",
    "Job/casushub-migrate",
}
# The production example also switches on the first-sign-in Job, backups and the audit check.
PRODUCTION_WORKLOADS = WORKLOADS | {
    "Job/casushub-bootstrap",
    "CronJob/casushub-backup",
    "CronJob/casushub-audit-verify",
}
# Besides the emptyDir on /tmp, the only other mounts: the backup volume (the backup CronJob),
# the FG's heads file (the audit check) and the identity providers' CA bundle (web, read-only).
EXTRA_MOUNTS = {
    "CronJob/casushub-backup": ["/backup"],
    "CronJob/casushub-audit-verify": ["/koppen"],
    "Deployment/casushub-web": ["/etc/casushub/oidc-ca"],
}
# One-off administration pods that need the owner role; never a long-running Deployment.
OWNER_PODS = {"Job/casushub-migrate", "Job/casushub-bootstrap", "CronJob/casushub-backup"}


@pytest.fixture(params=["default", "production"])
def manifests(
    request: pytest.FixtureRequest,
    default_manifests: list[Manifest],
    production_manifests: list[Manifest],
) -> list[Manifest]:
    return default_manifests if request.param == "default" else production_manifests


def test_every_workload_is_rendered(
    default_manifests: list[Manifest], production_manifests: list[Manifest]
) -> None:
    assert set(pod_specs(default_manifests)) == WORKLOADS
    assert set(pod_specs(production_manifests)) == PRODUCTION_WORKLOADS


def test_every_pod_is_restricted(manifests: list[Manifest]) -> None:
    for name, spec in pod_specs(manifests).items():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] >= 10000, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        assert not spec.get("hostNetwork"), name
        assert not spec.get("hostPID"), name
        for volume in spec.get("volumes", []):
            assert "hostPath" not in volume, name
        for container in spec["containers"] + spec.get("initContainers", []):
            sc = container["securityContext"]
            assert sc["runAsNonRoot"] is True, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["privileged"] is False, name
            assert sc["capabilities"] == {"drop": ["ALL"]}, name
            assert "add" not in sc["capabilities"], name
            assert sc["seccompProfile"] == {"type": "RuntimeDefault"}, name
            resources = container["resources"]
            assert set(resources["requests"]) >= {"cpu", "memory"}, name
            assert set(resources["limits"]) >= {"cpu", "memory"}, name
            # The one writable place of the image is an emptyDir on /tmp.
            mounts = [m["mountPath"] for m in container["volumeMounts"]]
            assert mounts[0] == "/tmp", name  # noqa: S108 - a path in a manifest, not a temp file
            assert mounts[1:] in ([], EXTRA_MOUNTS.get(name)), (name, mounts)
            tmp = next(v for v in spec["volumes"] if v["name"] == "tmp")
            assert tmp["emptyDir"] == {"sizeLimit": "256Mi"}, name
            for mount in container["volumeMounts"]:
                if mount["mountPath"] == "/etc/casushub/oidc-ca":
                    assert mount["readOnly"] is True, name


def test_service_account_token_is_never_mounted(manifests: list[Manifest]) -> None:
    (account,) = by_kind(manifests, "ServiceAccount").values()
    assert account["automountServiceAccountToken"] is False
    assert not by_kind(manifests, "Role")
    assert not by_kind(manifests, "RoleBinding")


def test_web_probes_hit_healthz_and_readyz(manifests: list[Manifest]) -> None:
    (container,) = pod_specs(manifests)["Deployment/casushub-web"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    # The pod's own address: Kubernetes routes to it; the NetworkPolicy limits who may connect.
    assert container["args"][:5] == ["serve", "--host", "0.0.0.0", "--port", "8000"]  # noqa: S104
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert container["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep"


def test_no_secret_value_is_rendered(manifests: list[Manifest]) -> None:
    """Secrets are only referenced; the chart renders no Secret and no secret literal."""
    assert not by_kind(manifests, "Secret")
    (config,) = by_kind(manifests, "ConfigMap").values()
    for key in config["data"]:
        assert not any(word in key for word in ("PASSWORD", "SECRET", "KEY", "TOKEN")), key
        assert key not in {"DATABASE_URL", "APP_DATABASE_URL", "BROKER_URL"}, key
    secret_like = ("DATABASE_URL", "SECRET_KEY", "ENCRYPTION_KEY", "PASSWORD", "TOKEN", "BROKER")
    for name, spec in pod_specs(manifests).items():
        for env in spec["containers"][0].get("env", []):
            if any(word in env["name"] for word in secret_like):
                assert "value" not in env, (name, env["name"])
                assert "secretKeyRef" in env["valueFrom"], (name, env["name"])


def test_owner_database_url_only_reaches_the_administration_pods(
    manifests: list[Manifest],
) -> None:
    for name, spec in pod_specs(manifests).items():
        names = {env["name"] for env in spec["containers"][0].get("env", [])}
        assert ("DATABASE_URL" in names) == (name in OWNER_PODS), name
        assert not (name.startswith("Deployment/") and "DATABASE_URL" in names), name
        assert "SECRET_KEY" in names, name
        assert "APP_DATABASE_URL" in names, name


def test_scheduler_is_a_single_recreated_replica(manifests: list[Manifest]) -> None:
    scheduler = by_kind(manifests, "Deployment")["casushub-scheduler"]
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"] == {"type": "Recreate"}
    assert "casushub-scheduler" not in by_kind(manifests, "HorizontalPodAutoscaler")
    assert "casushub-scheduler" not in by_kind(manifests, "PodDisruptionBudget")
    (container,) = scheduler["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["scheduler"]


def test_web_and_worker_autoscale_with_a_disruption_budget(manifests: list[Manifest]) -> None:
    deployments = by_kind(manifests, "Deployment")
    hpas = by_kind(manifests, "HorizontalPodAutoscaler")
    pdbs = by_kind(manifests, "PodDisruptionBudget")
    for component in ("web", "worker"):
        name = f"casushub-{component}"
        assert hpas[name]["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        # With an HPA the Deployment leaves replicas alone, or every upgrade would reset it.
        assert "replicas" not in deployments[name]["spec"]
        selector = pdbs[name]["spec"]["selector"]["matchLabels"]
        assert selector == deployments[name]["spec"]["selector"]["matchLabels"]
    worker = deployments["casushub-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["args"] == ["worker"]


def test_replicas_are_set_when_autoscaling_is_off(render: Render, default_values: Any) -> None:
    values = merge(
        default_values,
        {"web": {"autoscaling": {"enabled": False}, "replicas": 3}},
    )
    manifests = render(values)
    assert by_kind(manifests, "Deployment")["casushub-web"]["spec"]["replicas"] == 3
    assert "casushub-web" not in by_kind(manifests, "HorizontalPodAutoscaler")


def test_migration_job_is_a_pre_install_and_pre_upgrade_hook(manifests: list[Manifest]) -> None:
    job = by_kind(manifests, "Job")["casushub-migrate"]
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "hook-succeeded" not in annotations["helm.sh/hook-delete-policy"]
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    script = spec["containers"][0]["args"][0]
    platform_at = script.index("casushub db migrate")
    tenants_at = script.index("casushub tenants migrate --all --wait --concurrency")
    assert platform_at < tenants_at
    # The ConfigMap does not exist yet during pre-install: configuration is inline.
    env = {e["name"]: e for e in spec["containers"][0]["env"]}
    assert env["BASE_URL"]["value"].startswith("https://")
    assert "envFrom" not in spec["containers"][0]


def test_migration_job_can_be_a_plain_job(render: Render, production_values: Any) -> None:
    manifests = render(merge(production_values, {"migrations": {"mode": "job"}}))
    (job,) = _migration_jobs(manifests)
    assert "helm.sh/hook" not in job["metadata"].get("annotations", {})
    assert job["metadata"]["name"].startswith("casushub-migrate-")
    # A new image gets a new Job (Jobs are immutable); the same image keeps its name.
    newer = render(merge(production_values, {"migrations": {"mode": "job"}, "image": {"tag": "2"}}))
    (newer_job,) = _migration_jobs(newer)
    assert newer_job["metadata"]["name"] != job["metadata"]["name"]
    again = render(merge(production_values, {"migrations": {"mode": "job"}}))
    assert [m["metadata"]["name"] for m in _migration_jobs(again)] == [job["metadata"]["name"]]


def _migration_jobs(manifests: list[Manifest]) -> list[Manifest]:
    return [
        job
        for job in by_kind(manifests, "Job").values()
        if job["metadata"]["labels"]["app.kubernetes.io/component"] == "migrate"
    ]


def test_migration_job_can_be_switched_off(render: Render, default_values: Any) -> None:
    manifests = render(merge(default_values, {"migrations": {"enabled": False}}))
    assert not by_kind(manifests, "Job")


def test_configuration_change_rolls_the_pods(render: Render, default_values: Any) -> None:
    def checksum(values: Any) -> str:
        web = by_kind(render(values), "Deployment")["casushub-web"]
        return str(web["spec"]["template"]["metadata"]["annotations"]["checksum/config"])

    assert checksum(default_values) != checksum(
        merge(default_values, {"config": {"logLevel": "DEBUG"}})
    )


def test_network_policy_denies_by_default(manifests: list[Manifest]) -> None:
    policies = by_kind(manifests, "NetworkPolicy")
    deny = policies["casushub-default-deny"]["spec"]
    assert deny["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in deny
    assert "egress" not in deny
    release = {"app.kubernetes.io/name": "casushub", "app.kubernetes.io/instance": "casushub"}
    assert deny["podSelector"]["matchLabels"] == release
    # Every workload's pods are covered by the default deny.
    labelled = pod_labels(manifests)
    assert set(labelled) == set(pod_specs(manifests))
    for name, labels in labelled.items():
        assert release.items() <= labels.items(), name


def test_network_policy_allows_only_what_is_needed(manifests: list[Manifest]) -> None:
    policies = by_kind(manifests, "NetworkPolicy")
    # Ingress: only to web, only on its port.
    ingress_rules = [
        (name, rule) for name, p in policies.items() for rule in p["spec"].get("ingress", [])
    ]
    assert {name for name, _ in ingress_rules} == {"casushub-web"}
    for _, rule in ingress_rules:
        assert rule["from"], "an empty 'from' would admit everyone"
        assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
    # Egress: DNS and database for all, the broker only where one is configured (production
    # example: RabbitMQ); identity providers for web; SMTP for worker (and bootstrap).
    every = policies["casushub-egress"]["spec"]["egress"]
    ports = [{p["port"] for p in rule["ports"]} for rule in every]
    assert ports[0] == {53}
    assert ports[1] == {5432}
    if "casushub-bootstrap" in policies:  # the production example
        assert ports[2] == {5671}
        assert every[2]["to"] == [{"ipBlock": {"cidr": "10.20.31.0/28"}}]
    else:  # the default: the PostgreSQL broker, no broker rule at all
        assert len(every) == 2
    web_egress = policies["casushub-web"]["spec"]["egress"]
    assert [{p["port"] for p in r["ports"]} for r in web_egress] == [{443}]
    worker_egress = policies["casushub-worker"]["spec"]["egress"]
    assert {587} <= {p["port"] for p in worker_egress[0]["ports"]}
    for policy in policies.values():
        for rule in policy["spec"].get("egress", []):
            assert rule["to"], "an empty 'to' would allow every destination"
            assert rule["ports"], "an empty 'ports' would allow every port"


def test_production_egress_keeps_private_ranges_closed(
    production_manifests: list[Manifest],
) -> None:
    web = by_kind(production_manifests, "NetworkPolicy")["casushub-web"]["spec"]["egress"][0]
    (peer,) = web["to"]
    # The private ranges the chart closes are IPv4 (so is the database's address).
    excluded = [ipaddress.IPv4Network(c) for c in peer["ipBlock"]["except"]]
    assert ipaddress.IPv4Network("10.20.30.1/32").subnet_of(excluded[0])  # the database range
    database = by_kind(production_manifests, "NetworkPolicy")["casushub-egress"]["spec"]
    assert database["egress"][1]["to"] == [{"ipBlock": {"cidr": "10.20.30.0/28"}}]


def test_ingress_terminates_tls(production_manifests: list[Manifest]) -> None:
    (ingress,) = by_kind(production_manifests, "Ingress").values()
    assert ingress["spec"]["tls"] == [
        {"hosts": ["casushub.zvh-noord.nl"], "secretName": "casushub-tls"}
    ]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "casushub.zvh-noord.nl"
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "casushub-web"


def test_network_policy_can_be_switched_off(render: Render, default_values: Any) -> None:
    manifests = render(merge(default_values, {"networkPolicy": {"enabled": False}}))
    assert not by_kind(manifests, "NetworkPolicy")


def test_image_reference(
    default_manifests: list[Manifest], production_manifests: list[Manifest]
) -> None:
    images = {
        c["image"] for spec in pod_specs(default_manifests).values() for c in spec["containers"]
    }
    assert images == {"registry.example.nl/casushub/casushub:0.2.0"}
    pinned = {
        c["image"] for spec in pod_specs(production_manifests).values() for c in spec["containers"]
    }
    (image,) = pinned
    assert image.startswith("registry.example.nl/casushub/casushub:0.2.0@sha256:")
