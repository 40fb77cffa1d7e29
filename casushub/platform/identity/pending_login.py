"""The pending login between the redirect to the provider and its callback: stored server-side,
single use, ten minutes, and bound to the browser that started it. Login CSRF: the SHA-256 of
a short-lived pre-login cookie is stored with it, and a callback from any other browser is
refused before its code is redeemed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.errors import LoginRefused
from casushub.platform.identity.models import PendingLogin
from casushub.platform.identity.sessions import utcnow

PENDING_LOGIN_TTL = timedelta(minutes=10)
PRE_LOGIN_COOKIE = "casushub_inloggen"
_BROWSER_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
OTHER_BROWSER = (
    "Het inloggen is in een andere browser begonnen dan waarin het nu wordt afgerond, of het "
    "duurde te lang. Begin hier opnieuw met inloggen. Heeft u iemand anders een inloglink "
    "gestuurd of er een gekregen? Gebruik die niet: zo kan iemand met uw account inloggen."
)
_log = logging.getLogger("casushub.identity")


def pre_login_cookie_name(secure: bool) -> str:
    """``__Host-`` where cookies are Secure: no sibling domain can plant its own value."""
    return f"__Host-{PRE_LOGIN_COOKIE}" if secure else PRE_LOGIN_COOKIE


def browser_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def valid_browser(value: str | None) -> str | None:
    return value if value and _BROWSER_VALUE.match(value) else None


async def take_pending(engine: AsyncEngine, state: str | None, browser: str | None) -> Any:
    if not state:
        raise LoginRefused("missing_state")
    browser = valid_browser(browser)
    pending = other = None
    async with engine.begin() as conn:
        # DELETE … RETURNING: a state is used at most once, even with two racing callbacks.
        # Only by the browser that started it: another browser's callback leaves the pending
        # login (and its code, never redeemed) to the browser it belongs to.
        if browser is not None:
            taken = await conn.execute(
                delete(PendingLogin)
                .where(
                    PendingLogin.state == state,
                    PendingLogin.browser_hash == browser_hash(browser),
                )
                .returning(*PendingLogin.__table__.c)
            )
            pending = taken.first()
        if pending is None:
            started_elsewhere = await conn.execute(
                select(PendingLogin.organisation_id).where(PendingLogin.state == state)
            )
            other = started_elsewhere.first()
    if pending is None:
        if other is None:
            raise LoginRefused("unknown_or_replayed_state")
        reason = "browser_missing" if browser is None else "browser_mismatch"
        # Someone opened a callback that another browser started: a lured victim (login CSRF)
        # or a sign-in link passed on. Worth a line of its own besides the audit entry.
        _log.warning(
            "inloggen uit een andere browser geweigerd",
            extra={"reden": reason, "organisation_id": str(other.organisation_id)},
        )
        raise LoginRefused(reason, OTHER_BROWSER, organisation_id=other.organisation_id)
    if pending.expires_at <= utcnow():
        raise LoginRefused("state_expired")
    return pending
