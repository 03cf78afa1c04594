"""The order: its number, date and status, the centre ordering and the shipping address,
its lines (requested and ordered codes, quantities, prices, discount, net) and its amounts,
as ``GET /orders/{id}`` gives them (server.services.orders)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from server.db import models as db
from server.documents import by, page, rendered, when
from server.documents.base import Column, Document
from server.i18n import _, money, money_eur, rate
from server.services import orders


async def load(
    session: AsyncSession, order_id: int, user: db.User
) -> tuple[wire.Order, db.ServiceCentre | None]:
    """The order as ``user`` may see it (404 for another centre's), and its centre."""
    loaded = await orders.load(session, order_id, user)
    order = await orders.order_wire(session, loaded, user)
    centre = await session.get(db.ServiceCentre, loaded.order.service_centre_id)
    return order, centre


async def pdf(session: AsyncSession, order_id: int, user: db.User, zone: dt.tzinfo) -> bytes:
    order, centre = await load(session, order_id, user)
    return await rendered(lambda: build(order, centre, zone))


def file_name(number: str) -> str:
    return f"order-{number}.pdf"


def _address(address: wire.Address) -> str:
    town = " ".join(p for p in (address.postal_code, address.city) if p)
    lines = [
        address.company,
        address.street,
        ", ".join(p for p in (town, address.province, address.country) if p),
    ]
    if address.phone:
        lines.append(_("Phone {phone}").format(phone=address.phone))
    if address.vat_id:
        lines.append(_("VAT ID {vat_id}").format(vat_id=address.vat_id))
    return "\n".join(line for line in lines if line)


def build(order: wire.Order, centre: db.ServiceCentre | None, zone: dt.tzinfo) -> bytes:
    title = _("Order {number}").format(number=order.number)
    doc = Document(page(centre, title), title)
    status = _(orders.ORDER_STATUS_NAMES[order.status])
    pairs = [
        (_("Number"), order.number),
        (_("Date"), when(order.created_at, zone)),
        (_("Status"), status),
        (_("Ordered by"), order.created_by),
        (_("Service centre"), f"{order.service_centre_code} {order.service_centre_name}"),
        (_("Customer number"), order.customer_number),
    ]
    if order.validated_at is not None:
        pairs.append((_("Validated"), by(order.validated_at, order.validated_by, zone)))
    if order.erp_number:
        pairs.append((_("ERP number"), order.erp_number))
    doc.fields(pairs)
    doc.fields([(_("Ship to"), _address(order.shipping))], columns=1)
    if order.note.strip():
        doc.fields([(_("Note"), order.note)], columns=1)
    doc.space()
    doc.table(
        [
            Column(_("Requested"), 1.2),
            Column(_("Ordered"), 1.2),
            Column(_("Description"), 2.4, wrap=True),
            Column(_("Ticket"), 0.8),
            Column(_("Qty"), 0.5, "right"),
            Column(_("Shipped"), 0.9, "right"),
            Column(_("Price"), 0.9, "right"),
            Column(_("Discount"), 0.8, "right"),
            Column(_("Net"), 0.9, "right"),
        ],
        [
            [
                line.requested_code,
                line.ordered_code,
                line.description + (f"\n{line.note}" if line.note else ""),
                str(line.ticket_id or ""),
                str(line.quantity_requested),
                str(line.quantity_shipped),
                money(line.price),
                f"{rate(line.discount_rate)} %",
                money(line.net),
            ]
            for line in order.lines
        ],
    )
    doc.space().table(
        [Column(_("Item"), 3), Column(_("Amount"), 1, "right")],
        [
            [_("Net"), money_eur(order.net)],
            [_("VAT {rate} %").format(rate=rate(order.vat_rate)), money_eur(order.vat)],
        ],
        totals=[[_("Total with VAT"), money_eur(order.total)]],
    )
    doc.space().paragraph(_("Shipping costs not included."))
    return doc.render()
