"""The supplier sync: every order still pending (``sent``) is checked with its supplier, and
what the supplier changed becomes a pending diff (``sync_diff``), never applied here.

Why a database lease and not a scheduling library: the sync must run once per period however
many server processes (and machines) share the database, on SQLite (embedded) as on
PostgreSQL (team server), and a run killed midway must resume without duplicate diffs.
APScheduler 3 with its SQLAlchemy job store shares job *definitions* but every process that
loads them fires them (its documentation warns that sharing a job store between schedulers
runs jobs twice); APScheduler 4's data stores would fit but it is still a pre-release;
procrastinate needs PostgreSQL. What makes "exactly once" true is a row: one
``supplier_sync_runs`` row per centre and period, claimed by a unique insert (the loser's
insert does nothing), worked on under a lease (``owner``, ``lease_until``) renewed with
each batch, taken over by a conditional update once the lease ran out (the process died),
with per-order progress so the taker asks only for what is left. The ticker that wakes up to
claim (``sync_schedule.py``) is then a few lines of asyncio: it may fire in every process,
only one wins each period.

Supplier calls run with bounded concurrency (``supplier_sync_concurrency``); results are
written in batches by one writer (SQLite has one writer anyway), each batch one transaction
that also renews the lease. A supplier that is down is asked once (the adapter's retries),
then its client's cooldown answers "unavailable" at once for its other orders: the run ends
``partial`` and reports it; the next period (or Synchronise) asks again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.services.upsert import insert_ignore
from server.settings import Settings
from server.suppliers.adapter import (
    HttpSupplierClient,
    RetryPolicy,
    SupplierAuthError,
    SupplierBadAnswer,
    SupplierClient,
    SupplierCredentials,
    SupplierError,
    SupplierUnavailable,
)
from server.suppliers.db_models import SupplierAccount
from server.suppliers.launcher import supplier_url
from server.suppliers.models import SupplierOrder as RemoteOrder
from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine
from server.suppliers.registry import SupplierClients
from server.suppliers.secrets import secret_box
from server.suppliers.sync_diff import LineNow, detect, reconcile
from server.suppliers.sync_models import (
    SupplierOrderChange,
    SupplierSyncRun,
    SupplierSyncRunOrder,
)

log = logging.getLogger("sav.suppliers.sync")

Sessions = async_sessionmaker[AsyncSession]
SyncClientFactory = Callable[[str, str, SupplierCredentials], SupplierClient]
BATCH = 50
PROCESS = f"{socket.gethostname()}:{os.getpid()}"


def sync_client(supplier: str, url: str, credentials: SupplierCredentials) -> SupplierClient:
    """A client for the background sync: the adapter's default timeouts, three tries."""
    return HttpSupplierClient(supplier, url, credentials, retry=RetryPolicy(attempts=3))


def period_start(now: dt.datetime, hours: float) -> dt.datetime:
    """The start of the sync period ``now`` falls in (periods counted from the epoch, UTC)."""
    seconds = max(1, round(hours * 3600))
    stamp = int(now.timestamp())
    return dt.datetime.fromtimestamp(stamp - stamp % seconds, dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LostLease(Exception):
    """Another process took the run over (this one was too slow to renew its lease)."""


# --------------------------------------------------------------------------- claiming


async def claim(
    sessions: Sessions,
    centre_id: int,
    period: str,
    *,
    kind: str,
    now: dt.datetime,
    lease_seconds: float,
    user_id: int | None = None,
) -> tuple[int, str] | None:
    """Claim the run of ``centre_id`` for ``period``: (run id, owner) when this caller is to
    work on it — a new run, or one whose worker died (lease ran out) — else None (done, or
    being done by another process)."""
    owner = f"{PROCESS}:{uuid.uuid4().hex[:8]}"
    lease = now + dt.timedelta(seconds=lease_seconds)
    async with sessions() as session:
        inserted = await insert_ignore(
            session,
            SupplierSyncRun.__table__,
            service_centre_id=centre_id,
            period=period,
            kind=kind,
            status="running",
            owner=owner,
            lease_until=lease,
            started_at=now,
            started_by_id=user_id,
            orders_checked=0,
            changes_found=0,
        )
        run = (
            await session.execute(
                select(SupplierSyncRun).where(
                    SupplierSyncRun.service_centre_id == centre_id,
                    SupplierSyncRun.period == period,
                )
            )
        ).scalar_one()
        if inserted:
            await session.commit()
            return run.id, owner
        if run.status != "running" or run.lease_until > now:
            await session.rollback()
            return None
        return await _take_over(session, run, owner, now, lease)


async def _take_over(
    session: AsyncSession, run: SupplierSyncRun, owner: str, now: dt.datetime, lease: dt.datetime
) -> tuple[int, str] | None:
    taken = await session.execute(
        update(SupplierSyncRun)
        .where(
            SupplierSyncRun.id == run.id,
            SupplierSyncRun.status == "running",
            SupplierSyncRun.owner == run.owner,
            SupplierSyncRun.lease_until <= now,
        )
        .values(owner=owner, lease_until=lease)
    )
    await session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    log.info("supplier sync run %s taken over (its worker stopped)", run.id)
    return run.id, owner


async def abandoned_runs(sessions: Sessions, now: dt.datetime) -> list[tuple[int, str]]:
    """Runs still ``running`` whose lease ran out: (centre id, period), to claim again."""
    async with sessions() as session:
        rows = await session.execute(
            select(SupplierSyncRun.service_centre_id, SupplierSyncRun.period).where(
                SupplierSyncRun.status == "running", SupplierSyncRun.lease_until <= now
            )
        )
        return [(c, p) for c, p in rows.all()]


# --------------------------------------------------------------------------- running


@dataclass
class _Problem:
    supplier: str
    kind: str
    orders: int = 0


@dataclass
class _Outcome:
    order_id: int
    remote: RemoteOrder | None = None
    problem: tuple[int, str, str] | None = None  # (account id, supplier, kind)


@dataclass
class RunContext:
    sessions: Sessions
    settings: Settings
    make_client: SyncClientFactory = sync_client
    clients: SupplierClients | None = None
    clock: Callable[[], dt.datetime] = utc_now


async def run(ctx: RunContext, run_id: int, owner: str) -> None:
    """Check every order of the run's centre still ``sent`` and not yet checked by this run;
    write the diff; finish the run (``done``, or ``partial`` when a supplier did not answer)."""
    settings = ctx.settings
    async with ctx.sessions() as session:
        the_run = await session.get(SupplierSyncRun, run_id)
        assert the_run is not None
        done = select(SupplierSyncRunOrder.supplier_order_id).where(
            SupplierSyncRunOrder.run_id == run_id
        )
        orders = (
            await session.execute(
                select(
                    SupplierOrder.id,
                    SupplierOrder.supplier_order_number,
                    SupplierOrder.supplier_account_id,
                )
                .where(
                    SupplierOrder.service_centre_id == the_run.service_centre_id,
                    SupplierOrder.status == "sent",
                    SupplierOrder.supplier_order_number.is_not(None),
                    SupplierOrder.id.not_in(done),
                )
                .order_by(SupplierOrder.id)
            )
        ).all()
        account_ids = {account for _, _, account in orders}
        accounts = {
            a.id: a
            for a in (
                await session.execute(
                    select(SupplierAccount).where(SupplierAccount.id.in_(account_ids))
                )
            ).scalars()
        }
    clients: dict[int, SupplierClient | None] = {}
    own: list[SupplierClient] = []
    for account_id in account_ids:
        clients[account_id] = await _client(ctx, accounts.get(account_id), own)
    semaphore = asyncio.Semaphore(max(1, settings.supplier_sync_concurrency))

    async def fetch(order_id: int, number: str, account_id: int) -> _Outcome:
        client = clients.get(account_id)
        account = accounts.get(account_id)
        supplier = account.supplier if account else "?"
        if client is None:
            return _Outcome(order_id, problem=(account_id, supplier, "no_account"))
        async with semaphore:
            try:
                return _Outcome(order_id, remote=await client.get_order(number))
            except SupplierUnavailable:
                kind = "unavailable"
            except SupplierAuthError:
                kind = "wrong_account"
            except SupplierBadAnswer:
                kind = "bad_answer"
            except SupplierError:
                kind = "refused"
            return _Outcome(order_id, problem=(account_id, supplier, kind))

    problems: dict[tuple[int, str], _Problem] = {}
    try:
        batch: list[_Outcome] = []
        tasks = [
            asyncio.ensure_future(fetch(order_id, number, account_id))
            for order_id, number, account_id in orders
            if number is not None  # the query's own filter, for the type
        ]
        try:
            for next_done in asyncio.as_completed(tasks):
                outcome = await next_done
                if outcome.problem is not None:
                    account_id, supplier, kind = outcome.problem
                    problem = problems.setdefault((account_id, kind), _Problem(supplier, kind))
                    problem.orders += 1
                    continue
                batch.append(outcome)
                if len(batch) >= BATCH:
                    await _write(ctx, run_id, owner, batch)
                    batch = []
            await _write(ctx, run_id, owner, batch)
        finally:
            for task in tasks:
                task.cancel()
        await _finish(ctx, run_id, owner, list(problems.values()))
    finally:
        for client in own:
            await client.aclose()


async def _client(
    ctx: RunContext, account: SupplierAccount | None, own: list[SupplierClient]
) -> SupplierClient | None:
    if account is None:
        return None
    try:  # the embedded platform is started on first use, here too
        url = await supplier_url(ctx.settings, account.supplier)
    except SupplierUnavailable:
        return None
    if url is None:
        return None
    secret = (
        secret_box(ctx.settings).decrypt(account.secret_encrypted)
        if account.secret_encrypted
        else None
    )
    credentials = SupplierCredentials(account.user_name, account.customer_id, secret)
    if ctx.clients is None:
        client = ctx.make_client(account.supplier, url, credentials)
        own.append(client)
        return client
    return await ctx.clients.get(
        account.id,
        account.version,
        account.supplier,
        lambda: ctx.make_client(account.supplier, url, credentials),
    )


async def _renew(
    session: AsyncSession, run_id: int, owner: str, now: dt.datetime, ctx: RunContext
) -> None:
    lease = now + dt.timedelta(seconds=ctx.settings.supplier_sync_lease_seconds)
    renewed = await session.execute(
        update(SupplierSyncRun)
        .where(
            SupplierSyncRun.id == run_id,
            SupplierSyncRun.owner == owner,
            SupplierSyncRun.status == "running",
        )
        .values(lease_until=lease)
    )
    if renewed.rowcount != 1:  # type: ignore[attr-defined]
        raise LostLease(run_id)


async def _write(ctx: RunContext, run_id: int, owner: str, batch: Sequence[_Outcome]) -> None:
    """One transaction: the batch's diff, its progress, the lease renewed."""
    if not batch:
        return
    now = ctx.clock()
    remote = {o.order_id: o.remote for o in batch if o.remote is not None}
    async with ctx.sessions() as session:
        await _renew(session, run_id, owner, now, ctx)
        the_run = await session.get(SupplierSyncRun, run_id)
        assert the_run is not None
        still_sent = set(
            (
                await session.execute(
                    select(SupplierOrder.id).where(
                        SupplierOrder.id.in_(remote), SupplierOrder.status == "sent"
                    )
                )
            ).scalars()
        )
        lines: dict[int, list[LineNow]] = {}
        for row in (
            await session.execute(
                select(SupplierOrderLine).where(SupplierOrderLine.supplier_order_id.in_(still_sent))
            )
        ).scalars():
            lines.setdefault(row.supplier_order_id, []).append(_line_now(row))
        line_ids = [line.id for group in lines.values() for line in group]
        pending: dict[tuple[int, str], tuple[int, str]] = {}
        dismissed: set[tuple[int, str, str]] = set()
        for change in (
            await session.execute(
                select(SupplierOrderChange).where(
                    SupplierOrderChange.supplier_order_line_id.in_(line_ids),
                    SupplierOrderChange.status.in_(("pending", "dismissed")),
                )
            )
        ).scalars():
            key = (change.supplier_order_line_id, change.field)
            if change.status == "pending":
                pending[key] = (change.id, change.new)
            else:
                dismissed.add((*key, change.new))
        found = 0
        for order_id in sorted(still_sent):
            order_lines = lines.get(order_id, [])
            remote_order = remote[order_id]
            assert remote_order is not None
            writes = reconcile(order_lines, detect(order_lines, remote_order), pending, dismissed)
            for w in writes:
                if w.action == "insert":
                    inserted = await insert_ignore(
                        session,
                        SupplierOrderChange.__table__,
                        service_centre_id=the_run.service_centre_id,
                        supplier_order_id=order_id,
                        supplier_order_line_id=w.line_id,
                        field=w.field,
                        old=w.old,
                        new=w.new,
                        detected_at=now,
                        updated_at=now,
                        status="pending",
                    )
                    found += int(inserted)
                elif w.action == "update":
                    await session.execute(
                        update(SupplierOrderChange)
                        .where(
                            SupplierOrderChange.id == w.change_id,
                            SupplierOrderChange.status == "pending",
                        )
                        .values(new=w.new, old=w.old, updated_at=now)
                    )
                else:
                    await session.execute(
                        delete(SupplierOrderChange).where(
                            SupplierOrderChange.id == w.change_id,
                            SupplierOrderChange.status == "pending",
                        )
                    )
        for order_id in remote:
            await insert_ignore(
                session,
                SupplierSyncRunOrder.__table__,
                run_id=run_id,
                supplier_order_id=order_id,
                checked_at=now,
            )
        await session.execute(
            update(SupplierSyncRun)
            .where(SupplierSyncRun.id == run_id)
            .values(
                orders_checked=SupplierSyncRun.orders_checked + len(remote),
                changes_found=SupplierSyncRun.changes_found + found,
            )
        )
        await session.commit()


def _line_now(row: SupplierOrderLine) -> LineNow:
    return LineNow(
        id=row.id,
        line_no=row.line_no,
        supplier_line_ref=row.supplier_line_ref,
        ordered_code=row.ordered_code,
        part_name=row.part_name,
        purchase_price=row.purchase_price,
        sale_price=row.sale_price,
        expected_delivery=row.expected_delivery,
    )


async def _finish(ctx: RunContext, run_id: int, owner: str, problems: list[_Problem]) -> None:
    now = ctx.clock()
    stored: list[dict[str, Any]] = [
        {"supplier": p.supplier, "kind": p.kind, "orders": p.orders} for p in problems
    ]
    async with ctx.sessions() as session:
        finished = await session.execute(
            update(SupplierSyncRun)
            .where(
                SupplierSyncRun.id == run_id,
                SupplierSyncRun.owner == owner,
                SupplierSyncRun.status == "running",
            )
            .values(
                status="partial" if problems else "done",
                finished_at=now,
                problems=stored or None,
            )
        )
        await session.commit()
    if finished.rowcount != 1:  # type: ignore[attr-defined]
        raise LostLease(run_id)
    for p in problems:
        log.warning(
            "supplier sync run %s: %s %s for %d orders", run_id, p.supplier, p.kind, p.orders
        )


# --------------------------------------------------------------------------- entry points


async def sync_centre(
    ctx: RunContext,
    centre_id: int,
    *,
    kind: str = "manual",
    period: str | None = None,
    user_id: int | None = None,
) -> int | None:
    """Claim and run one sync of ``centre_id``: a Synchronise (a run of its own) or the
    scheduled one of ``period``. The run's id, or None when another process has it."""
    now = ctx.clock()
    if period is None:
        period = f"manual:{now.isoformat()}:{uuid.uuid4().hex[:8]}"
    claimed = await claim(
        ctx.sessions,
        centre_id,
        period,
        kind=kind,
        now=now,
        lease_seconds=ctx.settings.supplier_sync_lease_seconds,
        user_id=user_id,
    )
    if claimed is None:
        return None
    run_id, owner = claimed
    await run(ctx, run_id, owner)
    return run_id


async def centres_with_pending_orders(sessions: Sessions) -> list[int]:
    async with sessions() as session:
        rows = await session.execute(
            select(SupplierOrder.service_centre_id)
            .where(SupplierOrder.status == "sent")
            .group_by(SupplierOrder.service_centre_id)
        )
        return sorted(rows.scalars())


async def sync_due(ctx: RunContext) -> list[int]:
    """The scheduled work, as any process may do it at any moment: take over the runs whose
    worker died, then run this period's sync of every centre with pending orders (each only
    if no other process has). The ids of the runs this call did."""
    now = ctx.clock()
    done: list[int] = []
    for centre_id, period in await abandoned_runs(ctx.sessions, now):
        kind = "manual" if period.startswith("manual:") else "scheduled"
        run_id = await sync_centre(ctx, centre_id, kind=kind, period=period)
        if run_id is not None:
            done.append(run_id)
    period = period_start(now, ctx.settings.supplier_sync_hours).isoformat()
    for centre_id in await centres_with_pending_orders(ctx.sessions):
        run_id = await sync_centre(ctx, centre_id, kind="scheduled", period=period)
        if run_id is not None:
            done.append(run_id)
    return done


async def orders_left(session: AsyncSession, run: SupplierSyncRun) -> int:
    done = select(SupplierSyncRunOrder.supplier_order_id).where(
        SupplierSyncRunOrder.run_id == run.id
    )
    return int(
        (
            await session.execute(
                select(func.count()).where(
                    SupplierOrder.service_centre_id == run.service_centre_id,
                    SupplierOrder.status == "sent",
                    SupplierOrder.id.not_in(done),
                )
            )
        ).scalar_one()
    )
