"""Orders sent to an outside supplier, on the wire (issue 13, seed 002).

A draft is made from cart lines (moved out of the cart) or from lines typed for a ticket;
sending it gives it the supplier's order number. Each line keeps the code requested and the
code the supplier ordered, and its ticket.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from client.models.base import EmailAddress, Id, Line, Lines, Money, RequestBody, Wire

SupplierOrderStatus = Literal["draft", "sent", "delivered", "cancelled"]
PartCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$"
    ),
]
MAX_LINES = 200


class SupplierOrderLineInput(RequestBody):
    """A line typed for a ticket: a part code, a quantity, the ticket it is for."""

    code: PartCode
    quantity: Annotated[int, Field(strict=True, ge=1, le=999)] = 1
    ticket_id: Id | None = None


class CreateSupplierOrder(RequestBody):
    """A draft order with ``supplier`` (one the centre has an account with): the cart lines
    named (moved out of the user's cart) and the lines typed, in that order."""

    supplier: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    cart_line_ids: Annotated[list[Id], Field(max_length=MAX_LINES)] = []
    lines: Annotated[list[SupplierOrderLineInput], Field(max_length=MAX_LINES)] = []
    note: Annotated[Lines, StringConstraints(max_length=2000)] = ""

    @model_validator(mode="after")
    def _some_lines(self) -> CreateSupplierOrder:
        if not self.cart_line_ids and not self.lines:
            raise ValueError("an order needs at least one line")
        return self


class SendSupplierOrder(RequestBody):
    """Send a draft; ``confirm_to`` also e-mails the order to the supplier (outbox/SMTP)."""

    confirm_to: EmailAddress | None = None


class SupplierOrderLine(Wire):
    line_no: int
    ticket_id: int | None
    requested_code: str
    ordered_code: str
    part_name: str
    quantity: int
    purchase_price: Money | None
    sale_price: Money | None
    expected_delivery: dt.date | None
    supplier_line_ref: str | None


class SupplierOrder(Wire):
    id: int
    supplier: str
    supplier_name: str
    client_reference: str
    supplier_order_number: str | None
    status: SupplierOrderStatus
    created_at: dt.datetime
    created_by: str
    sent_at: dt.datetime | None
    note: str
    version: int
    lines: list[SupplierOrderLine]
    confirmation: str | None = None
    """After sending with ``confirm_to``: "sent" or "outbox" (where the e-mail went)."""

    @property
    def tickets(self) -> list[int]:
        return sorted({line.ticket_id for line in self.lines if line.ticket_id is not None})


class SupplierOrderSummary(Wire):
    id: int
    supplier: str
    supplier_name: str
    client_reference: str
    supplier_order_number: str | None
    status: SupplierOrderStatus
    created_at: dt.datetime
    created_by: str
    sent_at: dt.datetime | None
    line_count: int
    tickets: list[int]
    expected_delivery: dt.date | None


def supplier_order_params(
    status: str | None = None, ticket_id: int | None = None
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if status:
        params["status"] = status
    if ticket_id is not None:
        params["ticket_id"] = ticket_id
    return params
