"""The home screen's figures: what needs the signed-in user today."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from server.db import models as db
from server.services import contact_clock
from server.services.tenancy import scope_bound, scope_kind, scope_params
from server.suppliers.sync_models import SupplierSyncRun

OPEN_STATUSES = frozenset(
    {
        wire.TicketStatus.TO_ASSIGN,
        wire.TicketStatus.TO_CONTACT,
        wire.TicketStatus.UNREACHABLE,
        wire.TicketStatus.CONFIRMED,
        wire.TicketStatus.WAITING_PARTS,
        wire.TicketStatus.EXCHANGE_REQUESTED,
    }
)


async def dashboard(
    session: AsyncSession, user: db.User, overdue_hours: int, now: dt.datetime
) -> wire.Dashboard:
    kind, params = scope_kind(user), scope_params(user)
    by_status = scope_bound(
        select(db.Ticket.status, func.count()).group_by(db.Ticket.status),
        db.Ticket.service_centre_id,
        kind,
    )
    counts: dict[str, int] = {status: n for status, n in await session.execute(by_status, params)}
    overdue_stmt = scope_bound(
        select(func.count()).where(contact_clock.overdue_condition(now, overdue_hours)),
        db.Ticket.service_centre_id,
        kind,
    )
    orders_stmt = scope_bound(
        select(func.count()).where(db.Order.status == wire.OrderStatus.AWAITING_VALIDATION.value),
        db.Order.service_centre_id,
        kind,
    )
    overdue = (await session.execute(overdue_stmt, params)).scalar_one()
    awaiting = (await session.execute(orders_stmt, params)).scalar_one()
    status_counts = [
        wire.StatusCount(status=s, count=counts.get(s.value, 0)) for s in wire.TicketStatus
    ]
    return wire.Dashboard(
        service_centre_code=user.service_centre.code if user.service_centre else None,
        status_counts=status_counts,
        overdue_contacts=overdue,
        orders_awaiting_validation=awaiting,
        open_tickets=sum(c.count for c in status_counts if c.status in OPEN_STATUSES),
        generated_at=now,
    )


async def last_success_at(session: AsyncSession, centre_id: int) -> dt.datetime | None:
    """When the centre's last supplier sync that checked every order finished (here, not in
    server.suppliers.changes: the home screen's figures need none of the supplier modules)."""
    return (
        await session.execute(
            select(func.max(SupplierSyncRun.finished_at)).where(
                SupplierSyncRun.service_centre_id == centre_id, SupplierSyncRun.status == "done"
            )
        )
    ).scalar_one_or_none()
