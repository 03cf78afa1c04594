"""Ticket and order statuses as people read them (the text carries the state, not colour)."""

from __future__ import annotations

from rich.cells import cell_len

from tui.i18n import N_, _

TICKET_STATUS = {
    "to_assign": N_("To assign"),
    "to_contact": N_("To contact"),
    "unreachable": N_("Unreachable"),
    "confirmed": N_("Confirmed"),
    "waiting_parts": N_("Waiting for parts"),
    "exchange_requested": N_("Exchange requested"),
    "closed": N_("Closed, to verify"),
    "verified": N_("Verified"),
    "invoiced": N_("Invoiced"),
    "cancelled": N_("Cancelled"),
}

ROLE = {
    "technician": N_("technician"),
    "manager": N_("manager"),
    "operator": N_("operator"),
}


def ticket_status(value: str) -> str:
    return _(TICKET_STATUS.get(value, value))


def role(value: str) -> str:
    return _(ROLE.get(value, value))


ORDER_STATUS = {
    "awaiting_validation": N_("Awaiting validation"),
    "validated": N_("Validated"),
    "shipped": N_("Shipped"),
    "done": N_("Done"),
    "cancelled": N_("Withdrawn"),
}
TRANSPORT = {"truck": N_("Truck"), "express": N_("Express")}


def order_status(value: str) -> str:
    return _(ORDER_STATUS.get(value, value))


def transport(value: str | None) -> str:
    return _(TRANSPORT.get(value, value)) if value else ""


def ticket_status_width() -> int:
    """Cells the longest ticket status takes in the interface's language, overdue mark
    included: a list column that size never cuts one."""
    from tui import glyphs

    mark = glyphs.current().overdue + " "
    return max(cell_len(mark + _(label)) for label in TICKET_STATUS.values())


def order_status_width() -> int:
    """Cells the longest order status takes in the interface's language."""
    return max(cell_len(_(label)) for label in ORDER_STATUS.values())


SUPPLIER_ORDER_STATUS = {
    "draft": N_("Draft"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "cancelled": N_("Dropped"),
}


def supplier_order_status(value: str) -> str:
    return _(SUPPLIER_ORDER_STATUS.get(value, value))
