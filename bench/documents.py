"""The PDF of a payment voucher of 200 interventions: how long the server takes.

Run ``python -m bench.documents [--lines 200] [--runs 20] [--json PATH]``.

It seeds a fresh demo database (SQLite in a temporary folder) where centre 249050 has
``--lines`` verified interventions (bench.invoicing's copies of one of its own), invoices
them on one voucher as the centre's manager, then asks ``GET /vouchers/{id}.pdf`` through
the real app (``httpx.ASGITransport``: the tenancy, the voucher's query, the rendering in a
worker thread, the response; no socket) in French, ``--runs`` times after a warm-up. It also
times the rendering alone (``server.documents.voucher.build``) on the same voucher, to tell
the PDF's share from the query's, and its CPU time (``time.process_time``: on a shared
machine the wall times grow with the load, the CPU time much less). Target (issue 12): a
voucher PDF of 200 lines ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from pypdf import PdfReader

from bench.invoicing import _seed
from client.models import VoucherDetail
from server.app import create_app
from server.documents import voucher as voucher_document
from server.i18n import using
from server.settings import Settings

TARGET_P95_MS = 300.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": _percentile(times, 0.95),
        "max_ms": max(times),
    }


async def _measure(url: str, lines: int, runs: int) -> dict[str, object]:
    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    route: list[float] = []
    build: list[float] = []
    cpu: list[float] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as http,
    ):
        login = await http.post("/auth/login", json={"username": "manager", "password": "demo"})
        headers = {
            "Authorization": f"Bearer {login.json()['access_token']}",
            "Accept-Language": "fr",
            "Time-Zone": "Europe/Paris",
        }
        ids: list[int] = []
        while len(ids) < lines:
            params = {"limit": 100, "offset": len(ids)}
            page = (await http.get("/invoicing", params=params, headers=headers)).json()
            if not page["items"]:
                break
            ids += [line["ticket_id"] for line in page["items"]]
        ids = ids[:lines]
        assert len(ids) == lines, f"only {len(ids)} verified interventions"
        made = await http.post(
            "/vouchers",
            json={"ticket_ids": ids},
            headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
        )
        made.raise_for_status()
        voucher = VoucherDetail.model_validate(made.json())
        pages = 0
        for run in range(runs + 1):
            started = time.perf_counter()
            answer = await http.get(f"/vouchers/{voucher.id}.pdf", headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            answer.raise_for_status()
            if run:
                route.append(elapsed)
            else:
                pages = len(PdfReader(io.BytesIO(answer.content)).pages)
                size = len(answer.content)
        with using("fr"):
            for run in range(runs + 1):
                started, used = time.perf_counter(), time.process_time()
                voucher_document.build(voucher, None, dt.UTC)
                elapsed = (time.perf_counter() - started) * 1000
                if run:
                    build.append(elapsed)
                    cpu.append((time.process_time() - used) * 1000)
    return {
        "lines": lines,
        "pages": pages,
        "bytes": size,
        "runs": runs,
        "route": _summary(route),
        "render": _summary(build),
        "render_cpu": _summary(cpu),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.documents")
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'documents.db'}"
        asyncio.run(_seed(url, args.lines + 20))
        result = asyncio.run(_measure(url, args.lines, args.runs))
    route = result["route"]
    render, cpu = result["render"], result["render_cpu"]
    assert isinstance(route, dict) and isinstance(render, dict) and isinstance(cpu, dict)
    verdict = "PASS" if route["p95_ms"] <= TARGET_P95_MS else "MISS"
    print(
        f"voucher PDF of {args.lines} lines ({result['pages']} pages, {result['bytes']} bytes, "
        f"{args.runs} runs): GET /vouchers/{{id}}.pdf p50 {route['p50_ms']:.1f} ms, "
        f"p95 {route['p95_ms']:.1f} ms (target ≤ {TARGET_P95_MS:.0f} ms: {verdict}); "
        f"rendering alone p50 {render['p50_ms']:.1f} ms, p95 {render['p95_ms']:.1f} ms "
        f"(CPU p50 {cpu['p50_ms']:.1f} ms: what a busy machine does not inflate)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result | {"target_p95_ms": TARGET_P95_MS}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
