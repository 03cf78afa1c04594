"""Invoicing on the server: the list at 10,000 verified interventions and one voucher of
1,000, on SQLite (or PostgreSQL with ``--pg URL``).

Run ``python -m bench.invoicing [--verified 10000] [--voucher 1000] [--runs 20] [--pg URL]``.

It seeds a fresh database with the demo data, then copies one of centre 249050's verified
tickets (with its intervention) until the centre has ``--verified`` of them, and calls the
real app through ``httpx.ASGITransport`` (routing, validation, the queries and the JSON; no
socket) as the centre's manager: ``GET /invoicing`` first page (p50, p95 after a warm-up),
then ``POST /vouchers`` with ``--voucher`` tickets, a few times over different tickets.
Targets (issue 12): the first screen ≤ 200 ms; 1,000 interventions on one voucher ≤ 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from server.app import create_app
from server.db import models as db
from server.db.migrate import upgrade
from server.db.session import create_engine
from server.demo import seed_demo
from server.settings import Settings

TARGET_LIST_MS = 200.0
TARGET_VOUCHER_MS = 1000.0


async def _seed(url: str, verified: int) -> None:
    engine = create_engine(url)
    await upgrade(url, engine)
    await seed_demo(engine, tickets=150, now=dt.datetime.now(dt.UTC))
    async with engine.begin() as conn:
        centre = (
            await conn.execute(select(db.ServiceCentre.id).where(db.ServiceCentre.code == "249050"))
        ).scalar_one()
        ticket = (
            (
                await conn.execute(
                    select(db.Ticket.__table__).where(
                        db.Ticket.service_centre_id == centre, db.Ticket.status == "verified"
                    )
                )
            )
            .mappings()
            .first()
        )
        assert ticket is not None
        intervention = (
            (
                await conn.execute(
                    select(db.Intervention.__table__).where(
                        db.Intervention.ticket_id == ticket["id"]
                    )
                )
            )
            .mappings()
            .one()
        )
        have = (
            await conn.execute(
                select(func.count()).where(
                    db.Ticket.service_centre_id == centre, db.Ticket.status == "verified"
                )
            )
        ).scalar_one()
        next_ticket = (await conn.execute(select(func.max(db.Ticket.id)))).scalar_one() + 1
        next_intervention = (
            await conn.execute(select(func.max(db.Intervention.id)))
        ).scalar_one() + 1
        missing = verified - have
        for start in range(0, missing, 1000):
            n = min(1000, missing - start)
            tickets, interventions = [], []
            for k in range(n):
                tid = next_ticket + start + k
                tickets.append({**ticket, "id": tid, "external_ref": ""})
                interventions.append(
                    {**intervention, "id": next_intervention + start + k, "ticket_id": tid}
                )
            await conn.execute(insert(db.Ticket.__table__), tickets)
            await conn.execute(insert(db.Intervention.__table__), interventions)
    await engine.dispose()


async def run(url: str, verified: int, voucher: int, runs: int) -> None:
    await _seed(url, verified)
    app = create_app(Settings(database_url=url, demo=True))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        login = await http.post("/auth/login", json={"username": "manager", "password": "demo"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        times = []
        for i in range(runs + 1):
            started = time.perf_counter()
            answer = await http.get("/invoicing", params={"limit": 50}, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, answer.text
            if i:
                times.append(elapsed)
        total = answer.json()["total"]
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"GET /invoicing first page ({total} verified): p50 {statistics.median(times):.1f} ms,"
            f" p95 {p95:.1f} ms (target ≤ {TARGET_LIST_MS:.0f} ms:"
            f" {'PASS' if p95 <= TARGET_LIST_MS else 'MISS'})"
        )
        voucher_times = []
        for _ in range(min(3, total // voucher)):
            ids: list[int] = []
            offset = 0
            while len(ids) < voucher:
                page = await http.get(
                    "/invoicing", params={"limit": 200, "offset": offset}, headers=headers
                )
                ids += [x["ticket_id"] for x in page.json()["items"]]
                offset += 200
            started = time.perf_counter()
            answer = await http.post(
                "/vouchers",
                json={"ticket_ids": ids[:voucher]},
                headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
            )
            voucher_times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 201, answer.text
            assert answer.json()["count"] == voucher
        worst = max(voucher_times)
        print(
            f"POST /vouchers with {voucher} interventions: "
            + ", ".join(f"{t:.0f} ms" for t in voucher_times)
            + f" (target ≤ {TARGET_VOUCHER_MS:.0f} ms:"
            f" {'PASS' if worst <= TARGET_VOUCHER_MS else 'MISS'})"
        )
    await app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verified", type=int, default=10_000)
    parser.add_argument("--voucher", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pg", default="", help="a PostgreSQL URL of an empty database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.pg or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(url, args.verified, args.voucher, args.runs))


if __name__ == "__main__":
    main()
