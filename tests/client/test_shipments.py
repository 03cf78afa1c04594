"""Shipments recorded by the manufacturer's operators: order lines become shipped, the order
shipped once every line is, and a ticket waiting for parts goes back to confirmed when every
order line tied to it is shipped (the parts-received rule, called where lines are shipped)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from client.api import ConflictError, ForbiddenError, ValidationFailed
from client.models import (
    HistoryEvent,
    OrderStatus,
    RecordShipment,
    ShipmentLine,
    TicketStatus,
)
from server.db import models as db
from server.db.session import create_engine


async def _waiting_ticket(database_url: str) -> tuple[int, list[int]]:
    """A ticket of tech's centre waiting for parts, its orders put back to validated with
    nothing shipped yet: (ticket, its orders)."""
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        centre = (
            await conn.execute(select(db.ServiceCentre.id).where(db.ServiceCentre.code == "249050"))
        ).scalar_one()
        ticket = (
            await conn.execute(
                select(db.OrderLine.ticket_id)
                .join(db.Ticket, db.Ticket.id == db.OrderLine.ticket_id)
                .join(db.Order, db.Order.id == db.OrderLine.order_id)
                .where(
                    db.Ticket.status == "waiting_parts",
                    db.Ticket.service_centre_id == centre,
                    db.Order.status != "cancelled",
                )
                .order_by(db.OrderLine.ticket_id)
                .limit(1)
            )
        ).scalar_one()
        orders = sorted(
            set(
                (
                    await conn.execute(
                        select(db.OrderLine.order_id)
                        .join(db.Order, db.Order.id == db.OrderLine.order_id)
                        .where(db.OrderLine.ticket_id == ticket, db.Order.status != "cancelled")
                    )
                ).scalars()
            )
        )
        await conn.execute(
            update(db.Order).where(db.Order.id.in_(orders)).values(status="validated")
        )
        await conn.execute(
            update(db.OrderLine)
            .where(db.OrderLine.order_id.in_(orders))
            .values(quantity_shipped=0, quantity_requested=2)
        )
    await engine.dispose()
    return ticket, orders


async def test_the_last_shipment_brings_the_ticket_back_to_confirmed(
    signed_in, database_url
) -> None:
    ticket_id, orders = await _waiting_ticket(database_url)
    operator = await signed_in("operator")
    tech = await signed_in("tech")
    first = await operator.order(orders[0])
    line = first.lines[0]
    partly = await operator.record_shipment(
        orders[0], RecordShipment(lines=[ShipmentLine(id=line.id, quantity=1)])
    )
    assert partly.status is OrderStatus.VALIDATED
    assert [li.quantity_shipped for li in partly.lines if li.id == line.id] == [1]
    assert (await tech.ticket(ticket_id)).status is TicketStatus.WAITING_PARTS
    for order_id in orders:
        shipped = await operator.record_shipment(order_id)
        assert shipped.status is OrderStatus.SHIPPED
        assert all(li.quantity_shipped == li.quantity_requested for li in shipped.lines)
    ticket = await tech.ticket(ticket_id)
    assert ticket.status is TicketStatus.CONFIRMED and not ticket.waiting_parts
    history = await tech.ticket_history(ticket_id)
    assert history.items[0].event == HistoryEvent.PARTS_RECEIVED.value
    assert history.items[0].status is TicketStatus.CONFIRMED


async def test_shipments_are_refused_when_they_do_not_fit(signed_in, database_url) -> None:
    ticket_id, orders = await _waiting_ticket(database_url)
    operator = await signed_in("operator")
    tech = await signed_in("tech")
    order = await operator.order(orders[0])
    with pytest.raises(ValidationFailed) as too_many:
        await operator.record_shipment(
            orders[0], RecordShipment(lines=[ShipmentLine(id=order.lines[0].id, quantity=3)])
        )
    assert "lines.0.quantity" in too_many.value.fields
    with pytest.raises(ForbiddenError):
        await tech.record_shipment(orders[0])
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.Order).where(db.Order.id == orders[0]).values(status="awaiting_validation")
        )
    await engine.dispose()
    with pytest.raises(ConflictError):
        await operator.record_shipment(orders[0])
    assert (await tech.ticket(ticket_id)).status is TicketStatus.WAITING_PARTS
    assert all(li.quantity_shipped == 0 for li in (await operator.order(orders[0])).lines)
