"""Ticket search latency on a database you name: p50 and p95 per query kind, and the CSV rate.

Run ``python -m bench.search --database URL [--database URL ...] [--build N] [--analyze]
[--runs 50] [--json PATH]``, for instance::

    python -m bench.search --build 100000 \\
        --database sqlite+aiosqlite:////tmp/bench/search-100k.db \\
        --database postgresql+asyncpg://postgres@127.0.0.1:5432/bench_search_100k

Each ``--database`` is measured as it is. With ``--build N`` a database that does not
exist yet (no SQLite file, no PostgreSQL database of that name) is created and loaded
with the demo data of N tickets (``server.demo.seed_demo``, which ends with ANALYZE); one
that exists is used as it is (the bench never seeds a database holding data, and never
drops or deletes a database: remove the ones it created yourself). ``--analyze`` runs
ANALYZE first on a database given as it is (with VACUUM on PostgreSQL, as the demo load
does); without it the bench says whether the planner has statistics. The schema is
brought to the latest revision first, as ``sav serve`` does.

The bench calls ``GET /tickets`` through the real app (``httpx.ASGITransport``: routing,
validation, the queries and the JSON included; no socket) as the operator, who sees every
ticket. Each query's first call is a warm-up and is not counted. The query kinds are the
filters of the search line (free text, postal code short and long, phone, city, model,
engineer, date range, one status, two statuses sorted by customer, overdue, waiting for
parts), then every sort column both ways without a filter, then a deep page. The values
searched are read from the data (the first tickets' customer, appliance and engineer), so
they exist at any size. Last, the whole result is exported as CSV (``/tickets.csv``,
machine format) up to ``--csv-rows`` rows, streamed from a server in its own process over a
socket, and the rows per second are reported overall and for the slowest twentieth of the
stream.

Every figure is printed with the load average of the machine when it was taken: on a
shared machine compare figures taken in the same run, or ratios, not absolute times. The
``cpu p50`` column is the bench process's CPU time per call (on SQLite it includes the
database's work; on PostgreSQL not the server's): it hardly moves with the load.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.results import record
from client.models import TicketSort
from server.app import create_app
from server.db import models as db
from server.db.migrate import current_revision, upgrade
from server.db.session import create_engine
from server.demo import is_seeded, seed_demo
from server.demo.load import analyze as analyze_database
from server.settings import Settings

TARGET_P95_MS = {"sqlite": 20.0, "postgresql": 25.0}


@dataclass
class Result:
    database: str
    query: str
    total: str
    p50_ms: float
    p95_ms: float
    runs: int
    load: float
    """The 1-minute load average when the query's runs ended."""
    kind: str = "search"  # search (has a target), deep, csv
    note: str = ""
    cpu_p50_ms: float | None = None
    """The bench process's CPU time per call (p50): the app, and on SQLite the database too
    (its thread); unlike the elapsed time, it hardly moves with the machine's load."""
    rate: float | None = None
    """CSV: rows per second over the whole stream."""
    slowest_rate: float | None = None
    """CSV: rows per second over the slowest twentieth of the stream."""
    db_cpu_ms: float | None = None
    """PostgreSQL on this machine: its backends' CPU time per call (mean), read from /proc
    (the server's work, which ``cpu_p50_ms`` does not hold)."""
    target_ms: float | None = None
    """The p95 target, for a database of the size the target is set for (100,000 tickets)."""


def _load() -> float:
    return round(os.getloadavg()[0], 2)


# ------------------------------------------------------------------ the database


async def _exists(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database or "").exists()
    import asyncpg

    admin = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )
    try:
        found = await admin.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", parsed.database
        )
    finally:
        await admin.close()
    return found is not None


async def _create(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        return  # the driver creates the file
    import asyncpg

    admin = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )
    try:
        await admin.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await admin.close()


async def _prepare(url: str, build: int | None, analyze: bool) -> str:
    """Make ``url`` ready to measure; say what was done (built, analysed, statistics)."""
    shown = make_url(url).render_as_string(hide_password=True)
    created = False
    if not await _exists(url):
        if build is None:
            raise SystemExit(f"{shown} does not exist (give --build N to create it)")
        await _create(url)
        created = True
    engine = create_engine(url)
    try:
        revision = await current_revision(engine)
        await upgrade(url, engine)
        upgraded = revision is not None and revision != await current_revision(engine)
        if not await is_seeded(engine):
            if build is None:
                raise SystemExit(f"{shown} holds no data (give --build N to load the demo)")
            print(f"loading the demo data ({build} tickets) into {shown} ...", flush=True)
            started = time.perf_counter()
            await seed_demo(engine, tickets=build)
            print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
            note = "created and loaded" if created else "loaded"
        else:
            note = "as given"
            if upgraded:
                note += f", schema upgraded from {revision}"
            if analyze or upgraded:  # a migration's new columns and indexes have no statistics
                await analyze_database(engine)
                note += ", ANALYZE run"
        note += ", " + await _statistics(engine)
    finally:
        await engine.dispose()
    return note


DATA = Path(__file__).resolve().parent / ".data"
"""Where ``bench.tickets_tui`` keeps its SQLite database (it names it itself)."""


async def _ensure_database(url: str, tickets: int) -> None:
    """For ``bench.tickets_tui``: create and load ``url`` with ``tickets`` demo tickets
    unless it exists and holds data (nothing is dropped)."""
    await _prepare(url, tickets, analyze=False)


async def _statistics(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            has = (
                await conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                )
            ).scalar()
            if has:
                has = (await conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1")).scalar()
        else:
            has = (
                await conn.execute(
                    text("SELECT count(*) FROM pg_stats WHERE tablename = 'tickets'")
                )
            ).scalar()
    return "planner statistics present" if has else "NO planner statistics (try --analyze)"


# ------------------------------------------------------------------ the queries


async def _queries(url: str) -> dict[str, dict[str, Any]]:
    """The query kinds, with values read from the data (they exist at any size)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            t, c, a = db.Ticket, db.Customer, db.Appliance
            row = (
                await conn.execute(
                    select(c.home_phone, c.city, a.model_code)
                    .select_from(t)
                    .join(c, c.id == t.customer_id)
                    .join(a, a.id == t.appliance_id)
                    .where(c.home_phone != "", c.city != "")
                    .order_by(t.id)
                    .limit(1)
                )
            ).one()
            engineer = (
                await conn.execute(
                    select(db.User.full_name)
                    .join(t, t.engineer_id == db.User.id)
                    .order_by(t.id)
                    .limit(1)
                )
            ).scalar_one()
            first, last, count = (
                await conn.execute(
                    select(func.min(t.created_at), func.max(t.created_at), func.count())
                )
            ).one()
    finally:
        await engine.dispose()
    phone = "".join(ch for ch in row.home_phone if ch.isdigit())
    middle = first + (last - first) / 2
    day_from: dt.date = middle.date()
    queries: dict[str, dict[str, Any]] = {
        "": {"offset": max(count - 50, 0)},  # the deep page (measured apart)
        "text 'martin'": {"q": "martin"},
        "text 'dub 7'": {"q": "dub 7"},
        "postal code '67'": {"postal_code": "67"},
        "postal code '671'": {"postal_code": "671"},
        f"phone '{phone[-6:]}'": {"phone": phone[-6:]},
        f"city '{row.city[:4]}'": {"city": row.city[:4]},
        f"model '{row.model_code[:4]}'": {"model": row.model_code[:4]},
        f"engineer '{engineer.split()[-1].lower()}'": {"engineer": engineer.split()[-1]},
        "created, one week": {
            "created_from": day_from.isoformat(),
            "created_to": (day_from + dt.timedelta(days=6)).isoformat(),
        },
        "status to_contact": {"status": "to_contact"},
        "status confirmed+closed, by customer": {
            "status": ["confirmed", "closed"],
            "sort": "customer",
            "desc": "false",
        },
        "overdue": {"overdue": "true"},
        "waiting for parts": {"waiting_parts": "true"},
        "status to_contact + postal '6'": {"status": "to_contact", "postal_code": "6"},
    }
    for sort in TicketSort:
        for desc in (False, True):
            queries[f"sort {sort.value} {'desc' if desc else 'asc'}"] = {
                "sort": sort.value,
                "desc": str(desc).lower(),
            }
    return queries


class _ServerCpu:
    """The CPU time of a local PostgreSQL's backends serving the bench's database (the
    utime and stime of each in /proc); nothing elsewhere (SQLite, a remote server)."""

    def __init__(self, connection: Any, database: str) -> None:
        self.connection = connection
        self.database = database
        self.pids: list[int] = []
        self.ticks = 0

    @classmethod
    async def open(cls, url: str) -> _ServerCpu:
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql" or parsed.host not in (
            "127.0.0.1",
            "localhost",
            None,
        ):
            return cls(None, "")
        import asyncpg

        connection = await asyncpg.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            database="postgres",
        )
        return cls(connection, parsed.database or "")

    def _read(self) -> int:
        ticks = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks

    async def start(self) -> None:
        if self.connection is None:
            return
        rows = await self.connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1", self.database
        )
        self.pids = [row["pid"] for row in rows]
        self.ticks = self._read()

    def per_call(self, runs: int) -> float | None:
        if self.connection is None or not self.pids:
            return None
        spent = (self._read() - self.ticks) / os.sysconf("SC_CLK_TCK")
        return round(spent * 1000 / runs, 2)

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _total(page: dict[str, Any]) -> str:
    exact = page.get("total_exact", True)
    return f"{page['total']}" + ("" if exact else "+")


async def _measure(
    label: str, url: str, runs: int, csv_rows: int, only: list[str] | None
) -> list[Result]:
    queries = await _queries(url)
    deep = queries.pop("")
    if only:
        queries = {k: v for k, v in queries.items() if any(o in k for o in only)}
    app = create_app(Settings(database_url=url))
    results = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        login = await http.post("/auth/login", json={"username": "operator", "password": "demo"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        server_cpu = await _ServerCpu.open(url)
        for name, params in queries.items():
            times, cpu, total = [], [], ""
            for run in range(runs + 1):
                if run == 1:
                    await server_cpu.start()
                started, cpu_started = time.perf_counter(), time.process_time()
                answer = await http.get("/tickets", params=params, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                cpu_ms = (time.process_time() - cpu_started) * 1000
                answer.raise_for_status()
                page = answer.json()
                total = _total(page)
                if run:
                    times.append(elapsed)
                    cpu.append(cpu_ms)
            results.append(_result(label, name, total, times))
            results[-1].cpu_p50_ms = round(statistics.median(cpu), 2)
            results[-1].db_cpu_ms = server_cpu.per_call(runs)
            print(_line(results[-1]), flush=True)
        await server_cpu.close()
        if not only:
            times = []
            for run in range(runs // 5 + 1):
                started = time.perf_counter()
                answer = await http.get("/tickets", params=deep, headers=headers)
                answer.raise_for_status()
                if run:
                    times.append((time.perf_counter() - started) * 1000)
            results.append(
                _result(
                    label,
                    f"deep page (offset {deep['offset']})",
                    _total(answer.json()),
                    times,
                    kind="deep",
                )
            )
            print(_line(results[-1]), flush=True)
    await app.state.engine.dispose()
    if not only:
        results.append(await _export(label, url, csv_rows))
        print(_line(results[-1]), flush=True)
    return results


async def _export(label: str, url: str, csv_rows: int) -> Result:
    """Stream ``/tickets.csv`` (every ticket, machine format) up to ``csv_rows`` rows from a
    server of its own (uvicorn in another process, over a socket: the ASGI transport would
    hand over the whole body at once)."""
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "server.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "SAV_DATABASE_URL": url},
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            for _ in range(300):
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            login = await http.post(
                "/auth/login", json={"username": "operator", "password": "demo"}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            started = time.perf_counter()
            rows, first_byte = -1, None
            marks: list[tuple[int, float]] = []  # (rows, seconds) every 5 % of the stream
            step = max(csv_rows // 20, 1)
            async with http.stream(
                "GET", "/tickets.csv", params={"format": "machine"}, headers=headers
            ) as answer:
                answer.raise_for_status()
                async for chunk in answer.aiter_bytes():
                    if first_byte is None:
                        first_byte = time.perf_counter() - started
                    rows += chunk.count(b"\n")
                    if not marks or rows - marks[-1][0] >= step:
                        marks.append((rows, time.perf_counter() - started))
                    if rows >= csv_rows:
                        break
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    marks.append((rows, elapsed))
    rates = [(r2 - r1) / (t2 - t1) for (r1, t1), (r2, t2) in itertools.pairwise(marks) if t2 > t1]
    slowest = _percentile(rates, 0.1) if rates else 0.0
    return Result(
        database=label,
        query="CSV export (machine, own server)",
        total=str(rows),
        p50_ms=round(elapsed * 1000, 1),
        p95_ms=round(elapsed * 1000, 1),
        runs=1,
        load=_load(),
        kind="csv",
        rate=round(rows / elapsed),
        slowest_rate=round(slowest),
        note=(
            f"{rows / elapsed:,.0f} rows/s overall, slowest twentieth {slowest:,.0f} rows/s, "
            f"first bytes after {(first_byte or 0) * 1000:.0f} ms"
        ),
    )


def _result(
    database: str, query: str, total: str, times: list[float], kind: str = "search"
) -> Result:
    return Result(
        database=database,
        query=query,
        total=total,
        p50_ms=round(statistics.median(times), 2),
        p95_ms=round(_percentile(times, 0.95), 2),
        runs=len(times),
        load=_load(),
        kind=kind,
    )


def _line(r: Result) -> str:
    flag = ""
    if r.target_ms is not None and r.kind != "csv":
        flag = "pass" if r.p95_ms <= r.target_ms else "MISS"
    cpu = f"{r.cpu_p50_ms:>8.1f}" if r.cpu_p50_ms is not None else " " * 8
    cpu += f"{r.db_cpu_ms:>7.1f}" if r.db_cpu_ms is not None else " " * 7
    line = (
        f"{r.database:<16}{r.query:<40}{r.total:>8}{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}"
        f"{cpu}{r.load:>6.2f}  {flag}"
    )
    return line + (f"  {r.note}" if r.note else "")


def _header() -> str:
    return (
        f"{'database':<16}{'query':<40}{'total':>8}{'p50 ms':>9}{'p95 ms':>9}{'cpu p50':>8}"
        f"{'db cpu':>7}{'load':>6}"
    )


def _report(results: list[Result]) -> None:
    print()
    print(_header())
    for r in results:
        print(_line(r))
    targets = ", ".join(f"{ms:.0f} ms on {name}" for name, ms in TARGET_P95_MS.items())
    print(
        f"target: p95 at most {targets}, for every query kind at {TARGET_TICKETS:,} tickets "
        "(other sizes are reported only; a quiet machine: load < 1.5)"
    )


def _record(r: Result) -> None:
    """Keep ``r`` for ``make bench``'s table (``bench.results``)."""
    if r.kind == "csv":
        record("search", f"CSV export rows/s, {r.database}", r.rate or 0.0, "rows/s", note=r.note)
        if r.slowest_rate is not None:
            record(
                "search",
                f"CSV export rows/s, slowest twentieth, {r.database}",
                r.slowest_rate,
                "rows/s",
            )
        return
    target = None if r.target_ms is None else f"≤ {r.target_ms:.0f} ms"
    record(
        "search",
        f"search p95, {r.database}, {r.query}",
        r.p95_ms,
        "ms",
        target=target,
        passed=None if r.target_ms is None else r.p95_ms <= r.target_ms,
        note=f"p50 {r.p50_ms:.1f} ms"
        + (f", cpu {r.cpu_p50_ms:.1f} ms" if r.cpu_p50_ms else "")
        + (f", PostgreSQL cpu {r.db_cpu_ms:.1f} ms" if r.db_cpu_ms is not None else ""),
    )


TARGET_TICKETS = 100_000
"""The size the p95 targets are set for."""

SQLITE_DEFAULT = 100_000
"""Without ``--database``: SQLite at this size (``bench.tickets_tui``'s file, shared) ..."""

PG_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
PG_DEFAULTS = {100_000: "sav_bench_search_100k", 300_000: "sav_bench_search_300k"}
"""... and these PostgreSQL databases on ``--pg-server`` when it answers."""


def sqlite_url(tickets: int) -> str:
    """The SQLite database of ``tickets`` demo tickets under bench/.data (made if missing);
    the same file as ``bench.tickets_tui``'s."""
    DATA.mkdir(exist_ok=True)
    return f"sqlite+aiosqlite:///{DATA / f'search-{tickets}.db'}"


async def _answers(server: str) -> bool:
    """Whether the PostgreSQL server at ``server`` takes connections."""
    import asyncpg

    parsed = make_url(server)
    try:
        connection = await asyncio.wait_for(
            asyncpg.connect(
                host=parsed.host,
                port=parsed.port,
                user=parsed.username,
                password=parsed.password,
                database="postgres",
            ),
            timeout=5,
        )
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


async def _default_databases(pg_server: str | None) -> list[tuple[str, int]]:
    databases = [(sqlite_url(SQLITE_DEFAULT), SQLITE_DEFAULT)]
    if pg_server and await _answers(pg_server):
        base = pg_server.rstrip("/")
        databases += [(f"{base}/{name}", size) for size, name in PG_DEFAULTS.items()]
    else:
        print(f"PostgreSQL at {pg_server} does not answer: SQLite only", flush=True)
    return databases


async def _tickets(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(db.Ticket))).scalar_one()
            )
    finally:
        await engine.dispose()


async def _main(args: argparse.Namespace) -> list[Result]:
    if args.database:
        databases = [(url, args.build) for url in args.database]
    else:
        databases = await _default_databases(None if args.pg_server == "none" else args.pg_server)
    results: list[Result] = []
    for url, build in databases:
        note = await _prepare(url, build, args.analyze)
        shown = make_url(url).render_as_string(hide_password=True)
        tickets = await _tickets(url)
        backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[make_url(url).get_backend_name()]
        label = f"{backend} {tickets / 1000:.0f}k"
        target = (
            TARGET_P95_MS[make_url(url).get_backend_name()] if tickets == TARGET_TICKETS else None
        )
        print(f"{shown}: {note}; {tickets:,} tickets; load {_load()}", flush=True)
        print(_header(), flush=True)
        measured = await _measure(label, url, args.runs, args.csv_rows, args.only)
        for r in measured:
            r.target_ms = target
            _record(r)
        results += measured
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database",
        action="append",
        metavar="URL",
        help="a database to measure (sqlite+aiosqlite:///path or postgresql+asyncpg://...); "
        "repeat it to measure several. Default: bench/.data/search-100000.db, and "
        f"{', '.join(PG_DEFAULTS.values())} on --pg-server when it answers (each made and "
        "loaded when missing)",
    )
    parser.add_argument(
        "--pg-server",
        default=PG_SERVER,
        metavar="URL",
        help=f"the PostgreSQL server of the default databases (default {PG_SERVER}; "
        "'none': SQLite only)",
    )
    parser.add_argument(
        "--build",
        type=int,
        metavar="N",
        help="create a --database that does not exist and load N demo tickets into it",
    )
    parser.add_argument(
        "--analyze", action="store_true", help="run ANALYZE first on a database given as it is"
    )
    parser.add_argument("--runs", type=int, default=50, help="timed calls per query (default 50)")
    parser.add_argument(
        "--csv-rows", type=int, default=100_000, help="rows of the CSV export (default 100000)"
    )
    parser.add_argument(
        "--only", action="append", help="only the query kinds whose name holds this text"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = asyncio.run(_main(args))
    _report(results)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
