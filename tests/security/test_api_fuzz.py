"""schemathesis against the admin API's own OpenAPI schema, on the real app in-process (ASGI).

Every operation under ``/api/v1`` with positive and negative (schema-violating) input, then
the stateful run over the links schemathesis infers from the response schemas (a created
organisation's ``id`` feeding the operations that take an ``organisation_id``), and an
``OPTIONS`` request per operation. Checks: no 5xx, the response body matches the documented
schema, the status code and the content type are documented, a body the schema allows is
accepted (``positive_data_acceptance``: refused only for what exists, 404/409, never as
invalid input), and ``Allow`` names exactly the documented methods. The run uses its own
database (it creates organisations and invitations and may deactivate users) with one
municipality, and a bearer token of that hub.
"""

from __future__ import annotations

import os
import uuid
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
    allow_header_conformance,
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from casushub.crosstenant.onboarding import GemeenteAanmelding, meld_gemeente_aan
from casushub.platform.database import create_admin_engine
from casushub.platform.hub.api_tokens import maak_token
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.models import Hub
from casushub.platform.registry import create_hub
from casushub.platform.settings import Settings
from casushub.web.app import create_app
from casushub.workers.broker import configure

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    positive_data_acceptance,
    allow_header_conformance,
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
    # Onboarding sends a job: to this database's own PostgreSQL broker, as a deployment does
    # (without it the send would retry against whatever broker the process had before).
    configure(settings)
    return {"settings": settings, "token": token, "tenant": tenant}


def _schema(fuzz_target: dict[str, Any]) -> Any:
    app = create_app(fuzz_target["settings"])
    schema = schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", app)
    return schema.include(path_regex=API_PATHS)


def _uitdrukbaar(case: Any, counts: Counter[str]) -> bool:
    """False for the one rule of a valid body that JSON Schema cannot state: the end of the
    processor agreement after its start (test_inexpressible_rule_refused_in_dutch covers it)."""
    body = case.body if isinstance(case.body, dict) else {}
    start, eind = body.get("verwerkersovereenkomst_start"), body.get("verwerkersovereenkomst_eind")
    # ISO dates with four-digit years (format: date) compare as text.
    if isinstance(start, str) and isinstance(eind, str) and eind <= start:
        counts["einddatum vóór ingangsdatum overgeslagen"] += 1
        return False
    return True


def _run(operation: Any, mode: Any, headers: dict[str, str], counts: Counter[str]) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        strategy = strategy.filter(lambda case: _uitdrukbaar(case, counts))

    @given(case=strategy)
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
    for operation in operations:
        # OPTIONS on each operation's resource: Allow must name its documented methods.
        case = operation.Case(
            path_parameters={p.name: str(uuid.uuid4()) for p in operation.path_parameters}
        )
        case.method = "OPTIONS"
        response = case.call(headers=headers)
        counts[f"OPTIONS {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error, allow_header_conformance])
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
            failures.append(f"OPTIONS {operation.path}: {exc}"[:3000])
    print(f"\nschemathesis (stateless): {len(operations)} operations, {dict(counts)}")
    assert not failures, "\n\n".join(failures)
    # Each operation answered its OPTIONS, and positive input reached every operation.
    assert counts["OPTIONS 204"] == len(operations), dict(counts)
    assert counts["positive"] >= len(operations), dict(counts)


def test_api_stateful(fuzz_target: dict[str, Any]) -> None:
    schema = _schema(fuzz_target)
    token = fuzz_target["token"]
    counts: Counter[str] = Counter()
    base = schema.as_state_machine()

    class ApiMachine(base):  # type: ignore[misc, valid-type]  # a class built at run time
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


async def test_inexpressible_rule_refused_in_dutch(fuzz_target: dict[str, Any]) -> None:
    """The rule the schema cannot state is refused as invalid input, in Dutch, per field."""
    from litestar.testing import AsyncTestClient

    body = {
        "naam": "Gemeente Volgorde",
        "gemeentecode": "6299",
        "slug": "volgorde",
        "contactpunt_functie": "de burgemeester",
        "contactpunt_postadres": "Postbus 1",
        "contactpunt_email": "cp@volgorde.test",
        "verwerkersovereenkomst": "VO-1",
        "verwerkersovereenkomst_start": "2026-01-01",
        "verwerkersovereenkomst_eind": "2025-12-31",
        "situatie": "zvh",
    }
    headers = {"Authorization": f"Bearer {fuzz_target['token']}"}
    async with AsyncTestClient(create_app(fuzz_target["settings"])) as client:
        response = await client.post("/api/v1/tenants", json=body, headers=headers)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["fouten"] == {
            "verwerkersovereenkomst_eind": "De einddatum moet na de ingangsdatum liggen."
        }
        # Unknown fields and every invalid field at once, each with its Dutch rule.
        response = await client.post(
            "/api/v1/tenants", json={**body, "slug": "X", "extra": 1}, headers=headers
        )
        assert response.status_code == 422
        fouten = response.json()["fouten"]
        assert fouten["extra"] == "Onbekend veld: laat het weg."
        assert fouten["slug"].startswith("Korte naam")
        assert set(fouten) == {"extra", "slug"}
