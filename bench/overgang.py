"""Overgangsvoorraad and figures benchmark: importing 10,000 convenant-era cases (dry run and
import) and computing the hub's figures over 1,000 municipalities, each beside its floor.

Run with ``.venv/bin/python bench/overgang.py`` (``--help``). Fills a fresh database with
``bench/datagen.py`` (``--tenants`` municipalities), then:

- *dry run*: ``overgang.inlezen.proefimport`` on a JSON file of ``--rijen`` fictitious cases
  in one municipality (every row checked, duplicates against its persons included). Floor:
  parsing the same file with ``json.loads``.
- *import*: ``bevestig`` and ``lees_batch`` in batches of 500, each in its own transaction, as
  the ``overgang.import`` job does. Floor: one bare multi-row INSERT of the same rows into a
  table of the same shape (asyncpg ``copy_records_to_table``).
- *hub figures*: ``crosstenant.cijfers.cijfers_per_gemeente`` over every municipality (its own
  session, role and access-log entry each) and ``cijfers.rules.weergave``. Floor: one
  ``SELECT count(*)`` of the signals per municipality schema on one connection.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import benchdb
import datagen

from casushub.platform import klok

BATCH = 500


def rijen(aantal: int, code: str) -> list[dict[str, Any]]:
    """Fictitious cases, each with two signals, a decision and an intervention."""
    return [
        {
            "bron_id": f"BENCH-{n:06d}",
            "naam": f"Bench Persoon{n:06d}",
            "aliassen": [f"B.P. {n}"],
            "geboortedatum": f"{1970 + n % 35}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "gemeente_van_verblijf": code,
            "startdatum": "2023-04-01",
            "status": "lopend",
            "signalen": [
                {"datum": "2023-03-01", "bron": "politie", "omschrijving": "zorgen over uitingen"},
                {"datum": "2023-05-01", "bron": "school", "omschrijving": "zorgen van de mentor"},
            ],
            "besluiten": [{"datum": "2023-04-01", "besluit": "opgenomen in de aanpak"}],
            "interventies": [
                {"omschrijving": "begeleiding", "partner": "gemeente", "status": "lopend"}
            ],
        }
        for n in range(aantal)
    ]


class Bench:
    def __init__(self, args: argparse.Namespace, srv: benchdb.Server) -> None:
        self.args = args
        self.srv = srv
        self.load_start = benchdb.load_average()
        self.rows: list[tuple[str, float, float, str]] = []

    async def run(self) -> None:
        from casushub.platform.database import create_app_engine

        db = benchdb.BenchDatabase(self.srv.url, "overgang", self.srv.where)
        await db.create()
        try:
            settings = db.settings()
            self.data = await datagen.generate(
                db, settings, tenants=self.args.tenants, large=self.args.large
            )
            print(self.data.summary(), flush=True)
            engine = create_app_engine(settings)
            try:
                await self.importeer(engine, settings, db)
                await self.cijfers(engine, settings, db)
            finally:
                await engine.dispose()
        finally:
            await db.drop()

    async def importeer(self, engine: Any, settings: Any, db: benchdb.BenchDatabase) -> None:
        from casushub.platform.tenancy import tenant_session
        from casushub.tenants.actor import Actor
        from casushub.tenants.overgang.inlezen import bevestig, lees_batch, proefimport

        tenant = self.data.tenants[0].ref
        code = f"{int(tenant.slug[1:]) + 1:04d}"
        inhoud = json.dumps(rijen(self.args.rijen, code)).encode()
        regie = Actor(uuid.uuid4(), uuid.uuid4(), "gemeente_regie")

        began = time.perf_counter()
        json.loads(inhoud)
        floor = time.perf_counter() - began
        began = time.perf_counter()
        async with tenant_session(engine, tenant, settings) as s, s.begin():
            upload = await proefimport(
                s,
                regie,
                bestandsnaam="bench.json",
                inhoud=inhoud,
                bekende_gemeenten={code},
                geheim=b"bench",
            )
            fouten = upload.aantal_fouten
            upload_id = upload.id
        dry = time.perf_counter() - began
        self.rows.append((f"dry run, {self.args.rijen:,} rows", dry, floor, f"{fouten} faults"))

        began = time.perf_counter()
        async with tenant_session(engine, tenant, settings) as s:
            async with s.begin():
                await bevestig(s, regie, upload_id, uuid.uuid4())
            for van in range(0, self.args.rijen, BATCH):
                async with s.begin():
                    await lees_batch(s, upload_id, van, van + BATCH)
        imp = time.perf_counter() - began
        conn = await asyncpg.connect(benchdb.libpq(db.url))
        try:
            ingelezen = await conn.fetchval(f'SELECT count(*) FROM "{tenant.schema}".overgangszaak')
            await conn.execute(
                f'CREATE TEMP TABLE vloer (LIKE "{tenant.schema}".overgangszaak INCLUDING DEFAULTS)'
            )
            records = [
                (uuid.uuid4(), f"k{n}", "te_wegen", klok.vandaag(), f"B{n}", f"N{n}", "{}", False)
                for n in range(self.args.rijen)
            ]
            began = time.perf_counter()
            await conn.copy_records_to_table(
                "vloer",
                records=records,
                columns=[
                    "id",
                    "bron_sleutel",
                    "status",
                    "weeg_uiterlijk",
                    "bron_id",
                    "naam",
                    "gegevens",
                    "herinnerd",
                ],
            )
            floor = time.perf_counter() - began
        finally:
            await conn.close()
        self.rows.append(
            (f"import, {self.args.rijen:,} rows (batches of {BATCH})", imp, floor,
             f"{ingelezen:,} cases in the transition list")
        )  # fmt: skip

    async def cijfers(self, engine: Any, settings: Any, db: benchdb.BenchDatabase) -> None:
        from casushub.crosstenant.cijfers import cijfers_per_gemeente
        from casushub.tenants.actor import Actor
        from casushub.tenants.cijfers.rules import weergave

        refs = [t.ref for t in self.data.tenants]
        beheerder = Actor(uuid.uuid4(), uuid.uuid4(), "hub_admin")
        began = time.perf_counter()
        per_gemeente = await cijfers_per_gemeente(
            engine, settings, beheerder, refs, jaar=klok.vandaag().year, bron_types={}
        )
        w = weergave(per_gemeente.values(), vaste_rijen={}, vaste_kolommen={})
        hub = time.perf_counter() - began
        conn = await asyncpg.connect(benchdb.libpq(db.url))
        try:
            began = time.perf_counter()
            for ref in refs:
                await conn.fetchval(f'SELECT count(*) FROM "{ref.schema}".signaal')
            floor = time.perf_counter() - began
        finally:
            await conn.close()
        cellen = sum(len(t.rijen) * len(t.kolommen) for t in w.tabellen)
        self.rows.append(
            (f"hub figures, {len(refs):,} municipalities", hub, floor, f"{cellen} cells shown")
        )

    def report(self) -> str:
        lines = ["| what | casushub | floor | note |", "|---|---:|---:|---|"]
        for what, t, floor, note in self.rows:
            lines.append(f"| {what} | {t:.2f} s | {floor:.3f} s | {note} |")
        return "\n".join(lines)


def section(bench: Bench, version: str) -> str:
    return f"""## Overgangsvoorraad and figures

`bench/overgang.py`.
{benchdb.measured(version, bench.srv.where, bench.load_start, bench.data.summary())}

{bench.report()}

Floors: parsing the file (dry run), a bare COPY of the same number of rows (import), one
`count(*)` per municipality schema on one connection (hub figures); see the script's
docstring."""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rijen", type=int, default=10_000, help="rows in the file (10,000)")
    parser.add_argument("--tenants", type=int, default=1000, help="municipalities (1000)")
    parser.add_argument("--large", type=int, default=10_000, help="largest municipality (10,000)")
    parser.add_argument("--no-readme", action="store_true", help="do not write bench/README.md")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with benchdb.server("casushub-benchovergang-") as srv:
        version = asyncio.run(benchdb.pg_version(srv.url))
        bench = Bench(args, srv)
        asyncio.run(bench.run())
    print(bench.report())
    if not args.no_readme:
        benchdb.write_section("overgang", section(bench, version))
        print(f"written to {benchdb.README.relative_to(benchdb.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
