"""The pending diff of a centre's supplier orders: shown, applied, dismissed; and its syncs.

Changes are detected by the sync (``sync.py``) and applied only here, by a person: each
change is decided once (compare-and-set from ``pending``), so applying twice changes nothing
more. Applying writes the new value into the order line and one history entry per tied
ticket and order. A change on an order cancelled meanwhile is refused and stays pending (it
can be dismissed); nothing is applied half-way when the changes were named one by one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import Role
from client.models.supplier_sync import (
    ChangeDecision,
    DecisionResult,
    RefusedChange,
    SupplierChange,
    SupplierChanges,
    SyncProblem,
    SyncSummary,
    TouchedCart,
    TouchedTicket,
)
from server.db import models as db
from server.errors import Conflict, Invalid, NotFound
from server.i18n import _, ngettext
from server.services import events, ticket_history
from server.services.dashboard import OPEN_STATUSES, last_success_at
from server.services.tenancy import require_role
from server.suppliers.accounts import SUPPLIER_NAMES
from server.suppliers.db_models import SupplierAccount
from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine
from server.suppliers.sync import orders_left
from server.suppliers.sync_diff import from_text
from server.suppliers.sync_models import SupplierOrderChange, SupplierSyncRun

MAX_LISTED = 5000
OPEN = {s.value for s in OPEN_STATUSES}
PROBLEM_KINDS = ("unavailable", "wrong_account", "refused", "bad_answer", "no_account")


def problem_message(kind: str, supplier: str, orders: int) -> str:
    """What went wrong with a supplier during a sync, for the user."""
    if kind == "wrong_account":
        return _("{supplier} refuses the centre's account: enter it again").format(
            supplier=supplier
        )
    if kind == "bad_answer":
        return _("{supplier} answered something unexpected: nothing of it was kept").format(
            supplier=supplier
        )
    if kind == "refused":
        text = ngettext(
            "{supplier} does not know {orders} order",
            "{supplier} does not know {orders} orders",
            orders,
        )
    elif kind == "no_account":
        text = ngettext(
            "no account with {supplier} any more: {orders} order not checked",
            "no account with {supplier} any more: {orders} orders not checked",
            orders,
        )
    else:
        text = ngettext(
            "{supplier} did not answer: {orders} order not checked, asked again at the next sync",
            "{supplier} did not answer: {orders} orders not checked, asked again at the next sync",
            orders,
        )
    return text.format(supplier=supplier, orders=orders)


def centre_of(user: db.User) -> int:
    """The centre whose supplier orders the user works on (operators have none: 403)."""
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    assert user.service_centre_id is not None
    return user.service_centre_id


def _supplier_name(supplier: str) -> str:
    name = SUPPLIER_NAMES.get(supplier)
    return _(name) if name else supplier


async def summary(session: AsyncSession, run: SupplierSyncRun) -> SyncSummary:
    problems = [
        SyncProblem(
            supplier=p["supplier"],
            supplier_name=_supplier_name(p["supplier"]),
            kind=p["kind"],
            message=problem_message(p["kind"], _supplier_name(p["supplier"]), p["orders"]),
            orders=p["orders"],
        )
        for p in run.problems or ()
        if p.get("kind") in PROBLEM_KINDS
    ]
    return SyncSummary(
        run_id=run.id,
        kind="manual" if run.kind == "manual" else "scheduled",
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        orders_checked=run.orders_checked,
        orders_left=await orders_left(session, run) if run.status != "done" else 0,
        changes_found=run.changes_found,
        problems=problems,
    )


async def last_run(session: AsyncSession, centre_id: int) -> SupplierSyncRun | None:
    return (
        await session.execute(
            select(SupplierSyncRun)
            .where(
                SupplierSyncRun.service_centre_id == centre_id,
                SupplierSyncRun.finished_at.is_not(None),
            )
            .order_by(SupplierSyncRun.finished_at.desc(), SupplierSyncRun.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


# --------------------------------------------------------------------------- listing


async def list_changes(
    session: AsyncSession, user: db.User, *, limit: int = MAX_LISTED, offset: int = 0
) -> SupplierChanges:
    """The centre's pending changes, per order and line, each with the open tickets and the
    carts it touches; when the sync last succeeded, and how the last run went."""
    centre_id = centre_of(user)
    C, L, Ord = SupplierOrderChange, SupplierOrderLine, SupplierOrder
    # columns, not entities: 2,000 changes are read without building 6,000 ORM objects
    rows = (
        await session.execute(
            select(
                C.id,
                C.field,
                C.old,
                C.new,
                C.detected_at,
                L.id.label("line_id"),
                L.line_no,
                L.ticket_id,
                L.requested_code,
                L.ordered_code,
                L.part_name,
                Ord.id.label("order_id"),
                Ord.client_reference,
                Ord.supplier_order_number,
                Ord.status.label("order_status"),
                SupplierAccount.supplier,
            )
            .join(L, L.id == C.supplier_order_line_id)
            .join(Ord, Ord.id == C.supplier_order_id)
            .join(SupplierAccount, SupplierAccount.id == Ord.supplier_account_id)
            .where(C.service_centre_id == centre_id, C.status == "pending")
            .order_by(Ord.id, L.line_no, C.id)
            .limit(min(limit, MAX_LISTED))
            .offset(offset)
        )
    ).all()
    total = (
        await session.execute(
            select(func.count()).where(C.service_centre_id == centre_id, C.status == "pending")
        )
    ).scalar_one()
    ticket_ids = {row.ticket_id for row in rows if row.ticket_id}
    tickets = {
        t.id: t
        for t in (
            await session.execute(
                select(db.Ticket).where(
                    db.Ticket.id.in_(ticket_ids),
                    db.Ticket.service_centre_id == centre_id,
                    db.Ticket.status.in_(OPEN),
                )
            )
        ).scalars()
    }
    carts = await _carts(session, centre_id, rows)
    items = []
    for row in rows:
        touched = []
        ticket = tickets.get(row.ticket_id) if row.ticket_id else None
        if ticket is not None:
            late = bool(
                row.field == "expected_delivery"
                and row.new
                and ticket.appointment_at is not None
                and dt.date.fromisoformat(row.new) > ticket.appointment_at.date()
            )
            touched.append(
                TouchedTicket(
                    id=ticket.id,
                    status=wire.TicketStatus(ticket.status),
                    appointment_at=ticket.appointment_at,
                    late=late,
                )
            )
        items.append(
            SupplierChange(
                id=row.id,
                order_id=row.order_id,
                client_reference=row.client_reference,
                supplier_order_number=row.supplier_order_number,
                supplier=row.supplier,
                order_status=row.order_status,
                line_id=row.line_id,
                line_no=row.line_no,
                requested_code=row.requested_code,
                ordered_code=row.ordered_code,
                part_name=row.part_name,
                field=row.field,
                old=row.old,
                new=row.new,
                detected_at=row.detected_at,
                tickets=touched,
                carts=_carts_of(carts, row) if carts else [],
            )
        )
    last = await last_run(session, centre_id)
    return SupplierChanges(
        items=items,
        total=total,
        offset=offset,
        last_success_at=await last_success_at(session, centre_id),
        last_run=await summary(session, last) if last else None,
    )


async def _carts(
    session: AsyncSession, centre_id: int, rows: Sequence[Row[*tuple[Any, ...]]]
) -> list[tuple[str, int, str, int | None]]:
    """Cart lines of the centre's people holding a changed line's part or ticket:
    (user, quantity, part code, ticket id)."""
    codes: set[str] = set()
    ticket_ids: set[int] = set()
    for row in rows:
        codes.update((row.requested_code, row.ordered_code))
        if row.ticket_id:
            ticket_ids.add(row.ticket_id)
    if not rows:
        return []
    found = await session.execute(
        select(db.User.username, db.CartLine.quantity, db.Part.code, db.CartLine.ticket_id)
        .join(db.User, db.User.id == db.CartLine.user_id)
        .join(db.Part, db.Part.id == db.CartLine.part_id)
        .where(
            db.User.service_centre_id == centre_id,
            or_(db.Part.code.in_(codes), db.CartLine.ticket_id.in_(ticket_ids)),
        )
    )
    return [(u, q, c, t) for u, q, c, t in found.all()]


def _carts_of(
    carts: Sequence[tuple[str, int, str, int | None]], line: Row[*tuple[Any, ...]]
) -> list[TouchedCart]:
    codes = {line.requested_code, line.ordered_code}
    return [
        TouchedCart(user=user, quantity=quantity)
        for user, quantity, code, ticket in carts
        if code in codes or (line.ticket_id is not None and ticket == line.ticket_id)
    ]


# --------------------------------------------------------------------------- deciding


async def _targets(
    session: AsyncSession, centre_id: int, body: ChangeDecision
) -> list[tuple[SupplierOrderChange, SupplierOrder]]:
    C = SupplierOrderChange
    if not body.all and not body.ids:
        raise Invalid(
            _("name the changes to decide, or all of them"),
            fields={"ids": _("name at least one change")},
        )
    stmt = (
        select(C, SupplierOrder)
        .join(SupplierOrder, SupplierOrder.id == C.supplier_order_id)
        .where(C.service_centre_id == centre_id)
    )
    if body.all:
        stmt = stmt.where(C.status == "pending")
    else:
        stmt = stmt.where(C.id.in_(set(body.ids)))
    rows = [(c, o) for c, o in (await session.execute(stmt.order_by(C.id))).all()]
    if not body.all:
        missing = sorted(set(body.ids) - {c.id for c, _ in rows})
        if missing:  # another centre's change reads exactly as one that does not exist
            raise NotFound(
                _("supplier change {id} not found").format(id=", ".join(map(str, missing)))
            )
    return rows


def _order_name(order: SupplierOrder) -> str:
    return order.supplier_order_number or order.client_reference


async def apply_changes(
    session: AsyncSession, user: db.User, body: ChangeDecision, now: dt.datetime
) -> DecisionResult:
    """Write the changes into their order lines, and a history entry on each tied ticket."""
    centre_id = centre_of(user)
    rows = await _targets(session, centre_id, body)
    refused = [
        RefusedChange(
            id=change.id,
            reason="order_cancelled",
            message=_(
                "order {order} was cancelled meanwhile: its change cannot be applied (dismiss it)"
            ).format(order=_order_name(order)),
        )
        for change, order in rows
        if change.status == "pending" and order.status == "cancelled"
    ]
    if refused and not body.all:
        names = sorted({_order_name(o) for c, o in rows if c.id in {r.id for r in refused}})
        raise Conflict(
            ngettext(
                "order {orders} was cancelled meanwhile: nothing was applied; dismiss its changes",
                "orders {orders} were cancelled meanwhile: nothing was applied; dismiss "
                "their changes",
                len(names),
            ).format(orders=", ".join(names)),
            code="order_cancelled",
        )
    refused_ids = {r.id for r in refused}
    done: list[int] = []
    already: list[int] = []
    per_ticket: dict[tuple[int, int], list[dict[str, str]]] = defaultdict(list)
    orders: dict[int, SupplierOrder] = {}
    for change, order in rows:
        if change.id in refused_ids:
            continue
        if change.status != "pending":
            already.append(change.id)
            continue
        decided = await session.execute(
            update(SupplierOrderChange)
            .where(SupplierOrderChange.id == change.id, SupplierOrderChange.status == "pending")
            .values(status="applied", decided_by_id=user.id, decided_at=now)
        )
        if decided.rowcount != 1:  # type: ignore[attr-defined]  # decided meanwhile
            already.append(change.id)
            continue
        line = await session.get(SupplierOrderLine, change.supplier_order_line_id)
        assert line is not None
        part = line.ordered_code
        setattr(line, change.field, from_text(change.field, change.new))
        done.append(change.id)
        if line.ticket_id is not None:
            orders[order.id] = order
            per_ticket[(line.ticket_id, order.id)].append(
                {"field": change.field, "part": part, "old": change.old, "new": change.new}
            )
    tickets = await _history(session, user, per_ticket, orders, now)
    await session.commit()
    return DecisionResult(done=done, already=already, refused=refused, tickets=tickets)


async def _history(
    session: AsyncSession,
    user: db.User,
    per_ticket: dict[tuple[int, int], list[dict[str, str]]],
    orders: dict[int, SupplierOrder],
    now: dt.datetime,
) -> list[int]:
    ticket_ids = sorted({t for t, _ in per_ticket})
    statuses = dict(
        (
            await session.execute(
                select(db.Ticket.id, db.Ticket.status).where(db.Ticket.id.in_(ticket_ids))
            )
        ).all()
    )
    for (ticket_id, order_id), changes in sorted(per_ticket.items()):
        event = events.supplier_changes_applied(_order_name(orders[order_id]), changes)
        session.add(
            ticket_history.event_note(
                ticket_id,
                statuses.get(ticket_id, ""),
                event,
                now,
                author_id=user.id,
                author_name=user.full_name,
            )
        )
    return ticket_ids


async def dismiss_changes(
    session: AsyncSession, user: db.User, body: ChangeDecision, now: dt.datetime
) -> DecisionResult:
    """Keep the orders as they are, and record that the changes were seen and declined."""
    centre_id = centre_of(user)
    rows = await _targets(session, centre_id, body)
    done: list[int] = []
    already: list[int] = []
    for change, _order in rows:
        decided = await session.execute(
            update(SupplierOrderChange)
            .where(SupplierOrderChange.id == change.id, SupplierOrderChange.status == "pending")
            .values(status="dismissed", decided_by_id=user.id, decided_at=now)
        )
        (done if decided.rowcount == 1 else already).append(change.id)  # type: ignore[attr-defined]
    await session.commit()
    return DecisionResult(done=done, already=already)
