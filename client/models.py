"""The wire contract between the sav client and its backend.

Every request and response body is one of these pydantic v2 models; the server
imports them for its routes and the client parses answers with them. Money is a
``Decimal`` that travels as a string with two decimals ("86.40"), never a float.
Statuses are string enums so that the wire stays readable.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

CENT = Decimal("0.01")


def quantize_money(value: Decimal) -> Decimal:
    """Round half-up to the cent: the only rounding rule for money."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


Money = Annotated[
    Decimal,
    PlainSerializer(lambda v: str(quantize_money(v)), return_type=str, when_used="json"),
]
"""An amount in the centre's currency (EUR), serialised as "12.34"."""

Percent = Annotated[
    Decimal,
    PlainSerializer(lambda v: str(v), return_type=str, when_used="json"),
]
"""A rate in percent, e.g. Decimal("20") for 20 % VAT."""

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=4000)]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class Wire(BaseModel):
    """Base of every wire model: strict about unknown request fields, immutable."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class RequestBody(Wire):
    """Requests refuse unknown fields, so a typo is a 422 rather than silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


T = TypeVar("T")


class Page(Wire, Generic[T]):
    """One page of a result: the items, the total that matched, the cursor to the next page.

    ``offset`` is the position of the first item in the whole result (0-based).
    """

    items: list[T]
    total: int
    next_cursor: str | None = None
    offset: int = 0


# --------------------------------------------------------------------------- enums


class Role(StrEnum):
    TECHNICIAN = "technician"
    MANAGER = "manager"
    OPERATOR = "operator"


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    IT = "it"


class TicketStatus(StrEnum):
    TO_ASSIGN = "to_assign"
    TO_CONTACT = "to_contact"
    UNREACHABLE = "unreachable"
    CONFIRMED = "confirmed"
    WAITING_PARTS = "waiting_parts"
    EXCHANGE_REQUESTED = "exchange_requested"
    CLOSED = "closed"
    VERIFIED = "verified"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


class WarrantyStatus(StrEnum):
    IN_WARRANTY = "in_warranty"
    OUT_OF_WARRANTY = "out_of_warranty"


class HistoryType(StrEnum):
    STATUS_CHANGE = "status_change"
    NOTE = "note"
    CALL = "call"
    CONTACT = "contact"
    CONTACT_FAILED = "contact_failed"
    EMAIL = "email"
    APPLIANCE_UPDATE = "appliance_update"


LOG_TYPES = (HistoryType.NOTE, HistoryType.CALL, HistoryType.EMAIL)
"""The history types a person may choose when adding a log; the others are written by actions."""


class TicketAction(StrEnum):
    """What can be done to a ticket. The server's status machine decides who may do which, when.

    ``update_appliance`` and ``add_log`` change no status; ``order_parts``, ``parts_received``,
    ``close`` and ``invoice`` are carried out by the orders, intervention and invoicing flows.
    """

    ASSIGN = "assign"
    CONTACTED = "contacted"
    UNREACHABLE = "unreachable"
    REQUEST_EXCHANGE = "request_exchange"
    CANCEL = "cancel"
    REJECT = "reject"
    VERIFY = "verify"
    ORDER_PARTS = "order_parts"
    PARTS_RECEIVED = "parts_received"
    CLOSE = "close"
    INVOICE = "invoice"
    UPDATE_APPLIANCE = "update_appliance"
    ADD_LOG = "add_log"


class TicketSort(StrEnum):
    """The columns a ticket search can be sorted by."""

    CREATED_AT = "created_at"
    ID = "id"
    CUSTOMER = "customer"
    CITY = "city"
    POSTAL_CODE = "postal_code"
    MODEL = "model"
    STATUS = "status"
    SERVICE_CENTRE = "service_centre"
    ENGINEER = "engineer"
    APPOINTMENT = "appointment"


class EmailDelivery(StrEnum):
    SENT = "sent"  # handed to the SMTP server
    OUTBOX = "outbox"  # no SMTP server configured (or it refused): written to the outbox folder


class ContactMeans(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"


class Availability(StrEnum):
    IN_STOCK = "in_stock"
    ON_ORDER = "on_order"
    UNAVAILABLE = "unavailable"


class RelationKind(StrEnum):
    SUPERSEDES = "supersedes"
    ALTERNATE = "alternate"
    KIT_MEMBER = "kit_member"


class RelationDirection(StrEnum):
    ONE_WAY = "one_way"
    TWO_WAY = "two_way"


class OrderStatus(StrEnum):
    AWAITING_VALIDATION = "awaiting_validation"
    VALIDATED = "validated"
    SHIPPED = "shipped"
    DONE = "done"
    CANCELLED = "cancelled"


class Transport(StrEnum):
    TRUCK = "truck"
    EXPRESS = "express"


# --------------------------------------------------------------------------- auth


class LoginRequest(RequestBody):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TokenResponse(Wire):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime
    user: User


class ErrorBody(Wire):
    """The body of every error answer. ``fields`` names the offending fields of a 422."""

    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)
    retry_after: int | None = None
    changed_by: str | None = None
    """On a 412 (stale edit): who saved the newer version, and when (``changed_at``)."""
    changed_at: dt.datetime | None = None


class Health(Wire):
    status: str
    version: str
    database: str
    demo_accounts: list[DemoAccount] = Field(default_factory=list)


class DemoAccount(Wire):
    username: str
    password: str
    role: Role
    service_centre: str | None


# --------------------------------------------------------------------------- centres, users


class Address(Wire):
    company: str
    street: str
    postal_code: str
    city: str
    province: str = ""
    country: str = ""
    phone: str = ""
    fax: str = ""
    vat_id: str = ""


class SavedAddress(Address):
    id: int
    label: str


class ServiceCentre(Wire):
    id: int
    code: str
    customer_number: str
    name: str
    address: Address
    rate: Money
    vat_rate: Percent
    discount_rate: Percent


class User(Wire):
    id: int
    username: str
    full_name: str
    role: Role
    language: Language
    service_centre: ServiceCentre | None = None

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR


# --------------------------------------------------------------------------- tickets


class Customer(Wire):
    id: int
    first_name: str
    last_name: str
    company: str = ""
    privacy_agreed: bool = False
    street: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    home_phone: str = ""
    email: str = ""
    note: str = ""


class Appliance(Wire):
    id: int
    model_code: str
    service_index: str
    serial_number: str = ""
    production_date: dt.date | None = None
    purchase_date: dt.date | None = None
    invoice_number: str = ""
    reseller: str = ""


class TicketSummary(Wire):
    """A ticket as listed: enough for a row of the search screen and the home screen."""

    id: int
    group_id: int
    status: TicketStatus
    created_at: dt.datetime
    status_changed_at: dt.datetime
    customer_name: str
    city: str
    postal_code: str
    model_code: str
    service_centre_code: str | None
    engineer: str | None
    operator: str | None
    appointment_at: dt.datetime | None = None
    overdue: bool = False
    waiting_parts: bool = False


class Ticket(Wire):
    id: int
    group_id: int
    status: TicketStatus
    version: int
    created_at: dt.datetime
    status_changed_at: dt.datetime
    customer: Customer
    appliance: Appliance
    problem: str
    ticket_type: str
    warranty: WarrantyStatus
    external_ref: str = ""
    operator: str | None = None
    service_centre_code: str | None = None
    engineer: str | None = None
    appointment_at: dt.datetime | None = None
    follow: bool = False
    waiting_parts: bool = False
    exchange: bool = False
    overdue: bool = False
    service_centre_name: str | None = None
    contact_due_at: dt.datetime | None = None
    """While ``to_contact``: when the customer must have been contacted (the 48 h SLA)."""
    updated_at: dt.datetime | None = None
    updated_by: str | None = None
    actions: list[TicketAction] = Field(default_factory=list)
    """What the signed-in user may do to this ticket now (the server refuses the rest)."""


class TicketGroup(Wire):
    id: int
    customer: Customer
    service_centre_code: str | None
    created_at: dt.datetime
    tickets: list[TicketSummary]


class HistoryEntry(Wire):
    id: int
    ticket_id: int
    at: dt.datetime
    author: str
    status: TicketStatus
    appointment_at: dt.datetime | None = None
    type: HistoryType
    note: str = ""
    email_to: str | None = None
    email_delivery: EmailDelivery | None = None


class Query(Wire):
    """A search: ``params()`` are its query parameters, the filters left empty omitted."""

    def params(self) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for name, value in self.model_dump(mode="json", exclude_defaults=True).items():
            if isinstance(value, list):
                out[name] = [str(v) for v in value]
            elif isinstance(value, bool):
                out[name] = "true" if value else "false"
            else:
                out[name] = str(value)
        return out


class TicketQuery(Query):
    """A ticket search: every filter, the sort. Empty fields filter nothing.

    ``params()`` gives the query parameters of ``GET /tickets`` and ``GET /tickets.csv``;
    the TUI saves queries ("queues") as this model's JSON.
    """

    status: tuple[TicketStatus, ...] = ()
    q: Annotated[str, StringConstraints(max_length=200)] = ""
    """Free text: customer name or company, ticket or group id, serial number, external ref."""
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    city: Annotated[str, StringConstraints(max_length=100)] = ""
    model: Annotated[str, StringConstraints(max_length=40)] = ""
    engineer: Annotated[str, StringConstraints(max_length=120)] = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    waiting_parts: bool | None = None
    overdue: bool | None = None
    sort: TicketSort = TicketSort.CREATED_AT
    desc: bool = True


# ---- ticket writes: each action's body. The answer is the updated Ticket.


class ContactedRequest(RequestBody):
    """Customer reached: the appointment agreed, and a note."""

    appointment_at: dt.datetime
    note: LongText = ""


class UnreachableRequest(RequestBody):
    """A failed contact attempt: when, and by which means."""

    attempted_at: dt.datetime
    means: ContactMeans
    note: LongText = ""


class AssignRequest(RequestBody):
    """Operator: give the ticket to a service centre (it becomes ``to_contact``)."""

    service_centre_code: Code
    note: LongText = ""


class NoteRequest(RequestBody):
    """Exchange, verify: an optional note."""

    note: LongText = ""


class MotivationRequest(RequestBody):
    """Cancel, reject: the motivation is required."""

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class ApplianceUpdate(RequestBody):
    """Correct the appliance data; model and service index are checked against the catalogue."""

    model_code: Code
    service_index: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)
    ]
    serial_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    purchase_date: dt.date | None = None
    invoice_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""


class AddLogRequest(RequestBody):
    """A log in the ticket's history; with ``email_to`` it is also e-mailed to that address."""

    type: HistoryType = HistoryType.NOTE
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    email_to: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
            ),
        ]
        | None
    ) = None


# --------------------------------------------------------------------------- catalogue


class CatalogueModel(Wire):
    """An appliance model at one service index: it owns one exploded view."""

    id: int
    code: str
    service_index: str
    description: str
    category: str
    drawing: str = ""


class Part(Wire):
    id: int
    code: str
    description: str
    price: Money
    availability: Availability
    stock: int
    lead_time_days: int
    obsolete: bool = False
    replaced: bool = False


class ExplodedViewLine(Wire):
    id: int
    model_id: int
    ref_num: str
    part: Part
    quantity: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    serial_from: str | None = None
    serial_to: str | None = None


class PartRelation(Wire):
    id: int
    from_code: str
    to_code: str
    kind: RelationKind
    direction: RelationDirection
    kit_group: str | None = None
    quantity: int = 1
    valid_from: dt.date | None = None
    serial_from: str | None = None
    serial_to: str | None = None
    production_from: dt.date | None = None
    production_to: dt.date | None = None
    model_code: str | None = None
    reason: str = ""


# --------------------------------------------------------------------------- cart, orders


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

Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Trimmed = Annotated[str, StringConstraints(strip_whitespace=True)]


class CartLineUpdate(RequestBody):
    """``PUT /cart/lines/{id}``: the line's quantity, the open ticket it is tied to (``None``:
    none), its note. The answer is the whole cart (its totals changed)."""

    quantity: int = Field(ge=1, le=9999)
    ticket_id: int | None = None
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class CartNoteUpdate(RequestBody):
    """``PUT /cart/note``: the note for the whole order."""

    note: Annotated[str, StringConstraints(max_length=2000)] = ""


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
    note: Annotated[str, StringConstraints(max_length=2000)] = ""
    fingerprint: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    save_address_as: Annotated[Trimmed, StringConstraints(max_length=80)] | None = None


class OrderQuery(Query):
    """An order search (``GET /orders``); empty fields filter nothing. Newest first."""

    number: Annotated[str, StringConstraints(max_length=40)] = ""
    """A prefix of the order number (``FR1001519526`` finds the centre's 2026 orders)."""
    status: tuple[OrderStatus, ...] = ()
    ticket_id: int | None = None
    part: Annotated[str, StringConstraints(max_length=40)] = ""
    """A part code (requested or ordered) on one of the lines; a prefix."""
    note: Annotated[str, StringConstraints(max_length=200)] = ""
    """Words in the order's note or its lines' notes."""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    centre: Annotated[str, StringConstraints(max_length=20)] = ""
    """A service centre code or customer number (operators; the others see their own)."""


class OrderLineUpdate(RequestBody):
    id: int
    quantity: int = Field(ge=1, le=9999)
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class OrderUpdate(RequestBody):
    """``PUT /orders/{id}`` (header ``If-Match: <version>`` required): the order's note and
    the lines listed (the others stay as they are). Only while it awaits validation."""

    note: Annotated[str, StringConstraints(max_length=2000)] = ""
    lines: list[OrderLineUpdate] = Field(default_factory=list, max_length=500)


class ValidateOrders(RequestBody):
    """``POST /orders/validate`` (operators): validate these orders."""

    ids: list[int] = Field(min_length=1, max_length=200)


class OrderRefusal(Wire):
    id: int
    number: str = ""
    reason: str


class ValidationResult(Wire):
    """Each order either validated now, or refused with the reason (already validated by
    someone else, cancelled, not found)."""

    validated: list[OrderSummary] = Field(default_factory=list)
    refused: list[OrderRefusal] = Field(default_factory=list)


# ------------------------------------------------------------------- interventions, vouchers


class Intervention(Wire):
    id: int
    ticket_id: int
    version: int
    intervention_date: dt.date | None = None
    distance_km: int = 0
    warranty: WarrantyStatus
    ticket_type: str = ""
    faulty_component: str = ""
    fault: str = ""
    fault_type: str = ""
    intervention_code: str = ""
    work_done: str = ""
    fault_description: str = ""
    rate: Money
    spares: Money
    bonuses: Money
    net: Money
    vat: Money
    total: Money
    closed_at: dt.datetime | None = None


class Voucher(Wire):
    id: int
    number: str
    service_centre_code: str
    created_at: dt.datetime
    ticket_ids: list[int]
    net: Money
    vat: Money
    total: Money


# --------------------------------------------------------------------------- home


class StatusCount(Wire):
    status: TicketStatus
    count: int


class Dashboard(Wire):
    """What needs the signed-in user today: the home screen's figures, computed by the server."""

    service_centre_code: str | None
    status_counts: list[StatusCount]
    overdue_contacts: int
    orders_awaiting_validation: int
    open_tickets: int
    generated_at: dt.datetime


# --------------------------------------------------------------------------- catalogue (issue 4)


class Applicability(StrEnum):
    """Does a line or a relation hold for the appliance in front of the technician?"""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # the appliance's serial, production date or model is not known


class ResolutionStatus(StrEnum):
    ORDERABLE = "orderable"  # ``order`` says what to order
    DEPENDS = "depends"  # on the appliance: ``choices`` lists every outcome
    NONE = "none"  # nothing can be ordered: ``reason`` says why


class PartBrief(Wire):
    code: str
    description: str
    price: Money
    availability: Availability
    stock: int = 0
    lead_time_days: int = 0
    obsolete: bool = False


class OrderItem(Wire):
    part: PartBrief
    quantity: int


class ResolutionStep(Wire):
    """One replacement taken from ``from_code`` to ``to_code``, and why."""

    from_code: str
    to_code: str
    kind: RelationKind
    direction: RelationDirection
    quantity: int = 1
    valid_from: dt.date | None = None
    why: str = ""
    reason: str = ""


class ResolutionChoice(Wire):
    """One possible outcome when the answer depends on the appliance."""

    condition: str
    status: ResolutionStatus
    order: list[OrderItem] = Field(default_factory=list)
    steps: list[ResolutionStep] = Field(default_factory=list)
    reason: str = ""


class Resolution(Wire):
    """What to order now for ``requested_code`` (for one appliance when one is known)."""

    requested_code: str
    status: ResolutionStatus
    order: list[OrderItem] = Field(default_factory=list)
    steps: list[ResolutionStep] = Field(default_factory=list)
    reason: str = ""
    reason_code: str = ""
    choices: list[ResolutionChoice] = Field(default_factory=list)

    @property
    def replaced(self) -> bool:
        """The part to order is not the one requested."""
        return self.status is ResolutionStatus.ORDERABLE and [i.part.code for i in self.order] != [
            self.requested_code
        ]


class TreeNode(Wire):
    """A part in a supersession tree, reached through ``relation`` from its parent."""

    part: PartBrief
    relation: PartRelation
    applies: Applicability
    why: str = ""
    to_order: bool = False
    cycle: bool = False
    children: list[TreeNode] = Field(default_factory=list)


class SupersessionTree(Wire):
    """Predecessors (what the part replaced) above, successors below, and the resolution."""

    part: PartBrief
    replaced: bool = False
    predecessors: list[TreeNode] = Field(default_factory=list)
    successors: list[TreeNode] = Field(default_factory=list)
    interchangeable: list[TreeNode] = Field(default_factory=list)
    resolution: Resolution


class ViewLine(Wire):
    """A line of an exploded view, with whether it applies to the appliance when known."""

    id: int
    ref_num: str
    part: Part
    quantity: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    serial_from: str | None = None
    serial_to: str | None = None
    applies: Applicability = Applicability.UNKNOWN
    why: str = ""
    conditional_replacement: bool = False


class ModelView(Wire):
    """A model at one service index and its exploded-view parts list."""

    model: CatalogueModel
    lines: list[ViewLine]
    serial: str | None = None
    production_date: dt.date | None = None


class WhereUsed(Wire):
    model: CatalogueModel
    ref_num: str
    quantity: int


class PartDetail(Wire):
    part: Part
    discount_rate: Percent
    net_price: Money
    relations: list[PartRelation]
    where_used: int


class AddToCart(RequestBody):
    """Add ``quantity`` of a part. ``ordered_code`` is the part chosen to order (the resolved
    one, or the requested one when it can be ordered); left out, the server resolves it."""

    requested_code: Code
    ordered_code: Code | None = None
    quantity: int = Field(default=1, ge=1, le=999)
    ticket_id: int | None = None
    note: Annotated[str, StringConstraints(max_length=500)] = ""
    serial: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    production_date: dt.date | None = None
    model_id: int | None = None


class CartAdded(Wire):
    lines: list[CartLine]
    count: int
    resolution: Resolution


class CartCount(Wire):
    count: int
