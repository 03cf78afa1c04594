"""Catalogue benchmarks: ``python -m bench.catalogue [--runs 50] [--pg URL] [--no-tui]``
(medians; not timed tests).

* resolver, server-side (graph loaded from SQLite, then resolved): a chain of depth 20, and a
  part with 50 relations (targets: under 5 ms);
* where-used for a part used by 500 models (one page of 50, with the total);
* filter-as-you-type on a 2,000-line exploded view in the TUI's parts list: from a keystroke
  to the rows painted (target: under 50 ms).

The server-side figures run on a temporary SQLite database, and with ``--pg URL`` also on
PostgreSQL, in a database ``sav_bench_catalogue`` (dropped and created again) on that server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from server.db import models as db
from server.db.migrate import upgrade
from server.db.session import create_engine, session_factory
from server.services import catalogue
from server.services.supersession import ApplianceContext

RUNS = 50


def median_ms(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"{statistics.median(ms):.2f} ms  [{ms[0]:.2f}-{ms[-1]:.2f}]"


async def _recreate_pg(url: str) -> None:
    import asyncpg

    u = make_url(url)
    admin = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database="postgres"
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{u.database}"')
    finally:
        await admin.close()


async def _seed(url: str) -> None:
    engine = create_engine(url)
    await upgrade(url, engine)
    parts = [
        {
            "id": i,
            "code": f"B{i:08d}",
            "description": f"BENCH PART {i}",
            "price_cents": 1000 + i,
            "availability": "unavailable" if i <= 20 else "in_stock",
            "stock": 0 if i <= 20 else 5,
            "lead_time_days": 2,
            "obsolete": False,
        }
        for i in range(1, 2200)
    ]
    chain = [  # a chain 1 -> 2 -> ... -> 21 (depth 20)
        {"id": i, "from_part_id": i, "to_part_id": i + 1, "kind": "supersedes",
         "direction": "one_way", "quantity": 1, "reason": "chain"}
        for i in range(1, 21)
    ]  # fmt: skip
    fan = [  # part 100 with 50 relations: conditional supersessions and alternates
        {"id": 100 + k, "from_part_id": 100, "to_part_id": 200 + k,
         "kind": "supersedes" if k % 2 else "alternate",
         "direction": "one_way" if k % 2 else "two_way", "quantity": 1,
         "serial_from": f"{k:03d}000" if k % 2 else None,
         "serial_to": f"{k:03d}999" if k % 2 else None, "reason": "fan"}
        for k in range(50)
    ]  # fmt: skip
    models = [
        {"id": m, "code": f"BM{m:04d}", "service_index": "SI00", "description": f"model {m}",
         "category": "hobs", "drawing": ""}
        for m in range(1, 501)
    ]  # fmt: skip
    lines = [  # part 2150 is used by all 500 models; model 1 has 2,000 lines
        {"model_id": m, "ref_num": "1", "part_id": 2150, "quantity": 1} for m in range(1, 501)
    ]
    lines += [
        {"model_id": 1, "ref_num": str(10 + i), "part_id": 100 + i, "quantity": 1}
        for i in range(1999)
    ]
    async with engine.begin() as conn:
        await conn.execute(insert(db.Part), parts)
        # two statements: an executemany INSERT takes its columns from its first row, and
        # the chain's rows have no serial range
        await conn.execute(insert(db.PartRelation), chain)
        await conn.execute(insert(db.PartRelation), fan)
        await conn.execute(insert(db.CatalogueModel), models)
        await conn.execute(insert(db.ExplodedViewLine), lines)
    await engine.dispose()


async def _server(url: str, runs: int) -> dict[str, str]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    today = dt.date(2026, 1, 1)
    results = {}
    for label, code, context in (
        ("resolver, chain of depth 20", "B00000001", ApplianceContext()),
        ("resolver, part with 50 relations", "B00000100", ApplianceContext(serial="007500")),
        ("supersession tree, chain of depth 20", "B00000001", ApplianceContext()),
    ):
        samples = []
        for _ in range(runs):
            async with sessions() as session:
                started = time.perf_counter()
                if label.startswith("supersession tree"):
                    await catalogue.tree(session, code, context, today)
                else:
                    await catalogue.resolve(session, code, context, today)
                samples.append(time.perf_counter() - started)
        results[label] = median_ms(samples)
    samples = []
    for _ in range(runs):
        async with sessions() as session:
            started = time.perf_counter()
            page = await catalogue.where_used(session, "B00002150", 50, None)
            samples.append(time.perf_counter() - started)
    assert page.total == 500
    results["where-used, part used by 500 models (page of 50 + total)"] = median_ms(samples)
    await engine.dispose()
    return results


async def _filter(url: str) -> dict[str, str]:
    """Keystroke to painted rows in the parts list of a 2,000-line view."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    from tui.widgets.parts_list import PartsList

    engine = create_engine(url)
    async with session_factory(engine)() as session:
        view = await catalogue.model_view(session, 1, None, None, dt.date(2026, 1, 1))
    await engine.dispose()
    assert len(view.lines) == 2000

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="filter")
            yield PartsList(id="lines")

        def on_mount(self) -> None:
            self.query_one(PartsList).set_lines(view.lines)

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_one(PartsList).set_filter(event.value)

    samples: list[float] = []
    direct: list[float] = []
    app = Bench()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.query_one(Input).focus()
        await pilot.pause()
        for text in ["1", "12", "123", "12", "1", "", "bench part 19", "bench", ""] * 6:
            started = time.perf_counter()
            app.query_one(Input).value = text
            await pilot.pause()  # the message handled and the screen refreshed
            samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            parts = app.query_one(PartsList)
            parts.set_filter(text)
            parts._rows.clear()
            app.screen._compositor.render_update(full=True)  # rows formatted and composed
            direct.append(time.perf_counter() - started)
    return {
        "filter-as-you-type, 2,000 lines, keystroke to settled screen (80x24, pilot)": median_ms(
            samples
        ),
        "filter-as-you-type, 2,000 lines, filter + full screen render": median_ms(direct),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.catalogue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per server-side figure")
    parser.add_argument("--pg", help="a PostgreSQL URL (postgresql+asyncpg://...) to also run on")
    parser.add_argument("--no-tui", action="store_true", help="skip the filter-as-you-type figures")
    args = parser.parse_args(argv)
    sections: list[tuple[str, dict[str, str]]] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(_seed(url))
        results = asyncio.run(_server(url, args.runs))
        if not args.no_tui:
            results.update(asyncio.run(_filter(url)))
        sections.append(("SQLite", results))
    if args.pg:
        pg = make_url(args.pg).set(database="sav_bench_catalogue")
        pg_url = pg.render_as_string(hide_password=False)
        asyncio.run(_recreate_pg(pg_url))
        asyncio.run(_seed(pg_url))
        sections.append(("PostgreSQL", asyncio.run(_server(pg_url, args.runs))))
    width = max(len(k) for _name, results in sections for k in results)
    for name, results in sections:
        print(f"catalogue benchmarks (median [min-max] of {args.runs} runs, {name}):")
        for label, value in results.items():
            print(f"  {label:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
