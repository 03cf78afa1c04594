"""Reading tickets and ticket groups, as the signed-in user may see them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from client import models as wire
from server.db import models as db
from server.services import mapping, status_machine
from server.services.tenancy import get_scoped, scope

Operator = aliased(db.User)
Engineer = aliased(db.User)


def _summary_stmt():  # type: ignore[no-untyped-def]
    return (
        select(
            db.Ticket,
            db.Customer,
            db.Appliance.model_code,
            db.ServiceCentre.code,
            Engineer.full_name,
            Operator.full_name,
        )
        .join(db.Customer, db.Customer.id == db.Ticket.customer_id)
        .join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
        .outerjoin(db.ServiceCentre, db.ServiceCentre.id == db.Ticket.service_centre_id)
        .outerjoin(Engineer, Engineer.id == db.Ticket.engineer_id)
        .outerjoin(Operator, Operator.id == db.Ticket.operator_id)
    )


async def get_ticket(
    session: AsyncSession, ticket_id: int, user: db.User, overdue_hours: int, now: dt.datetime
) -> wire.Ticket:
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    row = (await session.execute(_summary_stmt().where(db.Ticket.id == ticket.id))).one()
    _, customer, _, centre_code, engineer, operator = row
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    centre = (
        await session.get(db.ServiceCentre, ticket.service_centre_id)
        if ticket.service_centre_id
        else None
    )
    updater = await session.get(db.User, ticket.updated_by_id) if ticket.updated_by_id else None
    status = wire.TicketStatus(ticket.status)
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
        service_centre_code=centre_code,
        engineer=engineer,
        appointment_at=ticket.appointment_at,
        follow=ticket.follow,
        waiting_parts=ticket.waiting_parts,
        exchange=ticket.exchange,
        overdue=mapping.is_overdue(ticket.status, ticket.status_changed_at, now, overdue_hours),
        service_centre_name=centre.name if centre else None,
        contact_due_at=(
            ticket.status_changed_at + dt.timedelta(hours=overdue_hours)
            if status is wire.TicketStatus.TO_CONTACT
            else None
        ),
        updated_at=ticket.updated_at,
        updated_by=updater.full_name if updater else None,
        actions=status_machine.allowed_actions(status, wire.Role(user.role)),
    )


async def get_group(
    session: AsyncSession, group_id: int, user: db.User, overdue_hours: int, now: dt.datetime
) -> wire.TicketGroup:
    group = await get_scoped(session, db.TicketGroup, group_id, user, what="ticket group")
    customer = await session.get(db.Customer, group.customer_id)
    assert customer is not None
    stmt = scope(
        _summary_stmt().where(db.Ticket.group_id == group.id).order_by(db.Ticket.id),
        db.Ticket.service_centre_id,
        user,
    )
    summaries = [
        wire.TicketSummary(
            id=t.id,
            group_id=t.group_id,
            status=wire.TicketStatus(t.status),
            created_at=t.created_at,
            status_changed_at=t.status_changed_at,
            customer_name=f"{c.last_name} {c.first_name}".strip(),
            city=c.city,
            postal_code=c.postal_code,
            model_code=model_code,
            service_centre_code=centre_code,
            engineer=engineer,
            operator=operator,
            appointment_at=t.appointment_at,
            overdue=mapping.is_overdue(t.status, t.status_changed_at, now, overdue_hours),
        )
        for t, c, model_code, centre_code, engineer, operator in (await session.execute(stmt)).all()
    ]
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
