"""Keystroke to rendered results in the ticket search, and opening a ticket with 200 entries.

Run ``python -m bench.tickets_tui [--tickets 100000] [--runs 20]``.

The real app runs headless in this process (Textual's ``run_test``) against the real
backend over ASGI, on the 100,000-ticket SQLite database of ``bench.search`` (made if
missing). For each query the search line is cleared, then the query is typed but its last
key; the time is measured from pressing the last key to the screen having painted that
result (the list's rows replaced and a refresh done). Also measured: opening a ticket whose
history holds 200 entries, from ``open_ticket`` to its history table filled.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time

import httpx

from bench.search import DATA, _ensure_database, _percentile
from client.api import SavClient
from server.app import create_app
from server.db import models as db
from server.settings import Settings

QUERIES = ("martin", "cp:671", "st:to_contact", "dub 7")
TARGET_P95_MS = 100.0


async def _add_history(url: str, ticket_id: int, entries: int) -> None:
    from sqlalchemy import func, select

    from server.db.session import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        have = (
            await conn.execute(select(func.count()).where(db.HistoryEntry.ticket_id == ticket_id))
        ).scalar_one()
        now = dt.datetime.now(dt.UTC)
        rows = [
            {
                "ticket_id": ticket_id,
                "at": now - dt.timedelta(hours=i),
                "author_id": None,
                "author_name": "Bench",
                "status": "to_contact",
                "type": "note",
                "note": f"bench note {i}",
            }
            for i in range(max(entries - have, 0))
        ]
        if rows:
            await conn.execute(db.HistoryEntry.__table__.insert(), rows)
    await engine.dispose()


async def _run(url: str, runs: int) -> None:
    from textual.widgets import DataTable

    from tui.app import SavApp
    from tui.backend import ClientBackend
    from tui.screens.ticket import TicketScreen
    from tui.screens.ticket_search import TicketSearchScreen
    from tui.widgets.ticket_list import TicketList

    backend_app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=backend_app)
    client = SavClient(httpx.AsyncClient(transport=transport, base_url="http://bench"))
    app = SavApp(ClientBackend(client, label="bench", credential_key="bench"), language="en")
    results: dict[str, list[float]] = {q: [] for q in QUERIES}
    opening: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"operator", "tab", *"demo", "enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if app.user is not None:
                break
        app.open_tickets("")
        await pilot.pause(0.5)
        screen = app.screen
        assert isinstance(screen, TicketSearchScreen)
        ticket_list = screen.query_one(TicketList)
        for run in range(runs + 1):
            for query in QUERIES:
                await pilot.press("ctrl+u", *query[:-1])
                await app.workers.wait_for_complete()
                await pilot.pause()
                before = screen.generation
                started = time.perf_counter()
                await pilot.press(query[-1])
                while not (
                    ticket_list.generation > before and screen.generation == ticket_list.generation
                ):
                    await asyncio.sleep(0.001)
                await pilot.pause()  # the refresh that paints it
                if run:
                    results[query].append((time.perf_counter() - started) * 1000)
        for run in range(max(runs // 4, 3) + 1):
            started = time.perf_counter()
            app.open_ticket(100001)
            await pilot.pause()
            ticket_screen = app.screen
            assert isinstance(ticket_screen, TicketScreen)
            table = ticket_screen.query_one("#history-table", DataTable)
            while table.row_count < 200:
                await asyncio.sleep(0.001)
            await pilot.pause()
            if run:
                opening.append((time.perf_counter() - started) * 1000)
            app.pop_screen()
            await pilot.pause()
    await backend_app.state.engine.dispose()
    print(f"{'keystroke to rendered results':<36}{'p50 ms':>9}{'p95 ms':>9}")
    for query, times in results.items():
        p95 = _percentile(times, 0.95)
        flag = "PASS" if p95 < TARGET_P95_MS else "MISS"
        print(f"  {query!r:<34}{statistics.median(times):>9.1f}{p95:>9.1f}  {flag}")
    print(
        f"{'open a ticket with 200 entries':<36}{statistics.median(opening):>9.1f}"
        f"{_percentile(opening, 0.95):>9.1f}"
    )
    print(f"target: keystroke to render p95 under {TARGET_P95_MS:.0f} ms")


async def _main(args: argparse.Namespace) -> None:
    DATA.mkdir(exist_ok=True)
    url = f"sqlite+aiosqlite:///{DATA / f'search-{args.tickets}.db'}"
    await _ensure_database(url, args.tickets)
    await _add_history(url, 100001, 200)
    await _run(url, args.runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tickets_tui", description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(_main(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
