"""What sending an order to a supplier does beside the order: each tied ticket waits for parts
(with a history entry naming the supplier's order), and the optional e-mail to the supplier;
what cancelling a sent order does: a history entry on each tied ticket."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from client.models import TicketAction, TicketStatus
from server.db import models as db
from server.i18n import _
from server.services import events, mail, ticket_actions, ticket_history
from server.services.checkout import CAN_WAIT_FOR_PARTS, _ticket_statuses
from server.settings import Settings
from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine

log = logging.getLogger("sav.suppliers")


async def tickets_wait_for_parts(
    session: AsyncSession,
    user: db.User,
    ticket_ids: list[int],
    number: str,
    supplier: str,
    now: dt.datetime,
) -> None:
    """A confirmed ticket waits for parts; any other (already waiting, or moved meanwhile:
    the supplier has the order all the same) gets a history entry naming the order."""
    statuses = await _ticket_statuses(session, user, ticket_ids)
    ordered = events.parts_ordered(number, supplier=supplier)
    for ticket_id in ticket_ids:
        status = statuses.get(ticket_id)
        if status == TicketStatus.CONFIRMED.value:
            await ticket_actions.transition(
                session,
                ticket_id,
                user,
                TicketAction.ORDER_PARTS,
                None,
                if_match=None,
                now=now,
                commit=False,
                event=ordered,
            )
        elif status is not None:
            if status not in CAN_WAIT_FOR_PARTS:
                log.warning(
                    "ticket %s is %s: supplier order %s noted only", ticket_id, status, number
                )
            session.add(
                ticket_history.event_note(
                    ticket_id, status, ordered, now, author_id=user.id, author_name=user.full_name
                )
            )


async def tickets_note_cancelled(
    session: AsyncSession,
    user: db.User,
    ticket_ids: list[int],
    number: str,
    supplier: str,
    now: dt.datetime,
) -> None:
    """Each tied ticket gets a history entry saying the order was cancelled; its status is
    left alone, as when a manufacturer's order is withdrawn."""
    statuses = await _ticket_statuses(session, user, ticket_ids)
    cancelled = events.supplier_order_cancelled(number, supplier)
    for ticket_id in ticket_ids:
        status = statuses.get(ticket_id)
        if status is None:
            continue
        session.add(
            ticket_history.event_note(
                ticket_id, status, cancelled, now, author_id=user.id, author_name=user.full_name
            )
        )


async def confirm(
    session: AsyncSession,
    user: db.User,
    order: SupplierOrder,
    to: str,
    settings: Settings,
    now: dt.datetime,
) -> str:
    """E-mail the order to the supplier; "sent", "outbox", or "failed" (the order stands)."""
    centre = await session.get(db.ServiceCentre, order.service_centre_id)
    lines = (
        await session.execute(
            select(SupplierOrderLine)
            .where(SupplierOrderLine.supplier_order_id == order.id)
            .order_by(SupplierOrderLine.line_no)
        )
    ).scalars()
    text = [
        _("Order {number} (our reference {reference})").format(
            number=order.supplier_order_number, reference=order.client_reference
        ),
        _("From: {centre}").format(centre=centre.name if centre else ""),
        "",
    ]
    text += [
        f"{line.line_no}. {line.ordered_code} {line.part_name} × {line.quantity}" for line in lines
    ]
    message = mail.compose(
        settings=settings,
        to=to,
        subject=_("Order {number}").format(number=order.supplier_order_number),
        body="\n".join(text) + "\n",
        reply_to=user.email or None,
        now=now,
    )
    try:
        delivery = await mail.deliver(settings, message, what=f"supplier order {order.id}")
    except mail.MailUndeliverable:
        return "failed"
    return delivery.value
