"""The main navigation per role and where a sign-in or a role switch leads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from casushub.platform.identity.access import Identity
from casushub.platform.identity.memberships import MembershipView
from casushub.platform.identity.roles import Role
from casushub.web.auth.bestemming import na_inloggen
from casushub.web.navigation import HOOFDMENU, KIES_ROL, WERKRUIMTE, hoofdmenu


def _lid(role: Role) -> MembershipView:
    return MembershipView(
        id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        organisation_name="Gemeente Oostdam",
        role=role,
        tenant_id=uuid.uuid4(),
        tenant_slug="oostdam",
        tenant_name="Gemeente Oostdam",
        hub_id=None,
        hub_name=None,
    )


def _identity(*leden: MembershipView, actief: MembershipView | None = None) -> Identity:
    nu = datetime.now(UTC)
    return Identity(
        user_id=uuid.uuid4(),
        name="Test",
        email="test@oostdam.example",
        organisation_id=uuid.uuid4(),
        organisation_name="Gemeente Oostdam",
        session_id=uuid.uuid4(),
        memberships=tuple(leden),
        active=actief,
        idle_deadline=nu,
        absolute_deadline=nu,
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_menu_that_starts_at_its_werkruimte(role: Role) -> None:
    lid = _lid(role)
    menu = hoofdmenu(_identity(lid, actief=lid))
    assert menu == HOOFDMENU[role]
    assert menu[0] == WERKRUIMTE
    assert len({item.href for item in menu}) == len(menu)


def test_no_menu_without_access_and_a_choice_without_an_active_role() -> None:
    assert hoofdmenu(None) == ()
    assert hoofdmenu(_identity()) == ()
    assert hoofdmenu(_identity(_lid(Role.CONTACTPUNT), _lid(Role.PARTICIPANT))) == (KIES_ROL,)


def test_the_label_names_a_hub_once_when_its_organisation_carries_its_name() -> None:
    hub = MembershipView(
        id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        organisation_name="ZVH Noord",
        role=Role.HUB_ADMIN,
        tenant_id=None,
        tenant_slug=None,
        tenant_name=None,
        hub_id=uuid.uuid4(),
        hub_name="ZVH Noord",
    )
    assert hub.label == "hubbeheerder – ZVH Noord"
    assert _lid(Role.CONTACTPUNT).label == "contactpunt – Gemeente Oostdam"


@pytest.mark.parametrize(
    ("gevraagd", "bestemming"),
    [
        ("/", "/werkruimte"),
        ("", "/werkruimte"),
        ("/auth/geen-toegang", "/werkruimte"),
        ("//elders.example/", "/werkruimte"),
        ("https://elders.example/", "/werkruimte"),
        ("/casusoverleg?signalen=2", "/casusoverleg?signalen=2"),
    ],
)
def test_after_sign_in_the_page_asked_for_or_the_werkruimte(gevraagd: str, bestemming: str) -> None:
    assert na_inloggen(gevraagd) == bestemming
