"""The werkruimte: the start of each role's work, built from blocks with counts.

A block is one async function that receives a :class:`Werk` (who, in which context, with a
session on the active municipality when the role works in one) and returns a :class:`Blok`,
or ``None`` when it has nothing to show. Blocks register themselves per role with
:func:`blok`; they live in ``casushub/web/werkruimte_blokken.py``. **To add a block, add one
decorated function there**; the page shows the blocks of the active role in the order they
are defined. A block reads counts and links, never personal data (nothing to log).

The blocks of a municipality role share one transaction on it. A block that also reads the
platform registers with ``eigen_transactie=True``: it runs after that transaction, opens its
own for the municipality's counts and reads the platform outside it (one pooled connection
per task at a time, ``casushub.platform.een_verbinding``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.datastructures import State
    from sqlalchemy.ext.asyncio import AsyncSession

    from casushub.platform.identity.access import Identity
    from casushub.platform.identity.memberships import MembershipView
    from casushub.platform.identity.roles import Role
    from casushub.platform.tenancy import TenantRef
    from casushub.tenants.actor import Actor

__all__ = ["BLOKKEN", "Blok", "BlokFunctie", "Link", "Telling", "Werk", "blok", "blokken_voor"]


@dataclass(frozen=True, slots=True)
class Telling:
    """One count with the page where that work is: "3 te wegen signalen"."""

    label: str
    aantal: int
    href: str
    # Shown as a warning (e.g. overdue items) when the count is not zero.
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Blok:
    titel: str
    tellingen: list[Telling] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tekst: str | None = None


@dataclass(frozen=True, slots=True)
class Werk:
    """What a block may use. ``db`` is a session on the active municipality, inside an open
    transaction (``None`` for roles without a municipality, such as the hub admin); a block
    registered with ``eigen_transactie=True`` gets it without one and opens its own."""

    state: State
    identity: Identity
    context: MembershipView
    tenant: TenantRef | None
    db: AsyncSession | None
    actor: Actor | None

    def gemeente(self) -> tuple[TenantRef, AsyncSession, Actor]:
        """The municipality, its session and the actor (for blocks of municipality roles)."""
        if self.tenant is None or self.db is None or self.actor is None:
            msg = "dit blok hoort bij een rol in een gemeente"
            raise RuntimeError(msg)
        return self.tenant, self.db, self.actor


BlokFunctie = Callable[[Werk], Awaitable[Blok | None]]
BLOKKEN: dict[Role, list[BlokFunctie]] = {}
# Blocks that open their own tenant transaction (they read the platform as well).
EIGEN_TRANSACTIE: set[BlokFunctie] = set()


def blok(*rollen: Role, eigen_transactie: bool = False) -> Callable[[BlokFunctie], BlokFunctie]:
    """Register a werkruimte block for these roles (in definition order)."""

    def registreer(functie: BlokFunctie) -> BlokFunctie:
        for rol in rollen:
            BLOKKEN.setdefault(rol, []).append(functie)
        if eigen_transactie:
            EIGEN_TRANSACTIE.add(functie)
        return functie

    return registreer


async def blokken_voor(werk: Werk) -> list[Blok]:
    """The role's blocks in definition order: those that share the municipality's transaction
    inside one, then those with a transaction of their own (``werk.db`` outside any)."""
    functies = BLOKKEN.get(werk.context.role, [])
    resultaten: dict[int, Blok | None] = {}
    if werk.db is not None:
        async with werk.db.begin():
            for i, functie in enumerate(functies):
                if functie not in EIGEN_TRANSACTIE:
                    resultaten[i] = await functie(werk)
    for i, functie in enumerate(functies):
        if i not in resultaten:
            resultaten[i] = await functie(werk)
    return [b for _, b in sorted(resultaten.items()) if b is not None]
