"""Closing form totals: how long the server takes to answer the figures of a form.

Run ``python -m bench.closing [--runs 50] [--pg URL] [--json PATH]``.

It seeds a fresh demo database (150 tickets, SQLite in a temporary folder, or the given
PostgreSQL database, emptied first), puts the seed ticket 116496 in *confirmed*, and
calls ``POST /tickets/116496/intervention/totals`` through the real app
(``httpx.ASGITransport``: routing, validation, the coded lists, the parts resolved through
the supersessions, the JSON; no socket) as the technician, with a form of two parts (one
typed and replaced by supersession, one plain), as the closing form sends it a moment after
each keystroke. The first call is a warm-up. Target: p95 ≤ 50 ms (issue 12).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import update

from server.app import create_app
from server.db import models as db
from server.db.migrate import upgrade
from server.db.session import create_engine
from server.demo import seed_demo
from server.settings import Settings

TARGET_P95_MS = 50.0
SEED = 116496
FORM = {
    "intervention_date": dt.date.today().isoformat(),
    "distance_km": 12,
    "faulty_component_code": "BRU",
    "fault_code": "T01",
    "intervention_code": "D1",
    "work_done_code": "W01",
    "rate": "84.00",
    "bonuses": "0.00",
    "parts": [{"code": "870650222", "quantity": 1}, {"code": "810930115", "quantity": 2}],
}


async def _seed(url: str) -> None:
    engine = create_engine(url)
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            await conn.exec_driver_sql("CREATE SCHEMA public")
    await upgrade(url, engine)
    await seed_demo(engine, tickets=150)
    async with engine.begin() as conn:
        await conn.execute(update(db.Ticket).where(db.Ticket.id == SEED).values(status="confirmed"))
    await engine.dispose()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


async def _measure(url: str, runs: int) -> dict[str, float]:
    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    times: list[float] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as http,
    ):
        login = await http.post("/auth/login", json={"username": "tech", "password": "demo"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for run in range(runs + 1):
            started = time.perf_counter()
            answer = await http.post(
                f"/tickets/{SEED}/intervention/totals", json=FORM, headers=headers
            )
            elapsed = (time.perf_counter() - started) * 1000
            answer.raise_for_status()
            if run:
                times.append(elapsed)
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": _percentile(times, 0.95),
        "max_ms": max(times),
        "runs": float(runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.closing")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL database to use (emptied)")
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.pg or f"sqlite+aiosqlite:///{Path(folder) / 'closing.db'}"
        asyncio.run(_seed(url))
        result = asyncio.run(_measure(url, args.runs))
    verdict = "PASS" if result["p95_ms"] <= TARGET_P95_MS else "MISS"
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"closing totals ({backend}, {args.runs} runs): p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms (target ≤ {TARGET_P95_MS:.0f} ms: {verdict})"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result | {"target_p95_ms": TARGET_P95_MS}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
