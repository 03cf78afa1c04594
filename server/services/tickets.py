"""Reading tickets and ticket groups, as the signed-in user may see them."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from client import models as wire
from server.db import models as db
from server.db.session import execute_columns
from server.services import contact_clock, mapping, status_machine, ticket_query
from server.services.tenancy import (
    get_scoped,
    not_found,
    scope_bound,
    scoped_params,
    scoped_stmt,
    sees_all_centres,
)

_Engineer = aliased(db.User)
_Operator = aliased(db.User)
_Updater = aliased(db.User)


@functools.cache
def _ticket_stmt(scoped: bool) -> Select[Any]:
    """A ticket with everything its screen shows, in one statement (it took eight, one per
    customer, appliance, centre, user name and the count of contact attempts): built once,
    the ticket's id bound as ``ticket_id`` and, ``scoped``, the reader's centre as
    ``centre_id``."""
    attempts = (
        select(func.count())
        .where(
            db.HistoryEntry.ticket_id == db.Ticket.id,
            db.HistoryEntry.event == wire.HistoryEvent.UNREACHABLE.value,
        )
        .scalar_subquery()
    )
    stmt = (
        select(
            db.Ticket,
            db.Customer,
            db.Appliance,
            db.ServiceCentre,
            _Engineer.full_name,
            _Operator.full_name,
            _Updater.full_name,
            attempts,
        )
        .join(db.Customer, db.Customer.id == db.Ticket.customer_id)
        .join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
        .outerjoin(db.ServiceCentre, db.ServiceCentre.id == db.Ticket.service_centre_id)
        .outerjoin(_Engineer, _Engineer.id == db.Ticket.engineer_id)
        .outerjoin(_Operator, _Operator.id == db.Ticket.operator_id)
        .outerjoin(_Updater, _Updater.id == db.Ticket.updated_by_id)
        .where(db.Ticket.id == bindparam("ticket_id"))
    )
    if scoped:
        stmt = stmt.where(db.Ticket.service_centre_id == bindparam("centre_id"))
    return stmt


async def get_ticket(
    session: AsyncSession, ticket_id: int, user: db.User, overdue_hours: int, now: dt.datetime
) -> wire.Ticket:
    found = None
    if sees_all_centres(user):
        found = (await session.execute(_ticket_stmt(False), {"ticket_id": ticket_id})).first()
    elif user.service_centre_id is not None:
        params = {"ticket_id": ticket_id, "centre_id": user.service_centre_id}
        found = (await session.execute(_ticket_stmt(True), params)).first()
    if found is None:  # not there, or not the reader's: get_scoped's 404
        await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
        raise AssertionError("get_scoped found a ticket the reader may not see")
    ticket, customer, appliance, centre, engineer, operator, updater, attempts = found
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
        contact_attempts=attempts,
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


@functools.cache
def _group_stmt(mode: str) -> Select[*tuple[Any, ...]]:
    """A ticket group with its customer and centre, as ``get_scoped`` restricts it (``mode``,
    ``scoped_params``), in one statement (it took three): built once."""
    return (
        scoped_stmt(db.TicketGroup, mode)
        .add_columns(db.Customer, db.ServiceCentre)
        .join(db.Customer, db.Customer.id == db.TicketGroup.customer_id)
        .outerjoin(db.ServiceCentre, db.ServiceCentre.id == db.TicketGroup.service_centre_id)
    )


@functools.cache
def _group_tickets_stmt(mode: str) -> Select[*tuple[Any, ...]]:
    """The summaries of a group's tickets (``group_id``) the reader may see, by id: built
    once, restricted as the tenancy does (``mode`` of ``scoped_params``; ``scope_bound``)."""
    stmt = ticket_query.summary_stmt().where(db.Ticket.group_id == bindparam("group_id"))
    return scope_bound(stmt, db.Ticket.service_centre_id, mode).order_by(db.Ticket.id)


async def get_group(
    session: AsyncSession, group_id: int, user: db.User, overdue_hours: int, now: dt.datetime
) -> wire.TicketGroup:
    mode, params = scoped_params(user, group_id)
    found = (await session.execute(_group_stmt(mode), params)).first()
    if found is None:
        raise not_found("ticket group", group_id)
    group, customer, centre = found
    params = {k: v for k, v in params.items() if k != "scoped_id"} | {"group_id": group.id}
    rows = (await execute_columns(session, _group_tickets_stmt(mode), params)).all()
    summaries = [ticket_query.summary(row, now, overdue_hours) for row in rows]
    return wire.TicketGroup(
        id=group.id,
        customer=mapping.customer(customer),
        service_centre_code=centre.code if centre else None,
        created_at=group.created_at,
        tickets=summaries,
    )
