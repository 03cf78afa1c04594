"""The supplier sync against the platform running as its own process: changes made with
``sav supplier change`` become a pending diff, shown with the tickets they touch, applied
(once) or dismissed; a period runs once across processes; a killed run resumes."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from server.db import models as db
from server.db.session import create_engine, session_factory
from server.settings import Settings
from server.suppliers import sync
from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine
from server.suppliers.sync_models import SupplierOrderChange, SupplierSyncRun
from tests.suppliers.conftest import RunningPlatform
from tests.suppliers.sync_helpers import centre_id, sent_order


async def _headers(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _change(platform: RunningPlatform, reference: str, *args: str) -> None:
    """``sav supplier change REFERENCE …``, as a person would (its own process)."""
    done = platform.sav("change", reference, *args)
    assert done.returncode == 0, done.stderr


def _quick_change(platform: RunningPlatform, reference: str, **change: Any) -> None:
    """The same change through the platform's store (no process start: for many orders)."""
    from server.suppliers.platform.store import Store

    Store(platform.database).change_order(reference, **change)


async def _count(url: str, stmt: Any) -> int:
    engine = create_engine(url)
    async with engine.connect() as conn:
        n = (await conn.execute(stmt)).scalar_one()
    await engine.dispose()
    return int(n)


async def _mine(http: httpx.AsyncClient, headers: dict[str, str], reference: str) -> list[Any]:
    listed = await http.get("/supplier-changes", headers=headers)
    assert listed.status_code == 200, listed.text
    return [c for c in listed.json()["items"] if c["client_reference"] == reference]


async def test_a_change_is_detected_once_shown_with_its_ticket_and_applied_once(
    http: httpx.AsyncClient,
    database_url: str,
    supplier_platform: RunningPlatform,
    reference: str,
) -> None:
    await sent_order(database_url, supplier_platform.url, reference)
    tech = await _headers(http, "tech")
    late = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    _change(supplier_platform, reference, "--delivery", late)
    first = await http.post("/supplier-sync", headers=tech)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "done" and first.json()["changes_found"] >= 1
    again = await http.post("/supplier-sync", headers=tech)
    assert again.json()["changes_found"] == 0  # the same change, detected again: nothing more
    (change,) = [c for c in await _mine(http, tech, reference) if c["field"] == "expected_delivery"]
    assert change["new"] == late and change["tickets"][0]["id"] == 116496
    ticket = (await http.get("/tickets/116496", headers=tech)).json()
    assert change["tickets"][0]["late"] is bool(ticket.get("appointment_at"))
    listed = (await http.get("/supplier-changes", headers=tech)).json()
    assert listed["last_success_at"] is not None
    home = (await http.get("/dashboard", headers=tech)).json()
    assert home["supplier_sync_at"] == listed["last_success_at"]

    entries = (
        select(func.count())
        .select_from(db.HistoryEntry)
        .where(
            db.HistoryEntry.ticket_id == 116496, db.HistoryEntry.event == "supplier_changes_applied"
        )
    )
    applied = await http.post("/supplier-changes/apply", json={"ids": [change["id"]]}, headers=tech)
    assert applied.status_code == 200, applied.text
    assert applied.json()["done"] == [change["id"]] and applied.json()["tickets"] == [116496]
    assert await _count(database_url, entries) == 1
    twice = await http.post("/supplier-changes/apply", json={"ids": [change["id"]]}, headers=tech)
    assert twice.json()["done"] == [] and twice.json()["already"] == [change["id"]]
    assert await _count(database_url, entries) == 1
    delivery = (
        select(SupplierOrderLine.expected_delivery)
        .join(SupplierOrder)
        .where(SupplierOrder.client_reference == reference)
    )
    assert (await _count(database_url, select(func.count()).select_from(delivery.subquery()))) == 1
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(delivery)).scalar_one().isoformat() == late
    await engine.dispose()
    # the history says it in the reader's language
    history = await http.get("/tickets/116496/history", headers=tech | {"Accept-Language": "fr"})
    texts = [e["text"] for e in history.json()["items"] if e["event"] == "supplier_changes_applied"]
    assert texts and "date de livraison" in texts[0]
    # applied: no longer offered, and the next sync finds nothing new
    assert [
        c for c in await _mine(http, tech, reference) if c["field"] == "expected_delivery"
    ] == []
    assert (await http.post("/supplier-sync", headers=tech)).json()["changes_found"] == 0


async def test_a_part_renamed_twice_is_one_change_old_to_latest(
    http: httpx.AsyncClient,
    database_url: str,
    supplier_platform: RunningPlatform,
    reference: str,
) -> None:
    await sent_order(database_url, supplier_platform.url, reference)
    tech = await _headers(http, "tech")
    _change(supplier_platform, reference, "--name", "BRULEUR AUX. V2")
    _change(supplier_platform, reference, "--name", "BRULEUR AUX. V3")
    await http.post("/supplier-sync", headers=tech)
    (change,) = [c for c in await _mine(http, tech, reference) if c["field"] == "part_name"]
    assert (change["old"], change["new"]) == ("BRULEUR AUXILIAIRE", "BRULEUR AUX. V3")
    # renamed once more before the user decided: still one change, old → latest
    _change(supplier_platform, reference, "--name", "BRULEUR AUX. V4")
    await http.post("/supplier-sync", headers=tech)
    (again,) = [c for c in await _mine(http, tech, reference) if c["field"] == "part_name"]
    assert (again["id"], again["old"], again["new"]) == (
        change["id"],
        "BRULEUR AUXILIAIRE",
        "BRULEUR AUX. V4",
    )
    # dismissed: kept as it was, recorded, and not offered again for the same value
    dismissed = await http.post(
        "/supplier-changes/dismiss", json={"ids": [again["id"]]}, headers=tech
    )
    assert dismissed.json()["done"] == [again["id"]]
    await http.post("/supplier-sync", headers=tech)
    assert [c for c in await _mine(http, tech, reference) if c["field"] == "part_name"] == []
    names = (
        select(SupplierOrderLine.part_name)
        .join(SupplierOrder)
        .where(SupplierOrder.client_reference == reference)
    )
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(names)).scalar_one() == "BRULEUR AUXILIAIRE"
        decided = (
            await conn.execute(
                select(SupplierOrderChange.status, SupplierOrderChange.decided_by_id).where(
                    SupplierOrderChange.id == again["id"]
                )
            )
        ).one()
    await engine.dispose()
    assert decided[0] == "dismissed" and decided[1] is not None


async def test_a_supplier_that_is_down_is_reported_and_the_others_are_synced(
    http: httpx.AsyncClient,
    database_url: str,
    supplier_platform: RunningPlatform,
    reference: str,
) -> None:
    await sent_order(database_url, supplier_platform.url, reference)
    await sent_order(database_url, supplier_platform.url, reference + "-x", supplier="closed")
    _change(supplier_platform, reference, "--price", "99.90")
    tech = await _headers(http, "tech") | {"Accept-Language": "fr"}
    answer = (await http.post("/supplier-sync", headers=tech)).json()
    assert answer["status"] == "partial" and answer["orders_left"] == 1
    (problem,) = answer["problems"]
    assert (problem["supplier"], problem["kind"], problem["orders"]) == ("closed", "unavailable", 1)
    assert "n'a pas répondu" in problem["message"]
    (change,) = [c for c in await _mine(http, tech, reference) if c["field"] == "purchase_price"]
    assert change["new"] == "99.90"
    listed = (await http.get("/supplier-changes", headers=tech)).json()
    assert listed["last_run"]["status"] == "partial" and listed["last_success_at"] is None


async def test_a_change_on_an_order_cancelled_meanwhile_is_refused_and_nothing_applied(
    http: httpx.AsyncClient,
    database_url: str,
    supplier_platform: RunningPlatform,
    reference: str,
) -> None:
    order_id = await sent_order(database_url, supplier_platform.url, reference)
    other = reference + "-b"
    await sent_order(database_url, supplier_platform.url, other)
    _change(supplier_platform, reference, "--sale-price", "30.00")
    _change(supplier_platform, other, "--sale-price", "31.00")
    tech = await _headers(http, "tech")
    await http.post("/supplier-sync", headers=tech)
    (change,) = await _mine(http, tech, reference)
    (kept,) = await _mine(http, tech, other)
    # the centre cancels the order (at the supplier, then here): its change stays pending
    cancelled = await http.post(f"/supplier-orders/{order_id}/cancel", headers=tech)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert [c["id"] for c in await _mine(http, tech, reference)] == [change["id"]]
    refused = await http.post(
        "/supplier-changes/apply", json={"ids": [change["id"], kept["id"]]}, headers=tech
    )
    assert refused.status_code == 409 and refused.json()["code"] == "order_cancelled"
    assert "cancelled" in refused.json()["message"]
    # nothing applied half-way: the other order's change is still pending
    assert [c["id"] for c in await _mine(http, tech, other)] == [kept["id"]]
    every = (await http.post("/supplier-changes/apply", json={"all": True}, headers=tech)).json()
    assert kept["id"] in every["done"] and change["id"] not in every["done"]
    assert [r["reason"] for r in every["refused"] if r["id"] == change["id"]] == ["order_cancelled"]
    dismissed = await http.post(
        "/supplier-changes/dismiss", json={"ids": [change["id"]]}, headers=tech
    )
    assert dismissed.json()["done"] == [change["id"]]


def _context(settings: Settings, clock: Any = None) -> sync.RunContext:
    engine = create_engine(settings.database_url)
    return sync.RunContext(
        sessions=session_factory(engine), settings=settings, clock=clock or sync.utc_now
    )


async def test_two_processes_run_one_period_once(
    database_url: str, settings: Settings, supplier_platform: RunningPlatform, reference: str
) -> None:
    for n in range(3):
        await sent_order(database_url, supplier_platform.url, f"{reference}-{n}")
        _quick_change(supplier_platform, f"{reference}-{n}", name=f"RENAMED {n}")
    centre = await centre_id(database_url)
    one, two = _context(settings), _context(settings)  # two engines: two processes
    period = "2026-12-01T18:00:00+00:00"
    ran = await asyncio.gather(
        sync.sync_centre(one, centre, kind="scheduled", period=period),
        sync.sync_centre(two, centre, kind="scheduled", period=period),
    )
    assert sorted(r is None for r in ran) == [False, True]
    again = await sync.sync_centre(two, centre, kind="scheduled", period=period)
    assert again is None  # done: the period is not run again
    runs = select(func.count()).select_from(SupplierSyncRun)
    assert await _count(database_url, runs) == 1
    changes = (
        select(func.count())
        .select_from(SupplierOrderChange)
        .where(SupplierOrderChange.field == "part_name")
    )
    assert await _count(database_url, changes) == 3
    # two Synchronise at once (runs of their own) add no duplicate either
    await asyncio.gather(sync.sync_centre(one, centre), sync.sync_centre(two, centre))
    assert await _count(database_url, changes) == 3
    for ctx in (one, two):
        await ctx.sessions.kw["bind"].dispose()


async def test_a_killed_run_is_taken_over_and_resumes_without_duplicates(
    database_url: str,
    settings: Settings,
    supplier_platform: RunningPlatform,
    reference: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(6):
        await sent_order(database_url, supplier_platform.url, f"{reference}-{n}")
        _quick_change(supplier_platform, f"{reference}-{n}", purchase_price_cents=2000 + n)
    monkeypatch.setattr(sync, "BATCH", 2)
    settings = settings.model_copy(update={"supplier_sync_concurrency": 1})
    asked: list[str] = []
    kill_after = 3

    class Killed(BaseException):
        """The process dies: nothing of the run's own clean-up happens."""

    def counting(supplier: str, url: str, credentials: Any) -> Any:
        client = sync.sync_client(supplier, url, credentials)
        get_order = client.get_order

        async def counted(number: str) -> Any:
            if len(asked) == kill_after and kill_after:
                raise Killed
            asked.append(number)
            return await get_order(number)

        client.get_order = counted  # type: ignore[method-assign]
        return client

    centre = await centre_id(database_url)
    now = dt.datetime.now(dt.UTC)
    first = _context(settings, clock=lambda: now)
    first.make_client = counting
    with pytest.raises(Killed):
        await sync.sync_centre(first, centre, kind="scheduled", period="P1")
    assert len(asked) == 3
    runs = select(SupplierSyncRun.status, SupplierSyncRun.orders_checked)
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(runs)).one() == ("running", 2)  # one batch written
    await engine.dispose()
    # another process, before the lease ran out: leaves it alone
    second = _context(settings)
    soon = now + dt.timedelta(seconds=10)
    assert (
        await sync.claim(
            second.sessions, centre, "P1", kind="scheduled", now=soon, lease_seconds=120
        )
        is None
    )
    # after it ran out: takes it over and asks only for what is left
    kill_after = 0
    asked.clear()
    later = now + dt.timedelta(seconds=settings.supplier_sync_lease_seconds + 1)
    third = _context(settings, clock=lambda: later)
    third.make_client = counting
    claimed = await sync.claim(
        third.sessions, centre, "P1", kind="scheduled", now=later, lease_seconds=120
    )
    assert claimed is not None
    await sync.run(third, *claimed)
    assert len(asked) == 4  # the 6 orders less the 2 written before the kill
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(runs)).one() == ("done", 6)
    await engine.dispose()
    prices = (
        select(func.count())
        .select_from(SupplierOrderChange)
        .where(SupplierOrderChange.field == "purchase_price")
    )
    assert await _count(database_url, prices) == 6
    for ctx in (first, second, third):
        await ctx.sessions.kw["bind"].dispose()


async def test_the_client_synchronises_pages_the_diff_and_names_a_cancelled_order(
    signed_in: Any, database_url: str, supplier_platform: RunningPlatform, reference: str
) -> None:
    from client.api import ConflictError

    order_id = await sent_order(database_url, supplier_platform.url, reference)
    _change(supplier_platform, reference, "--price", "44.40", "--sale-price", "55.50")
    client = await signed_in("tech")
    summary = await client.synchronise_suppliers()
    assert summary.status == "done" and summary.changes_found == 2
    first = await client.supplier_changes(limit=1)
    second = await client.supplier_changes(limit=1, offset=1)
    assert first.total == second.total == 2 and second.offset == 1
    assert {first.items[0].field, second.items[0].field} == {"purchase_price", "sale_price"}
    assert (await client.cancel_supplier_order(order_id)).status == "cancelled"
    with pytest.raises(ConflictError, match=r"cancelled"):
        await client.apply_supplier_changes([first.items[0].id])
    dismissed = await client.dismiss_supplier_changes(every=True)
    assert sorted(dismissed.done) == sorted([first.items[0].id, second.items[0].id])
    assert (await client.supplier_changes()).total == 0


async def test_the_scheduled_sync_runs_each_period_once_and_the_ticker_starts_and_stops(
    database_url: str, settings: Settings, supplier_platform: RunningPlatform, reference: str
) -> None:
    from server.app import create_app

    await sent_order(database_url, supplier_platform.url, reference)
    _quick_change(supplier_platform, reference, name="RENAMED BY THE SCHEDULE")
    at = dt.datetime(2026, 12, 1, 19, 59, tzinfo=dt.UTC)
    ctx = _context(settings, clock=lambda: at)
    assert len(await sync.sync_due(ctx)) == 1
    assert await sync.sync_due(ctx) == []  # the same period: done already
    assert sync.period_start(at, 3).isoformat() == "2026-12-01T18:00:00+00:00"
    later = _context(settings, clock=lambda: at + dt.timedelta(hours=2))  # 21:59: the next
    assert len(await sync.sync_due(later)) == 1
    names = (
        select(func.count())
        .select_from(SupplierOrderChange)
        .where(SupplierOrderChange.new == "RENAMED BY THE SCHEDULE")
    )
    assert await _count(database_url, names) == 1
    for each in (ctx, later):
        await each.sessions.kw["bind"].dispose()
    app = create_app(settings)
    async with app.router.lifespan_context(app):  # the ticker starts (and waits a tick)
        pass
    await app.state.engine.dispose()


async def test_a_server_process_killed_midway_leaves_a_run_another_resumes(
    database_url: str, settings: Settings, supplier_platform: RunningPlatform, reference: str
) -> None:
    """A real kill: a process runs the sync (slowly), SIGKILL midway; after its lease ran out
    another takes the run over, asks only for the orders left, and stores no change twice."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.suppliers.conftest import ROOT

    for n in range(6):
        await sent_order(database_url, supplier_platform.url, f"{reference}-{n}")
        _quick_change(supplier_platform, f"{reference}-{n}", sale_price_cents=3000 + n)
    centre = await centre_id(database_url)
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "tests.suppliers.sync_worker", database_url),
            *(supplier_platform.url, str(centre), "P-KILL"),
        ],
        cwd=ROOT,
    )
    checked = select(SupplierSyncRun.orders_checked).where(SupplierSyncRun.period == "P-KILL")
    deadline = time.monotonic() + 30
    try:
        while True:
            engine = create_engine(database_url)
            async with engine.connect() as conn:
                done = (await conn.execute(checked)).scalar_one_or_none()
            await engine.dispose()
            if done is not None and done >= 2:
                break
            assert worker.poll() is None, "the worker ended before it was killed"
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    state = select(SupplierSyncRun.status, SupplierSyncRun.orders_checked).where(
        SupplierSyncRun.period == "P-KILL"
    )
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        status, before = (await conn.execute(state)).one()
    await engine.dispose()
    assert status == "running" and 2 <= before < 6
    asked: list[str] = []

    def counting(supplier: str, url: str, credentials: Any) -> Any:
        client = sync.sync_client(supplier, url, credentials)
        get_order = client.get_order

        async def counted(number: str) -> Any:
            asked.append(number)
            return await get_order(number)

        client.get_order = counted  # type: ignore[method-assign]
        return client

    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.supplier_sync_lease_seconds + 1)
    taker = _context(settings, clock=lambda: later)
    taker.make_client = counting
    assert await sync.sync_due(taker)  # the abandoned run is taken over (and this period run)
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(state)).one() == ("done", 6)
    await engine.dispose()
    prices = (
        select(func.count())
        .select_from(SupplierOrderChange)
        .where(SupplierOrderChange.field == "sale_price")
    )
    assert await _count(database_url, prices) == 6  # each change once, none twice
    # the taker asked for the orders left of the killed run, then for all 6 in its own period
    assert len(asked) == (6 - before) + 6
    await taker.sessions.kw["bind"].dispose()
