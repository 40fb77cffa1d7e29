"""The account a sign-in lands in: users keyed by (issuer, subject), created at the first
sign-in with the invitations of its own organisation redeemed, kept up to date afterwards, and
given the roles of the provider's claim mappings.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, update

from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.errors import LoginRefused
from casushub.platform.identity.memberships import accept_invitations, apply_claim_mappings
from casushub.platform.identity.models import User
from casushub.platform.identity.providers import ProviderConfig


async def user_for(
    conn: Any, provider: ProviderConfig, claims: dict[str, Any], ip: str
) -> tuple[uuid.UUID, bool]:
    """The account for (issuer, subject); e-mail is only a label and an invitation key."""
    email = claims["email"] if isinstance(claims.get("email"), str) else ""
    if len(email) > 320:  # no address is longer (RFC 5321); not a label we can store either
        email = ""
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    row = (
        await conn.execute(
            select(User.id, User.active, User.organisation_id).where(
                User.issuer == provider.issuer, User.subject == claims["sub"]
            )
        )
    ).first()
    new_user = row is None
    if row is None:
        user_id = (
            await conn.execute(
                insert(User)
                .values(
                    organisation_id=provider.organisation_id,
                    issuer=provider.issuer,
                    subject=claims["sub"],
                    email=email or "",
                    name=(name or "")[:200],
                    last_login_at=func.now(),
                )
                .returning(User.id)
            )
        ).scalar_one()
        await record(
            conn,
            AuditAction.USER_CREATED,
            actor_user_id=user_id,
            organisation_id=provider.organisation_id,
            target=str(user_id),
            ip=ip,
        )
        # Only the provider of the invitation's own organisation can redeem it, and only at
        # the first sign-in: a later change of e-mail at the provider grants nothing.
        if email and claims.get("email_verified", True) is not False:
            await accept_invitations(
                conn, user_id=user_id, organisation_id=provider.organisation_id, email=email
            )
    else:
        user_id = row.id
        if not row.active:
            raise LoginRefused(
                "user_inactive",
                "Uw account op casushub is uitgeschakeld. Neem contact op met uw beheerder.",
            )
        if row.organisation_id != provider.organisation_id:
            raise LoginRefused("organisation_mismatch")
        await conn.execute(
            update(User)
            .where(User.id == user_id)
            .values(last_login_at=func.now(), email=email or "", name=(name or "")[:200])
        )
    if provider.claim_mappings:
        await apply_claim_mappings(
            conn,
            user_id=user_id,
            organisation_id=provider.organisation_id,
            mappings=provider.claim_mappings,
            claims=claims,
        )
    return user_id, new_user
