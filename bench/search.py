"""Ticket search latency at 100,000 tickets, on SQLite and PostgreSQL.

Run ``python -m bench.search [--tickets 100000] [--runs 50] [--pg URL] [--json PATH]``.

It seeds a database with ``--tickets`` demo tickets once (kept in ``bench/.data`` for
SQLite and in the ``sav_bench_<N>`` database on PostgreSQL, reused while the schema
revision and ticket count match), then calls ``GET /tickets`` through the real app
(``httpx.ASGITransport``: routing, validation, the query and the JSON included; no
socket) as the operator, who sees every ticket, and reports p50 and p95 per query.
Each query's first call is a warm-up and is not counted. Also measured: a deep page
(offset 99,950) and the CSV export of a status filter.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from server.app import create_app
from server.db import models as db
from server.db.migrate import HEAD, current_revision, upgrade
from server.db.session import create_engine
from server.demo import seed_demo
from server.settings import Settings

DATA = Path(__file__).resolve().parent / ".data"
TARGET_P95_MS_SQLITE = 20.0

QUERIES: dict[str, dict[str, Any]] = {
    "text 'martin'": {"q": "martin"},
    "text 'dub 7'": {"q": "dub 7"},
    "postal code '671'": {"postal_code": "671"},
    "postal code '67' (a third of all)": {"postal_code": "67"},
    "status to_contact": {"status": "to_contact"},
    "status confirmed+closed, by customer": {
        "status": ["confirmed", "closed"],
        "sort": "customer",
        "desc": "false",
    },
    "no filter": {},
    "overdue": {"overdue": "true"},
}


@dataclass
class Result:
    database: str
    query: str
    total: int
    p50_ms: float
    p95_ms: float
    runs: int


async def _ensure_database(url: str, tickets: int) -> None:
    engine = create_engine(url)
    try:
        if await current_revision(engine) == HEAD:
            async with engine.connect() as conn:
                count = (await conn.execute(select(func.count()).select_from(db.Ticket))).scalar()
            if count is not None and count >= tickets:
                return
        raise LookupError
    except LookupError:
        await engine.dispose()
    await _recreate(url)
    engine = create_engine(url)
    print(f"seeding {tickets} tickets into {make_url(url).render_as_string(True)} ...")
    started = time.perf_counter()
    await upgrade(url, engine)
    await seed_demo(engine, tickets=tickets)
    await engine.dispose()
    print(f"  seeded in {time.perf_counter() - started:.0f} s")


async def _recreate(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import asyncpg

    admin = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database="postgres"
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await admin.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def _measure(label: str, url: str, runs: int) -> list[Result]:
    app = create_app(Settings(database_url=url))
    results = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        login = await http.post("/auth/login", json={"username": "operator", "password": "demo"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        total_all = 0
        for name, params in QUERIES.items():
            times, total = [], 0
            for run in range(runs + 1):
                started = time.perf_counter()
                answer = await http.get("/tickets", params=params, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                answer.raise_for_status()
                total = answer.json()["total"]
                if run:
                    times.append(elapsed)
            total_all = max(total_all, total)
            results.append(_result(label, name, total, times))
        deep = {"offset": max(total_all - 50, 0)}
        times = []
        for run in range(runs // 5 + 1):
            started = time.perf_counter()
            (await http.get("/tickets", params=deep, headers=headers)).raise_for_status()
            if run:
                times.append((time.perf_counter() - started) * 1000)
        results.append(_result(label, f"deep page (offset {deep['offset']})", total_all, times))
        started = time.perf_counter()
        export = await http.get("/tickets.csv", params={"status": "closed"}, headers=headers)
        rows = export.text.count("\n") - 1
        results.append(
            _result(
                label, "CSV export, status closed", rows, [(time.perf_counter() - started) * 1000]
            )
        )
    await app.state.engine.dispose()
    return results


def _result(database: str, query: str, total: int, times: list[float]) -> Result:
    return Result(
        database=database,
        query=query,
        total=total,
        p50_ms=round(statistics.median(times), 2),
        p95_ms=round(_percentile(times, 0.95), 2),
        runs=len(times),
    )


def _report(results: list[Result]) -> None:
    print(f"{'database':<11}{'query':<40}{'total':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for r in results:
        flag = ""
        if r.database == "sqlite" and r.runs > 1 and not r.query.startswith(("deep", "CSV")):
            flag = "  PASS" if r.p95_ms < TARGET_P95_MS_SQLITE else "  MISS"
        print(f"{r.database:<11}{r.query:<40}{r.total:>8}{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{flag}")
    print(f"target: p95 under {TARGET_P95_MS_SQLITE:.0f} ms on SQLite for the filtered queries")


async def _main(args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    DATA.mkdir(exist_ok=True)
    sqlite_url = f"sqlite+aiosqlite:///{DATA / f'search-{args.tickets}.db'}"
    await _ensure_database(sqlite_url, args.tickets)
    results += await _measure("sqlite", sqlite_url, args.runs)
    if args.pg:
        pg_url = make_url(args.pg).set(database=f"sav_bench_{args.tickets}")
        url = pg_url.render_as_string(hide_password=False)
        await _ensure_database(url, args.tickets)
        results += await _measure("postgresql", url, args.runs)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pg", help="a PostgreSQL URL (postgresql+asyncpg://...) to also run on")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = asyncio.run(_main(args))
    _report(results)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
