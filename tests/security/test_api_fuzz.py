"""schemathesis against the admin API's own OpenAPI schema, on the real app in-process (ASGI).

Every operation under ``/api/v1`` with positive and negative (schema-violating) input, then
the stateful run over the links schemathesis infers from the response schemas (a created
organisation's ``id`` feeding the operations that take an ``organisation_id``). Checks: no 5xx,
the response body matches the documented schema, the status code and the content type are
documented. The run uses its own database (it creates organisations and invitations and may
deactivate users) with one municipality, and a bearer token of that hub.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from casushub.platform.database import create_admin_engine
from casushub.platform.hub.api_tokens import maak_token
from casushub.platform.hub.onboarding import GemeenteAanmelding, meld_gemeente_aan
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.models import Hub
from casushub.platform.registry import create_hub
from casushub.platform.settings import Settings
from casushub.web.app import create_app

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# Bounded so the whole file runs in about a minute on two cores; make test-long may raise it.
EXAMPLES = int(os.environ.get("CASUSHUB_API_FUZZ_EXAMPLES", "12"))
STATEFUL_EXAMPLES = int(os.environ.get("CASUSHUB_API_FUZZ_STATEFUL", "8"))
API_PATHS = r"^/api/v1/(?!schema)"


def _settings(examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,  # no example database written into the working tree
        derandomize=True,  # the same cases every run: a failure is reproducible
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )


@pytest.fixture
async def fuzz_target(database_factory: Any) -> dict[str, Any]:
    settings: Settings = await database_factory()
    engine = create_admin_engine(settings)
    try:
        await create_hub(engine, slug="fuzzhub", name="Fuzzhub")
        async with engine.connect() as conn:
            hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == "fuzzhub"))).scalar_one()
        tenant = await meld_gemeente_aan(
            engine,
            settings,
            hub_id,
            GemeenteAanmelding(
                naam="Gemeente Fuzz",
                gemeentecode="6201",
                slug="fuzz6201",
                contactpunt_functie="de burgemeester",
                contactpunt_postadres="Postbus 1",
                contactpunt_email="cp@fuzz.test",
                verwerkersovereenkomst="VWO-FUZZ",
                verwerkersovereenkomst_start=date(2025, 7, 1),
                verwerkersovereenkomst_eind=None,
                situatie="zvh",
            ),
        )
        async with engine.begin() as conn:
            await create_organisation(
                conn,
                slug="fuzzpolitie",
                name="Politie Fuzz",
                type="politie",
                email_domains=["politie-fuzz.test"],
                hub_id=hub_id,
            )
            _, token = await maak_token(conn, hub_id, "fuzz", 1, None)
    finally:
        await engine.dispose()
    return {"settings": settings, "token": token, "tenant": tenant}


def _schema(fuzz_target: dict[str, Any]) -> Any:
    app = create_app(fuzz_target["settings"])
    schema = schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", app)
    return schema.include(path_regex=API_PATHS)


def _run(operation: Any, mode: Any, headers: dict[str, str], counts: Counter[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @_settings(EXAMPLES)
    def run(case: Any) -> None:
        counts[f"{mode.value}"] += 1
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        counts[f"status {response.status_code}"] += 1

    run()


def test_every_api_operation_fuzzed(fuzz_target: dict[str, Any]) -> None:
    schema = _schema(fuzz_target)
    headers = {"Authorization": f"Bearer {fuzz_target['token']}"}
    counts: Counter[str] = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12, [o.label for o in operations]
    # The schema describes the admin API and nothing else (no screen routes), with its token.
    raw = schema.raw_schema
    assert all(path.startswith("/api/v1/") for path in raw["paths"]), sorted(raw["paths"])
    assert raw["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, headers, counts)
            except hypothesis.errors.Unsatisfiable:
                # No parameter and no body (a plain list): there is no input to break.
                counts["zonder negatieve invoer"] += 1
            # schemathesis reports a FailureGroup (a BaseExceptionGroup): collect it per
            # operation and mode, so one run shows every operation's findings.
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
                failures.append(f"{operation.label} ({mode.value}): {exc}"[:3000])
    print(f"\nschemathesis (stateless): {len(operations)} operations, {dict(counts)}")
    assert not failures, "\n\n".join(failures)


def test_api_stateful(fuzz_target: dict[str, Any]) -> None:
    schema = _schema(fuzz_target)
    token = fuzz_target["token"]
    counts: Counter[str] = Counter()
    base = schema.as_state_machine()

    class ApiMachine(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            counts[case.operation.label] += 1
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    ApiMachine.run(settings=_settings(STATEFUL_EXAMPLES))
    print(f"\nschemathesis (stateful): {sum(counts.values())} calls, {dict(counts)}")
    assert sum(counts.values()) > 0
