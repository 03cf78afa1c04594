"""Parts received: a ticket waiting for parts goes back to confirmed, by the explicit action
(:func:`parts_received`, the centre's staff), or by :func:`settle_shipped` for every ticket
whose order lines are all shipped (called by server.services.shipments when a shipment is
recorded)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import OrderStatus, TicketAction, TicketStatus
from server.db import models as db
from server.services import events, ticket_actions


async def settle_shipped(
    session: AsyncSession, now: dt.datetime, ticket_ids: list[int] | None = None
) -> list[int]:
    """Every ticket waiting for parts (of ``ticket_ids``, or all) whose order lines are all
    shipped goes back to confirmed (one history entry each, written by the system); the
    tickets moved.

    Called where order lines become shipped (server.services.shipments.record, in the
    shipment's transaction); it commits."""
    short = func.sum(
        case((db.OrderLine.quantity_shipped < db.OrderLine.quantity_requested, 1), else_=0)
    )
    query = (
        select(db.Ticket.id)
        .join(db.OrderLine, db.OrderLine.ticket_id == db.Ticket.id)
        .join(db.Order, db.Order.id == db.OrderLine.order_id)
        .where(
            db.Ticket.status == TicketStatus.WAITING_PARTS.value,
            db.Order.status != OrderStatus.CANCELLED.value,
        )
        .group_by(db.Ticket.id)
        .having(short == 0)
        .order_by(db.Ticket.id)
    )
    if ticket_ids is not None:
        query = query.where(db.Ticket.id.in_(ticket_ids))
    ready = (await session.execute(query)).scalars().all()
    moved: list[int] = []
    for ticket_id in ready:
        result = await session.execute(
            update(db.Ticket)
            .where(
                db.Ticket.id == ticket_id,
                db.Ticket.status == TicketStatus.WAITING_PARTS.value,
            )
            .values(
                status=TicketStatus.CONFIRMED.value,
                waiting_parts=False,
                status_changed_at=now,
                updated_at=now,
                updated_by_id=None,
                version=db.Ticket.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            continue
        event = events.parts_received()
        session.add(
            db.HistoryEntry(
                ticket_id=ticket_id,
                at=now,
                author_id=None,
                author_name="sav",
                status=TicketStatus.CONFIRMED.value,
                appointment_at=None,
                type=wire.HistoryType.STATUS_CHANGE.value,
                event=event.code.value,
                params=event.params,
                note="",
                email_to=None,
            )
        )
        moved.append(ticket_id)
    await session.commit()
    return moved


async def parts_received(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    body: wire.NoteRequest,
    *,
    if_match: int | None,
    now: dt.datetime,
) -> None:
    """The explicit action: waiting for parts -> confirmed (the centre's staff)."""
    await ticket_actions.transition(
        session, ticket_id, user, TicketAction.PARTS_RECEIVED, body, if_match=if_match, now=now
    )
