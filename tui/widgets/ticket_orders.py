"""Every order made for a ticket, the manufacturer's and the outside suppliers', as rows of
the ticket screen's Orders tab (newest first)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from client.models import OrderQuery
from tui import formats
from tui.i18n import _
from tui.widgets.status import order_status, supplier_order_status

if TYPE_CHECKING:
    from client.api import SavClient


@dataclass(frozen=True)
class TicketOrder:
    key: str  # "m<id>": the manufacturer's order, "s<id>": a supplier order
    created_at: dt.datetime
    source: str
    number: str
    status: str
    delivery: dt.date | None = None

    def cells(self) -> tuple[str, ...]:
        return (
            formats.list_day(self.created_at.astimezone().date()),
            self.source,
            self.number,
            self.status,
            formats.list_day(self.delivery, empty="-"),
        )


async def ticket_orders(client: SavClient, ticket_id: int, supplier: bool) -> list[TicketOrder]:
    """The ticket's orders; ``supplier``: with the supplier orders (the centres' staff)."""
    page = await client.search_orders(OrderQuery(ticket_id=ticket_id), limit=100)
    rows = [
        TicketOrder(
            f"m{o.id}", o.created_at, _("Manufacturer"), o.number, order_status(o.status.value)
        )
        for o in page.items
    ]
    if supplier:
        rows += [
            TicketOrder(
                f"s{o.id}",
                o.created_at,
                o.supplier,
                o.supplier_order_number or o.client_reference,
                supplier_order_status(o.status),
                o.expected_delivery,
            )
            for o in await client.supplier_orders(ticket_id=ticket_id)
        ]
    return sorted(rows, key=lambda r: r.created_at, reverse=True)
