"""The cart, checkout and orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from client.models.base import (
    Day,
    Id,
    Line,
    Lines,
    Money,
    Percent,
    Query,
    RequestBody,
    Wire,
)
from client.models.enums import Availability, OrderStatus, Transport
from client.models.people import Address, SavedAddress


class CartLine(Wire):
    id: int
    requested_code: str
    ordered_code: str
    description: str
    quantity: int
    price: Money
    discount_rate: Percent
    net: Money
    vat: Money
    total: Money
    ticket_id: int | None = None
    note: str = ""
    availability: Availability | None = None
    """The ordered part's availability now (shown beside the line; it does not block)."""
    lead_time_days: int | None = None


class Cart(Wire):
    """The signed-in user's cart, every amount computed by the server.

    ``net`` is the sum of the lines' nets, ``vat`` the VAT on that net total at ``vat_rate``
    (rounded half-up once, on the total), ``total`` = ``net`` + ``vat``; shipping excluded.
    ``fingerprint`` digests every figure shown (codes, quantities, prices, discount, VAT rate,
    availability): placing the order sends it back, and the server refuses (409
    ``cart_changed``) if the cart it would order no longer has that fingerprint.
    """

    lines: list[CartLine]
    note: str = ""
    count: int
    net: Money
    vat: Money
    total: Money
    version: int
    vat_rate: Percent = Decimal("0")
    fingerprint: str = ""


class OrderLine(Wire):
    id: int
    requested_code: str
    ordered_code: str
    description: str
    quantity_requested: int
    quantity_reserved: int = 0
    quantity_shipped: int = 0
    quantity_done: int = 0
    transport: Transport | None = None
    ticket_id: int | None = None
    price: Money
    discount_rate: Percent
    net: Money
    note: str = ""


class OrderSummary(Wire):
    id: int
    number: str
    service_centre_code: str
    created_at: dt.datetime
    status: OrderStatus
    total: Money
    created_by: str = ""
    note: str = ""
    line_count: int = 0
    version: int = 1


class Order(Wire):
    """An order. ``editable``: the signed-in user may change or delete it now (it awaits
    validation and belongs to their centre); ``validatable``: they may validate it (an
    operator, while it awaits validation). The server decides both and enforces them."""

    id: int
    number: str
    version: int
    service_centre_code: str
    service_centre_name: str = ""
    customer_number: str = ""
    created_at: dt.datetime
    created_by: str
    status: OrderStatus
    validated_at: dt.datetime | None = None
    validated_by: str | None = None
    updated_at: dt.datetime | None = None
    updated_by: str | None = None
    erp_number: str = ""
    note: str = ""
    shipping: Address
    lines: list[OrderLine]
    net: Money
    vat: Money
    total: Money
    vat_rate: Percent = Decimal("0")
    editable: bool = False
    validatable: bool = False


# ---- cart edits, addresses, checkout, order edits (issue 5)

REQUIRED_ADDRESS_FIELDS = ("company", "street", "postal_code", "city", "country", "vat_id")
"""The shipping address fields an order cannot go without (the seed marks them with *)."""

Required = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1)]
Trimmed = Annotated[Line, StringConstraints(strip_whitespace=True)]
Quantity = Annotated[int, Field(strict=True, ge=1, le=9999)]
"""How many of a part an order line or a cart line holds."""


class CartLineUpdate(RequestBody):
    """``PUT /cart/lines/{id}``: the line's quantity, the open ticket it is tied to (``None``:
    none), its note. The answer is the whole cart (its totals changed)."""

    quantity: Quantity
    ticket_id: Id | None = None
    note: Annotated[Lines, StringConstraints(max_length=500)] = ""


class CartNoteUpdate(RequestBody):
    """``PUT /cart/note``: the note for the whole order."""

    note: Annotated[Lines, StringConstraints(max_length=2000)] = ""


class AddressInput(RequestBody):
    """A shipping address as entered at checkout; the fields of
    :data:`REQUIRED_ADDRESS_FIELDS` may not be blank."""

    company: Annotated[Required, StringConstraints(max_length=120)]
    street: Annotated[Required, StringConstraints(max_length=200)]
    postal_code: Annotated[Required, StringConstraints(max_length=20)]
    city: Annotated[Required, StringConstraints(max_length=100)]
    province: Annotated[Trimmed, StringConstraints(max_length=100)] = ""
    country: Annotated[Required, StringConstraints(max_length=60)]
    phone: Annotated[Trimmed, StringConstraints(max_length=40)] = ""
    fax: Annotated[Trimmed, StringConstraints(max_length=40)] = ""
    vat_id: Annotated[Required, StringConstraints(max_length=40)]


class SaveAddressRequest(AddressInput):
    """``POST /addresses``: keep an address for the next orders, under ``label``."""

    label: Annotated[Required, StringConstraints(max_length=80)]


class AddressBook(Wire):
    """``GET /addresses``: the centre's default shipping address, which of its required fields
    are blank (they must be completed before ordering), and the saved alternatives."""

    default: Address
    missing: list[str] = Field(default_factory=list)
    saved: list[SavedAddress] = Field(default_factory=list)


class PlaceOrder(RequestBody):
    """``POST /orders`` (header ``Idempotency-Key`` required): order the whole cart.

    ``fingerprint`` is the :attr:`Cart.fingerprint` the person confirmed; ``save_address_as``
    (a label) also keeps ``shipping`` as a saved address. The answer (201) is the
    :class:`Order`, awaiting validation; the cart is emptied in the same transaction and the
    tickets tied to lines move to waiting for parts.
    """

    shipping: AddressInput
    note: Annotated[Lines, StringConstraints(max_length=2000)] = ""
    fingerprint: Annotated[Line, StringConstraints(min_length=1, max_length=128)]
    save_address_as: Annotated[Trimmed, StringConstraints(max_length=80)] | None = None


class OrderQuery(Query):
    """An order search (``GET /orders``); empty fields filter nothing. Newest first."""

    number: Annotated[Line, StringConstraints(max_length=40)] = ""
    """A prefix of the order number (``FR1001519526`` finds the centre's 2026 orders)."""
    status: tuple[OrderStatus, ...] = ()
    ticket_id: Id | None = None
    part: Annotated[Line, StringConstraints(max_length=40)] = ""
    """A part code (requested or ordered) on one of the lines; a prefix."""
    note: Annotated[Line, StringConstraints(max_length=200)] = ""
    """Words in the order's note or its lines' notes."""
    created_from: Day | None = None
    created_to: Day | None = None
    centre: Annotated[Line, StringConstraints(max_length=20)] = ""
    """A service centre code or customer number (operators; the others see their own)."""


class OrderLineUpdate(RequestBody):
    id: Id
    quantity: Quantity
    note: Annotated[Lines, StringConstraints(max_length=500)] = ""


class OrderUpdate(RequestBody):
    """``PUT /orders/{id}`` (header ``If-Match: <version>`` required): the order's note and
    the lines listed (the others stay as they are). Only while it awaits validation."""

    note: Annotated[Lines, StringConstraints(max_length=2000)] = ""
    lines: list[OrderLineUpdate] = Field(default_factory=list, max_length=500)


class ValidateOrders(RequestBody):
    """``POST /orders/validate`` (operators): validate these orders."""

    ids: list[Id] = Field(min_length=1, max_length=200)


class ShipmentLine(RequestBody):
    id: Id
    """The order line's id."""
    quantity: Quantity
    """How many more of it left the warehouse now."""


class RecordShipment(RequestBody):
    """``POST /orders/{id}/shipments`` (operators, the manufacturer's warehouse): what was
    shipped now; no line at all ships everything still to ship."""

    lines: list[ShipmentLine] = Field(default_factory=list, max_length=500)


class OrderRefusal(Wire):
    id: int
    number: str = ""
    reason: str


class ValidationResult(Wire):
    """Each order either validated now, or refused with the reason (already validated by
    someone else, cancelled, not found)."""

    validated: list[OrderSummary] = Field(default_factory=list)
    refused: list[OrderRefusal] = Field(default_factory=list)
