"""Catalogue benchmarks: ``python -m bench.catalogue`` (medians; not timed tests).

* resolver, server-side (graph loaded from SQLite, then resolved): a chain of depth 20, and a
  part with 50 relations (targets: under 5 ms);
* where-used for a part used by 500 models (one page of 50, with the total);
* filter-as-you-type on a 2,000-line exploded view in the TUI's parts list: from a keystroke
  to the rows painted (target: under 50 ms).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from server.db import models as db
from server.db.migrate import upgrade
from server.db.session import create_engine, session_factory
from server.services import catalogue
from server.services.supersession import ApplianceContext

RUNS = 50


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


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
    relations = [  # a chain 1 -> 2 -> ... -> 21 (depth 20)
        {"id": i, "from_part_id": i, "to_part_id": i + 1, "kind": "supersedes",
         "direction": "one_way", "quantity": 1, "reason": "chain"}
        for i in range(1, 21)
    ]  # fmt: skip
    relations += [  # part 100 with 50 relations: conditional supersessions and alternates
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
        await conn.execute(insert(db.PartRelation), relations)
        await conn.execute(insert(db.CatalogueModel), models)
        await conn.execute(insert(db.ExplodedViewLine), lines)
    await engine.dispose()


async def _server(url: str) -> dict[str, str]:
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
        for _ in range(RUNS):
            async with sessions() as session:
                started = time.perf_counter()
                if label.startswith("supersession tree"):
                    await catalogue.tree(session, code, context, today)
                else:
                    await catalogue.resolve(session, code, context, today)
                samples.append(time.perf_counter() - started)
        results[label] = median_ms(samples)
    samples = []
    for _ in range(RUNS):
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


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(_seed(url))
        results = asyncio.run(_server(url))
        results.update(asyncio.run(_filter(url)))
    width = max(len(k) for k in results)
    print(f"catalogue benchmarks (medians of {RUNS} runs, SQLite):")
    for label, value in results.items():
        print(f"  {label:<{width}}  {value}")


if __name__ == "__main__":
    main()
