"""Legal assessments start empty, and a form lists every missing field at once.

A weging or a necessity review records a legal decision: an untouched form must not record
one nobody made. So every criterion of art. 5(3) and the outcome start without a selection,
and finalising an empty form names each missing answer, with a link to its field.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from html.parser import HTMLParser
from typing import Any

from bouwstenen import CSRF_FIELD, SYSTEEM, casus, hub_id, partijen, token
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.weging.rules import CRITERIA

Client = AsyncTestClient[Litestar]

# The controls that carry a legal choice: a criterion's assessment and the weging's outcome.
WETTELIJK = re.compile(r"^(h_)?[a-z_]+_beoordeling$|^uitkomst$")


class _Keuzes(HTMLParser):
    """The value each select and radio group of a page would submit untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.selects: dict[str, list[tuple[str, bool]]] = {}
        self.radios: dict[str, list[tuple[str, bool]]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self._select = a.get("name") or ""
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append((a.get("value") or "", "selected" in a))
        elif tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a.get("name") or "", []).append(
                (a.get("value") or "", "checked" in a)
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def standaard(self) -> dict[str, str | None]:
        """Name -> the value submitted when nobody touches it (None: nothing)."""
        gekozen: dict[str, str | None] = {}
        for naam, opties in self.selects.items():
            expliciet = [v for v, sel in opties if sel]
            gekozen[naam] = expliciet[-1] if expliciet else (opties[0][0] if opties else None)
        for naam, opties in self.radios.items():
            aangevinkt = [v for v, chk in opties if chk]
            gekozen[naam] = aangevinkt[-1] if aangevinkt else None
        return gekozen


def vooraf_gekozen(html: str) -> dict[str, str | None]:
    """The legal fields of a page that submit an answer nobody chose (should be empty)."""
    parser = _Keuzes()
    parser.feed(html)
    velden = {n: v for n, v in parser.standaard().items() if WETTELIJK.match(n)}
    assert velden, "the page has legal assessment fields"
    return {n: v for n, v in velden.items() if v}


def test_the_check_itself_catches_a_default() -> None:
    """The checker must fail on exactly the bug it guards against."""
    fout = '<select name="geweld_beoordeling"><option value="geen_zorg">geen zorg</option></select>'
    assert vooraf_gekozen(fout) == {"geweld_beoordeling": "geen_zorg"}
    radio = '<input type="radio" name="uitkomst" value="geen_actie" checked>'
    assert vooraf_gekozen(radio) == {"uitkomst": "geen_actie"}
    leeg = '<select name="uitkomst"><option value="">Kies</option><option value="x">x</option>'
    assert vooraf_gekozen(leeg + "</select>") == {}


def samenvatting(html: str) -> list[str]:
    """The fields the error summary links to, in order."""
    blok = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    assert blok, "an error summary"
    return re.findall(r'<a href="#([^"]+)">', blok.group(0))


async def test_weging_starts_empty_and_lists_every_missing_answer(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal("Lea Leegstart", "9801", "zorgen", uuid.uuid4(), date.today()),
        )
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    url = f"/casusoverleg/signalen/{signaal.id}/weging"
    form = await client.get(url)
    assert form.status_code == 200
    assert vooraf_gekozen(form.text) == {}
    assert {f"{k}_beoordeling" for k in CRITERIA} | {"uitkomst"} <= set(
        n for n in re.findall(r'<select[^>]* name="([^"]+)"', form.text)
    )
    leeg = await client.post(
        url,
        data={
            CSRF_FIELD: token(form.text),
            "datum": date.today().strftime("%d-%m-%Y"),
            "zelfredzaamheid_toelichting": "Woont zelfstandig.",
            "actie": "vaststellen",
        },
    )
    assert leeg.status_code == 422
    links = samenvatting(leeg.text)
    verwacht = [f"{k}_beoordeling" for k in CRITERIA] + ["redenering", "uitkomst"]
    assert all(veld in links for veld in verwacht), links
    assert [v for v in links if v.endswith("_toelichting")] == [
        f"{k}_toelichting" for k in CRITERIA if k != "zelfredzaamheid"
    ]
    # Every link has its field, and the note typed so far is kept; still nothing chosen.
    assert all(f'id="{veld}"' in leeg.text for veld in links)
    assert "Woont zelfstandig." in leeg.text
    assert vooraf_gekozen(leeg.text) == {}


async def test_review_of_a_casus_starts_empty(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    orgs = await partijen(admin_engine, await hub_id(admin_engine, hub))
    casus_id, _ = await casus(
        app_engine, settings, tenant_a, "Rik Review", [(orgs.politie, "politie")]
    )
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    form = await client.get(f"/casusoverleg/casussen/{casus_id}/herbeoordeling")
    assert form.status_code == 200
    assert vooraf_gekozen(form.text) == {}
    leeg = await client.post(
        f"/casusoverleg/casussen/{casus_id}/herbeoordeling",
        data={
            CSRF_FIELD: token(form.text),
            "herbeoordeling_datum": date.today().strftime("%d-%m-%Y"),
        },
    )
    assert leeg.status_code == 422
    links = samenvatting(leeg.text)
    assert [f"h_{k}_beoordeling" for k in CRITERIA] == [
        v for v in links if v.endswith("_beoordeling")
    ]
    assert "h_redenering" in links
    assert vooraf_gekozen(leeg.text) == {}


async def test_empty_signal_form_lists_every_missing_field(
    client: Client, sign_in_as: Callable[..., Awaitable[Any]], tenant_a: TenantRef
) -> None:
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    form = await client.get("/casusoverleg/signalen/nieuw")
    leeg = await client.post(
        "/casusoverleg/signalen/nieuw",
        data={CSRF_FIELD: token(form.text), "ontvangen_op": "", "adres": "Dorpsstraat 1"},
    )
    assert leeg.status_code == 422
    assert samenvatting(leeg.text) == [
        "naam",
        "gemeente_van_verblijf",
        "ontvangen_op",
        "omschrijving",
    ]
    assert 'value="Dorpsstraat 1"' in leeg.text


async def test_a_saved_draft_comes_back_as_it_was_chosen(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal("Cor Concept", "9801", "zorgen", uuid.uuid4(), date.today()),
        )
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    url = f"/casusoverleg/signalen/{signaal.id}/weging"
    form = await client.get(url)
    opgeslagen = await client.post(
        url,
        data={
            CSRF_FIELD: token(form.text),
            "datum": date.today().strftime("%d-%m-%Y"),
            "geweld_beoordeling": "enige_zorg",
            "geweld_toelichting": "Uitingen online.",
            "redenering": "Nog niet compleet.",
            "actie": "concept",
        },
        follow_redirects=False,
    )
    assert opgeslagen.status_code == 303
    assert "Concept van de weging opgeslagen" in (await client.get("/casusoverleg")).text
    terug = await client.get(url)
    assert 'id="concept-melding"' in terug.text
    assert "Uitingen online." in terug.text
    assert "Nog niet compleet." in terug.text
    # Only what was chosen comes back: the other criteria and the outcome stay empty.
    assert vooraf_gekozen(terug.text) == {"geweld_beoordeling": "enige_zorg"}
