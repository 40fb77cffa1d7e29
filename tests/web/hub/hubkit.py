"""Helpers for the hub screen and API tests (importable: tests put this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from casushub.crosstenant.onboarding import GemeenteAanmelding
from casushub.platform.tenancy import TenantRef
from casushub.web.app import SESSION_COOKIE
from casushub.web.auth.testing import SignedIn

__all__ = ["MakeTenant", "aanmelding", "cookies"]


def aanmelding(code: str, **extra: object) -> GemeenteAanmelding:
    waarden: dict[str, object] = {
        "naam": f"Gemeente {code}",
        "gemeentecode": code,
        "slug": f"gem{code}",
        "contactpunt_functie": f"de burgemeester van {code}",
        "contactpunt_postadres": "Postbus 1, 9999 AA Ergens",
        "contactpunt_email": f"contactpunt@g{code}.test",
        "verwerkersovereenkomst": f"VWO-{code}",
        "verwerkersovereenkomst_start": date(2025, 7, 1),
        "verwerkersovereenkomst_eind": None,
        "situatie": "zvh",
        **extra,
    }
    return GemeenteAanmelding(**waarden)  # type: ignore[arg-type]  # test data


MakeTenant = Callable[..., Awaitable[TenantRef]]


def cookies(signed_in: SignedIn) -> dict[str, str]:
    return {SESSION_COOKIE: signed_in.cookie}
