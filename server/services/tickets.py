"""Reading tickets and ticket groups, as the signed-in user may see them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from server.db import models as db
from server.services import contact_clock, mapping, status_machine, ticket_query
from server.services.tenancy import get_scoped, scope


async def _user_name(session: AsyncSession, user_id: int | None) -> str | None:
    user = await session.get(db.User, user_id) if user_id is not None else None
    return user.full_name if user is not None else None


async def get_ticket(
    session: AsyncSession, ticket_id: int, user: db.User, overdue_hours: int, now: dt.datetime
) -> wire.Ticket:
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    customer = await session.get(db.Customer, ticket.customer_id)
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert customer is not None and appliance is not None
    centre = (
        await session.get(db.ServiceCentre, ticket.service_centre_id)
        if ticket.service_centre_id
        else None
    )
    engineer, operator, updater = [
        await _user_name(session, user_id)
        for user_id in (ticket.engineer_id, ticket.operator_id, ticket.updated_by_id)
    ]
    status = wire.TicketStatus(ticket.status)
    clock_start = contact_clock.start(ticket.contact_clock_at, ticket.status_changed_at)
    left = contact_clock.left_when_paused(ticket, overdue_hours)
    return wire.Ticket(
        id=ticket.id,
        group_id=ticket.group_id,
        status=status,
        version=ticket.version,
        created_at=ticket.created_at,
        status_changed_at=ticket.status_changed_at,
        customer=mapping.customer(customer),
        appliance=mapping.appliance(appliance),
        problem=ticket.problem,
        ticket_type=ticket.ticket_type,
        warranty=wire.WarrantyStatus(ticket.warranty),
        external_ref=ticket.external_ref,
        operator=operator,
        service_centre_code=centre.code if centre else None,
        engineer=engineer,
        appointment_at=ticket.appointment_at,
        follow=ticket.follow,
        waiting_parts=ticket.waiting_parts,
        exchange=ticket.exchange,
        overdue=contact_clock.is_overdue(ticket.status, clock_start, now, overdue_hours),
        service_centre_name=centre.name if centre else None,
        contact_due_at=contact_clock.due_at(ticket.status, clock_start, overdue_hours),
        contact_attempts=await contact_attempts(session, ticket.id),
        contact_paused_minutes_left=(None if left is None else int(left.total_seconds() // 60)),
        updated_at=ticket.updated_at,
        updated_by=updater,
        actions=status_machine.allowed_actions(status, wire.Role(user.role)),
    )


async def contact_attempts(session: AsyncSession, ticket_id: int) -> int:
    """The failed contact attempts recorded on the ticket (its *not reachable* entries)."""
    return (
        await session.execute(
            select(func.count()).where(
                db.HistoryEntry.ticket_id == ticket_id,
                db.HistoryEntry.event == wire.HistoryEvent.UNREACHABLE.value,
            )
        )
    ).scalar_one()


async def get_group(
    session: AsyncSession, group_id: int, user: db.User, overdue_hours: int, now: dt.datetime
) -> wire.TicketGroup:
    group = await get_scoped(session, db.TicketGroup, group_id, user, what="ticket group")
    customer = await session.get(db.Customer, group.customer_id)
    assert customer is not None
    stmt = scope(
        ticket_query.summary_stmt().where(db.Ticket.group_id == group.id).order_by(db.Ticket.id),
        db.Ticket.service_centre_id,
        user,
    )
    rows = (await session.execute(stmt)).all()
    summaries = [ticket_query.summary(row, now, overdue_hours) for row in rows]
    centre = (
        await session.get(db.ServiceCentre, group.service_centre_id)
        if group.service_centre_id
        else None
    )
    return wire.TicketGroup(
        id=group.id,
        customer=mapping.customer(customer),
        service_centre_code=centre.code if centre else None,
        created_at=group.created_at,
        tickets=summaries,
    )
