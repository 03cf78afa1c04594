"""Shipments: the manufacturer's warehouse records what left for a centre, line by line.

Recording a shipment is where order lines become *shipped*: each listed line's shipped
quantity grows (never beyond what was requested; the reserved quantity follows), the order
becomes ``shipped`` once every line is, and every ticket tied to these lines that waits for
parts goes back to *confirmed* when all of its order lines are shipped
(:func:`server.services.parts_received.settle_shipped`, one history entry each) — in the same
transaction.

Only operators record shipments, and only on a validated order (or one partly shipped).
Order of the checks: another centre's order 404 (operators see every centre), the wrong role
403, bad lines 422, an order in the wrong status 409.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import OrderStatus, Role
from server.db import models as db
from server.errors import Conflict, Invalid
from server.i18n import _, quoted
from server.services import orders, parts_received
from server.services.tenancy import require_role

SHIPPABLE = frozenset({OrderStatus.VALIDATED.value, OrderStatus.SHIPPED.value})


async def record(
    session: AsyncSession,
    order_id: int,
    user: db.User,
    body: wire.RecordShipment,
    now: dt.datetime,
) -> wire.Order:
    """Record what was shipped of the order; the order as it now stands."""
    loaded = await orders.load(session, order_id, user)
    require_role(user, Role.OPERATOR)
    order = loaded.order
    lines = (
        (await session.execute(select(db.OrderLine).where(db.OrderLine.order_id == order.id)))
        .scalars()
        .all()
    )
    by_id = {line.id: line for line in lines}
    wanted: dict[int, int] = {}
    errors: dict[str, str] = {}
    for position, item in enumerate(body.lines):
        line = by_id.get(item.id)
        if line is None:
            errors[f"lines.{position}.id"] = _("no line {id} in order {number}").format(
                id=item.id, number=order.number
            )
            continue
        wanted[line.id] = wanted.get(line.id, 0) + item.quantity
        left = line.quantity_requested - line.quantity_shipped
        if wanted[line.id] > left:
            errors[f"lines.{position}.quantity"] = _(
                "at most {left} left to ship on this line"
            ).format(left=left)
    if errors:
        raise Invalid(_("the shipment does not fit the order"), fields=errors)
    if order.status not in SHIPPABLE:
        status = quoted(_(orders.ORDER_STATUS_NAMES[OrderStatus(order.status)]))
        raise Conflict(
            _("order {number} is {status}: only a validated order is shipped").format(
                number=order.number, status=status
            )
        )
    if not body.lines:  # everything still to ship
        wanted = {
            line.id: line.quantity_requested - line.quantity_shipped
            for line in lines
            if line.quantity_shipped < line.quantity_requested
        }
    for line_id, quantity in wanted.items():
        line = by_id[line_id]
        shipped = line.quantity_shipped + quantity
        await session.execute(
            update(db.OrderLine)
            .where(db.OrderLine.id == line_id)
            .values(
                quantity_shipped=shipped, quantity_reserved=max(line.quantity_reserved, shipped)
            )
            .execution_options(synchronize_session=False)
        )
    complete = all(
        line.quantity_shipped + wanted.get(line.id, 0) >= line.quantity_requested for line in lines
    )
    result = await session.execute(
        update(db.Order)
        .where(db.Order.id == order.id, db.Order.version == order.version)
        .values(
            status=OrderStatus.SHIPPED.value if complete else order.status,
            version=db.Order.version + 1,
            updated_at=now,
            updated_by_id=user.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        raise Conflict(_("order {number} changed meanwhile: try again").format(number=order.number))
    tickets = sorted({line.ticket_id for line in lines if line.ticket_id is not None})
    await parts_received.settle_shipped(session, now, tickets)  # commits the whole shipment
    return await orders.get_order(session, order_id, user)
