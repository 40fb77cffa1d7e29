"""values.schema.json refuses wrong types and missing required values before anything renders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import helm_python
import pytest
from chartrender import Render, merge


def _refused(render: Render, values: dict[str, Any]) -> str:
    with pytest.raises(helm_python.HelmError) as caught:
        render(values)
    return str(caught.value)


def test_chart_defaults_alone_are_refused(render: Render) -> None:
    """No image, no URL, no Secret names: an install without them must not render."""
    message = _refused(render, {})
    assert "/image/repository" in message
    assert "/config/baseUrl" in message
    assert "/secrets/runtime/name" in message
    assert "/secrets/migration/name" in message


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ({"web": {"replicas": "3"}}, "/web/replicas"),
        ({"worker": {"autoscaling": {"maxReplicas": "10"}}}, "/worker/autoscaling/maxReplicas"),
        ({"image": {"repository": ""}}, "/image/repository"),
        ({"image": {"tag": 1.2}}, "/image/tag"),
        ({"image": {"tag": "", "digest": ""}}, "anyOf"),
        ({"image": {"digest": "sha256:nothex"}}, "/image/digest"),
        ({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
        ({"config": {"baseUrl": "casushub.example.nl"}}, "/config/baseUrl"),
        ({"config": {"logJson": "yes"}}, "/config/logJson"),
        ({"config": {"dbRolePrefix": "Casus-Hub"}}, "/config/dbRolePrefix"),
        ({"secrets": {"runtime": {"name": ""}}}, "/secrets/runtime/name"),
        ({"secrets": {"runtime": {"password": "hunter2"}}}, "additional properties"),
        ({"migrations": {"mode": "sometimes"}}, "/migrations/mode"),
        ({"migrations": {"concurrency": 0}}, "/migrations/concurrency"),
        ({"ingress": {"enabled": True, "host": "casushub.example.nl"}}, "secretName"),
        ({"ingress": {"enabled": True, "tls": {"secretName": "tls"}}}, "/ingress/host"),
        ({"web": {"resources": {"limits": None}}}, "limits"),
        ({"web": {"pdb": {"enabled": True, "maxUnavailable": 1}}}, "/web/pdb"),
        ({"securityContext": {"runAsUser": 0}}, "/securityContext/runAsUser"),
        ({"networkPolicy": {"egress": {"database": {"to": []}}}}, "/networkPolicy/egress"),
        ({"replicas": 2}, "additional properties"),
    ],
)
def test_bad_values_are_refused(
    render: Render, default_values: dict[str, Any], override: dict[str, Any], path: str
) -> None:
    message = _refused(render, merge(default_values, override))
    assert path in message, message


def test_good_variants_are_accepted(render: Render, default_values: dict[str, Any]) -> None:
    digest = "sha256:" + "a" * 64
    for override in (
        {"image": {"tag": "", "digest": digest}},
        {"web": {"pdb": {"enabled": True, "minAvailable": "50%"}}},
        {"config": {"extraEnv": {"SMTP_PORT": 587, "SMTP_TLS": "starttls"}}},
        {"ingress": {"enabled": True, "host": "a.example.nl", "tls": {"secretName": "t"}}},
    ):
        assert render(merge(default_values, override))


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        # The misspelling that sent mail as noreply@localhost: the code reads MAIL_FROM.
        ({"config": {"extraEnv": {"SMTP_FROM": "ZVH <noreply@zvh.nl>"}}}, "SMTP_FROM"),
        ({"config": {"extraEnv": {"MAIL_FORM": "x"}}}, "MAIL_FORM"),
        # Set by the chart or a Secret, never as plain configuration.
        ({"config": {"extraEnv": {"SECRET_KEY": "x" * 40}}}, "SECRET_KEY"),
        ({"config": {"extraEnv": {"CASUSHUB_ENV": "test"}}}, "CASUSHUB_ENV"),
        ({"secrets": {"runtime": {"optionalKeys": {"SMTP_PASWORD": "p"}}}}, "SMTP_PASWORD"),
        (
            {"networkPolicy": {"egress": {"broker": {"enabled": True, "to": []}}}},
            "/networkPolicy/egress/broker",
        ),
        (
            {
                "networkPolicy": {
                    "egress": {
                        "broker": {"enabled": True, "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}
                    }
                }
            },
            "/networkPolicy/egress/broker",
        ),
        ({"backup": {"retentionDays": 91}}, "/backup/retentionDays"),
        ({"backup": {"retentionDays": 0}}, "/backup/retentionDays"),
        ({"backup": {"schedule": "elke nacht"}}, "/backup/schedule"),
        ({"auditVerify": {"enabled": True}}, "/auditVerify/koppen/existingClaim"),
        ({"migrations": {"backupFirst": True}}, "/backup/enabled"),
        ({"migrations": {"skip": ["Oost-Dam"]}}, "/migrations/skip"),
        ({"bootstrap": {"enabled": True}}, "/bootstrap"),
        (
            {"oidc": {"caBundle": {"secretName": "a", "configMapName": "b"}}},
            "/oidc/caBundle",
        ),
        ({"metrics": {"serviceMonitor": {"enabled": True}}}, "/metrics/serviceMonitor"),
    ],
)
def test_operator_mistakes_are_refused(
    render: Render, default_values: dict[str, Any], override: dict[str, Any], fragment: str
) -> None:
    message = _refused(render, merge(default_values, override))
    assert fragment in message, message


ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "helm" / "casushub" / "values.schema.json").read_text())
# Set by the chart from its own values (config.*, backup.retentionDays, oidc.caBundle).
CHART_SET = {
    "CASUSHUB_ENV",
    "BASE_URL",
    "LOG_LEVEL",
    "LOG_JSON",
    "DB_ROLE_PREFIX",
    "DB_POOL_SIZE",
    "FORCE_HTTPS",
    "FORWARDED_ALLOW_IPS",
    "BACKUP_RETENTION_DAYS",
    "OIDC_CA_BUNDLE",
}
# Set by the image (Dockerfile ENV) or only meaningful in development.
IMAGE_OR_DEVELOPMENT = {"DATA_DIR", "CASUSHUB_MIGRATIONS", "PG_BIN_DIR", "DEV_IDP_PORT"}


def _names_read_by_the_code() -> set[str]:
    names: set[str] = set()
    reader = re.compile(r'(?:_env(?:_int|_bool)?|os\.environ\.get|getenv)\(\s*"([A-Z][A-Z0-9_]+)"')
    for path in (ROOT / "casushub").rglob("*.py"):
        if "devserver" in path.name or "devidp" in path.name or "devdb" in path.name:
            continue  # `make dev` only: sets variables for itself
        names |= set(reader.findall(path.read_text()))
    return names


def test_the_schemas_variable_names_are_those_the_code_reads() -> None:
    extra = set(SCHEMA["properties"]["config"]["properties"]["extraEnv"]["propertyNames"]["enum"])
    secret = set(
        SCHEMA["properties"]["secrets"]["properties"]["runtime"]["properties"]["keys"][
            "propertyNames"
        ]["enum"]
    )
    code = _names_read_by_the_code()
    assert "MAIL_FROM" in code
    assert "SMTP_FROM" not in code
    # Nothing the schema offers is ignored by the code ...
    assert extra <= code, extra - code
    assert secret <= code, secret - code
    # ... and everything the code reads can be set somewhere.
    assert code <= extra | secret | CHART_SET | IMAGE_OR_DEVELOPMENT, code - (
        extra | secret | CHART_SET | IMAGE_OR_DEVELOPMENT
    )
    assert not extra & (secret | CHART_SET)


def test_every_variable_in_the_readme_table_is_read_by_the_code() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", table, flags=re.MULTILINE))
    documented |= set(re.findall(r"^\| `[A-Z_]+` / `([A-Z][A-Z0-9_]+)`", table, flags=re.M))
    # uvicorn reads FORWARDED_ALLOW_IPS itself; DEV_IDP_PORT is read by `make dev` only.
    code = _names_read_by_the_code() | {"DEV_IDP_PORT", "FORWARDED_ALLOW_IPS"}
    assert documented <= code, documented - code
    for name in ("MAIL_FROM", "BACKUP_RETENTION_DAYS", "OIDC_CA_BUNDLE", "SMTP_PORT"):
        assert name in documented, name
