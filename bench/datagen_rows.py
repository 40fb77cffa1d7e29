"""One municipality's rows for the data generator: persons, signals, wegingen, casussen with
their participants, plans and agenda items, and the chained access log, as COPY records.

Part of ``bench/datagen.py``; imported as ``bench.datagen_rows`` (``benchdb``, imported
first, puts the project root on ``sys.path``) so that mypy checks the calls typed."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import TYPE_CHECKING, Any

import benchdb

if TYPE_CHECKING:
    from bench.datagen import TenantData


EXPIRED_CASUS_SHARE = 0.03
"""Share of a municipality's casussen that are closed and past their retention date."""


def random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class _Rows:
    """COPY rows per table for one tenant."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = {}

    def add(self, table: str, *row: Any) -> None:
        self.tables.setdefault(table, []).append(row)


COLUMNS: dict[str, tuple[str, ...]] = {
    "persoon": ("id", "naam", "geboortedatum", "gemeente_van_verblijf", "adres", "aliassen"),
    "signaal": (
        "id",
        "persoon_id",
        "bron_organisatie_id",
        "ontvangen_op",
        "omschrijving",
        "status",
        "destroy_on",
        "legal_hold",
    ),
    "weging": (
        "id",
        "signaal_id",
        "datum",
        "criteria",
        "uitkomst",
        "redenering",
        "vastgesteld_op",
    ),
    "casus": (
        "id",
        "weging_id",
        "persoon_id",
        "wettelijke_grondslag",
        "regie_gemeente",
        "gemeente_van_verblijf",
        "status",
        "intake_datum",
        "volgende_review",
        "plan_uiterlijk",
        "afgesloten_op",
        "afsluitreden",
        "destroy_on",
        "legal_hold",
    ),
    "casus_deelnemer": ("id", "casus_id", "organisatie_id", "organisatie_type"),
    "plan": ("id", "casus_id", "doel", "vastgesteld_op"),
    "agendapunt": ("id", "bijeenkomst_id", "casus_id", "doel", "notulen"),
}

# Parents before children (foreign keys).
ORDER = ("persoon", "signaal", "weging", "casus", "casus_deelnemer", "plan", "agendapunt")

CRITERIA = json.dumps(
    {
        k: "aanwezig"
        for k in ("geweld", "standvastigheid", "relaties", "identificatie", "zelfredzaamheid")
    }
)

VOORNAMEN = ("Anna", "Bram", "Chris", "Daan", "Eva", "Fatima", "Gijs", "Hanna", "Iris", "Jan")

ACHTERNAMEN = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer")


def tenant_rows(
    tenant: TenantData,
    gemeentecode: str,
    n: int,
    meetings: Sequence[tuple[uuid.UUID, datetime]],
    orgs: Sequence[uuid.UUID],
    users: Sequence[uuid.UUID],
    rng: random.Random,
    today: date,
) -> tuple[_Rows, list[tuple[Any, ...]]]:
    """One municipality's rows and its chained access log."""
    from casushub.tenants.casus.rules import WETTELIJKE_GRONDSLAG

    rows = _Rows()
    log: list[benchdb.LogEntry] = []
    now = datetime.now(UTC)
    gemeente, politie, om = orgs
    past = [m for m in meetings if m[1] < now]

    def entry(
        when: datetime, actie: str, groep: str, casus: uuid.UUID | None, p: uuid.UUID
    ) -> None:
        user = rng.choice(users)
        log.append(
            benchdb.LogEntry(
                tijdstip=when,
                user_id=user,
                organisation_id=gemeente,
                rol="gemeente_regie",
                casus_id=casus,
                persoon_id=p,
                gegevensgroep=groep,
                actie=actie,
                doel="casusoverleg",
                request_id=uuid.uuid4().hex,
                id=random_uuid(rng),
            )
        )

    def persoon() -> uuid.UUID:
        pid = random_uuid(rng)
        rows.add(
            "persoon",
            pid,
            f"{rng.choice(VOORNAMEN)} {rng.choice(ACHTERNAMEN)}",
            date(1970, 1, 1) + timedelta(days=rng.randrange(365 * 40)),
            gemeentecode,
            None,
            "[]",
        )
        return pid

    def signaal(pid: uuid.UUID, ontvangen: date, status: str, destroy: date | None) -> uuid.UUID:
        sid = random_uuid(rng)
        rows.add(
            "signaal",
            sid,
            pid,
            politie,
            ontvangen,
            "Zorgen over uitlatingen.",
            status,
            destroy,
            False,
        )
        return sid

    def weging(sid: uuid.UUID, datum: date, uitkomst: str) -> uuid.UUID:
        wid = random_uuid(rng)
        vastgesteld = datetime.combine(datum, dtime(11), tzinfo=UTC)
        rows.add("weging", wid, sid, datum, CRITERIA, uitkomst, "Afgewogen.", vastgesteld)
        return wid

    for _ in range(n):
        pid = persoon()
        ontvangen = today - timedelta(days=rng.randrange(30, 3 * 365))
        sid = signaal(pid, ontvangen, "opname", None)
        wid = weging(sid, ontvangen + timedelta(days=7), "opname")
        cid = random_uuid(rng)
        intake = ontvangen + timedelta(days=14)
        expired = rng.random() < EXPIRED_CASUS_SHARE
        if expired:
            # Closed long ago: destroy_on passed (5 years after closure, placeholder period).
            status, afgesloten = (
                "afgesloten",
                today - timedelta(days=5 * 365 + rng.randrange(1, 60)),
            )
            destroy: date | None = today - timedelta(days=rng.randrange(1, 60))
            tenant.expired += 1
        elif rng.random() < 0.1:
            status, afgesloten = "afgesloten", intake + timedelta(days=200)
            destroy = intake + timedelta(days=200 + 5 * 365)
        else:
            status, afgesloten, destroy = (
                rng.choice(("aangemeld", "lopend", "monitoren")),
                None,
                None,
            )
        rows.add(
            "casus",
            cid,
            wid,
            pid,
            WETTELIJKE_GRONDSLAG,
            gemeentecode,
            gemeentecode,
            status,
            intake,
            intake + timedelta(days=365),
            intake + timedelta(days=28),
            afgesloten,
            "Doelen bereikt." if afgesloten else None,
            destroy,
            False,
        )
        tenant.casussen.append(cid)
        for org, kind in ((gemeente, "gemeente"), (politie, "politie"), (om, "om")):
            rows.add("casus_deelnemer", random_uuid(rng), cid, org, kind)
        adopted = intake + timedelta(days=21) if rng.random() < 0.8 else None
        rows.add("plan", random_uuid(rng), cid, "Terugdringen risico.", adopted)
        for meeting, _when in rng.sample(past, min(len(past), rng.randint(1, 2))):
            rows.add("agendapunt", random_uuid(rng), meeting, cid, "bespreking", "Besproken.")
        begin = datetime.combine(intake, dtime(10), tzinfo=UTC)
        entry(begin, "create", "casus", cid, pid)
        entry(begin + timedelta(days=rng.randrange(1, 20)), "read", "casus", cid, pid)
        entry(begin + timedelta(days=rng.randrange(20, 40)), "read", "plan", cid, pid)

    for _ in range(max(1, n // 3)):  # still to be weighed
        pid = persoon()
        ontvangen = today - timedelta(days=rng.randrange(0, 30))
        signaal(pid, ontvangen, "te_wegen", None)
        entry(datetime.combine(ontvangen, dtime(9), tzinfo=UTC), "create", "signaal", None, pid)
    for i in range(max(1, n // 5)):  # weighed "geen actie"; a third past their year
        pid = persoon()
        gone = i % 3 == 0
        ontvangen = today - timedelta(
            days=rng.randrange(400, 700) if gone else rng.randrange(30, 300)
        )
        sid = signaal(pid, ontvangen, "geen_actie", ontvangen + timedelta(days=372))
        weging(sid, ontvangen + timedelta(days=7), "geen_actie")
        entry(datetime.combine(ontvangen, dtime(9), tzinfo=UTC), "create", "signaal", None, pid)
        tenant.expired += gone
    log.sort(key=lambda e: e.tijdstip)
    return rows, benchdb.chain(log)
