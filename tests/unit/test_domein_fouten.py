"""One vocabulary of domain refusals (casushub.platform.fouten), mapped to HTTP once
(casushub.web.errors): a handler that lets a refusal pass answers with the same 403/404/422 and
Dutch message as the per-handler conversions did, a Dutch page on the screens and
problem+json under /api; the refusal log sees them as 403/404."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.testing import TestClient

from casushub.crosstenant.onboarding import OnboardingInvalid
from casushub.platform.fouten import DomeinFout, GeenToegang, NietGevonden, RegelFout, RegelFouten
from casushub.platform.hub.huisstijl import HuisstijlGeweigerd
from casushub.platform.identity.access import AccessDenied, InstructionsNotAccepted
from casushub.platform.identity.deactivation import DeactivationRefused
from casushub.platform.identity.memberships import GrantRefused
from casushub.platform.registry import RegistryError
from casushub.platform.theming import ThemeColorRefused
from casushub.tenants.casus.bestandstypen import OngeldigBestand
from casushub.tenants.casus.errors import GeenToegang as CasusGeenToegang
from casushub.tenants.exports.rules import ExportGeweigerd
from casushub.tenants.overgang.formaat import BestandFout
from casushub.tenants.verzoeken.rules import VerzoekRegelFout
from casushub.tenants.verzoeken.schemas import Invoerfouten
from casushub.tenants.verzoeken.verzoek import VerzoekGeenToegang, VerzoekNietGevonden
from casushub.web.app import WEB_DIR, _template_globals
from casushub.web.errors import exception_handlers, status_for
from casushub.web.weigeringslog import _weigering

GEWEIGERD = "Alleen de contactpersoon van dit verzoek mag dit zien."


@get("/scherm/geen-toegang", sync_to_thread=False)
def _geen_toegang() -> None:
    raise VerzoekGeenToegang(GEWEIGERD)


@get("/scherm/niet-gevonden", sync_to_thread=False)
def _niet_gevonden() -> None:
    raise VerzoekNietGevonden


@get("/scherm/regel", sync_to_thread=False)
def _regel() -> None:
    raise VerzoekRegelFout("De termijn is al verlengd.", "maanden")


@get("/scherm/export", sync_to_thread=False)
def _export() -> None:
    raise ExportGeweigerd("Kies een doel.", "doel")


@get("/api/v1/geen-toegang", sync_to_thread=False)
def _api_geen_toegang() -> None:
    raise GeenToegang


@get("/api/v1/niet-gevonden", sync_to_thread=False)
def _api_niet_gevonden() -> None:
    raise NietGevonden("Deze organisatie bestaat niet.")


@pytest.fixture(scope="module")
def client() -> TestClient[Litestar]:
    app = Litestar(
        route_handlers=[
            _geen_toegang,
            _niet_gevonden,
            _regel,
            _export,
            _api_geen_toegang,
            _api_niet_gevonden,
        ],
        exception_handlers=exception_handlers,
        template_config=TemplateConfig(
            directory=WEB_DIR / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_template_globals,
        ),
    )
    return TestClient(app)


def test_every_context_speaks_the_one_vocabulary() -> None:
    for soort, basis in [
        (VerzoekRegelFout, RegelFout),
        (RegistryError, RegelFout),
        (ThemeColorRefused, RegelFout),
        (OngeldigBestand, RegelFout),
        (BestandFout, RegelFout),
        (Invoerfouten, RegelFouten),
        (HuisstijlGeweigerd, RegelFouten),
        (OnboardingInvalid, RegelFouten),
        (VerzoekGeenToegang, GeenToegang),
        (ExportGeweigerd, GeenToegang),
        (AccessDenied, GeenToegang),
        (GrantRefused, GeenToegang),
        (DeactivationRefused, GeenToegang),
        (VerzoekNietGevonden, NietGevonden),
    ]:
        assert issubclass(soort, basis), soort
        assert issubclass(soort, DomeinFout), soort
    # The name every tenant context has imported it by is the same class.
    assert CasusGeenToegang is GeenToegang
    # What callers caught before still catches them.
    assert issubclass(VerzoekRegelFout, ValueError)
    assert issubclass(ExportGeweigerd, PermissionError)
    assert issubclass(VerzoekNietGevonden, LookupError)
    assert VerzoekNietGevonden().message == "Dit verzoek bestaat niet (meer)."
    fouten = Invoerfouten({"naam": "Vul de naam in.", "email": "Vul een e-mailadres in."})
    assert (fouten.field, fouten.message) == ("naam", "Vul de naam in.")
    assert fouten.fouten == {"naam": "Vul de naam in.", "email": "Vul een e-mailadres in."}
    assert str(fouten) == "Vul de naam in.; Vul een e-mailadres in."


def test_screens_answer_a_dutch_page_with_the_message(client: TestClient[Litestar]) -> None:
    for pad, status, tekst in [
        ("/scherm/geen-toegang", 403, GEWEIGERD),
        ("/scherm/niet-gevonden", 404, "Dit verzoek bestaat niet (meer)."),
        ("/scherm/regel", 422, "De termijn is al verlengd."),
        # A PermissionError is an OSError: the refusal's own handler wins over OSError's.
        ("/scherm/export", 403, "Kies een doel."),
    ]:
        response = client.get(pad, headers={"accept": "text/html"})
        assert response.status_code == status, pad
        assert response.headers["content-type"].startswith("text/html")
        assert tekst in response.text
        assert "Traceback" not in response.text


def test_the_api_answers_problem_json(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/niet-gevonden")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json() == {
        "type": "about:blank",
        "title": "Pagina niet gevonden",
        "status": 404,
        "detail": "Deze organisatie bestaat niet.",
    }
    response = client.get("/api/v1/geen-toegang")
    assert response.status_code == 403
    assert response.json()["detail"] == "U heeft geen toegang tot deze gegevens."


def test_status_and_refusal_log_know_the_refusals() -> None:
    assert status_for(VerzoekNietGevonden()) == 404
    assert status_for(AccessDenied()) == 403
    assert status_for(RegistryError("Bezet.", "slug")) == 422
    # Not a refusal to the client: sent to the instructions (casushub.web.hub.instructies).
    assert status_for(InstructionsNotAccepted()) == 303
    assert _weigering(VerzoekGeenToegang(GEWEIGERD)) == (403, GEWEIGERD)
    assert _weigering(NietGevonden()) == (404, "Niet gevonden.")
    assert _weigering(InstructionsNotAccepted()) is None
    assert _weigering(RegelFout("Vul de naam in.", "naam")) is None
