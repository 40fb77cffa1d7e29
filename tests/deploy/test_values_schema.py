"""values.schema.json refuses wrong types and missing required values before anything renders."""

from __future__ import annotations

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
