"""Closing an intervention: the form (a draft until it is closed), its coded lists, the parts
used and the server's figures; what the operator sees to verify it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from client.models.base import (
    AmountInput,
    Day,
    EmailAddress,
    Id,
    Int32,
    Line,
    LongText,
    Money,
    Percent,
    RequestBody,
    Wire,
)
from client.models.enums import EmailDelivery, FaultType, TicketStatus, WarrantyStatus
from client.models.tickets import ApplianceUpdate

ListCode = Annotated[Line, StringConstraints(strip_whitespace=True, max_length=20)]


class CodeChoice(Wire):
    """One entry of a coded list, named in the reader's language."""

    code: str
    name: str
    fault_type: FaultType | None = None


class ClosingLists(Wire):
    """The coded lists for the ticket's product family (its model's catalogue category)."""

    family: str
    family_name: str = ""  # the family's name in the reader's language
    components: list[CodeChoice]
    faults: list[CodeChoice]
    intervention_codes: list[CodeChoice]
    work_done: list[CodeChoice]


class PartUsedInput(RequestBody):
    """A part used, as the form sends it: picked from an order line of the ticket
    (``order_line_id``), or typed by ``code`` (resolved through the supersessions).
    ``installed_code`` says what was installed when it is not what the resolution gives."""

    order_line_id: Id | None = None
    code: ListCode = ""
    installed_code: ListCode = ""
    quantity: Annotated[int, Field(strict=True, ge=1, le=999)] = 1


class InterventionForm(RequestBody):
    """Every field of the closing form. A draft may leave any empty; closing needs the
    starred codes (faulty component, fault, work done) and, for a fault of type T, parts."""

    intervention_date: Day | None = None
    distance_km: Int32 = 0
    warranty: WarrantyStatus | None = None
    ticket_type: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    faulty_component_code: ListCode = ""
    fault_code: ListCode = ""
    intervention_code: ListCode = ""
    work_done_code: ListCode = ""
    work_done: LongText = ""
    """What the technician adds to the work done code."""
    fault_description: LongText = ""
    rate: AmountInput | None = None
    """None: the centre's fixed rate."""
    bonuses: AmountInput = Decimal("0")
    parts: list[PartUsedInput] = Field(default_factory=list, max_length=50)
    appliance: ApplianceUpdate | None = None
    """Model data corrections, applied to the appliance at closing."""


class PartUsed(Wire):
    position: int
    requested_code: str
    ordered_code: str | None
    installed_code: str
    description: str
    quantity: int
    unit_price: Money
    """Frozen when written (for good at closing)."""
    amount: Money
    catalogue_price: Money
    """Today's catalogue price of the installed part, for the operator's check."""
    order_line_id: int | None = None
    order_number: str | None = None


class InterventionTotals(Wire):
    """The server's figures: net = rate + spares + bonuses; VAT per rate, half up once.
    From the totals endpoint, ``parts`` are the form's parts as they resolve now."""

    rate: Money
    spares: Money
    bonuses: Money
    net: Money
    vat_rate: Percent
    vat: Money
    total: Money
    parts: list[PartUsed] = []


class OrderedPart(Wire):
    """A line of an order tied to the ticket: the parts the form offers to pick."""

    order_line_id: int
    order_number: str
    requested_code: str
    ordered_code: str
    description: str
    quantity: int
    quantity_shipped: int
    unit_price: Money


class Closing(Wire):
    """A ticket's intervention as the form and the operator see it: saved (a draft, or
    closed) or not yet (``version`` 0, prefilled from the ticket and the centre)."""

    ticket_id: int
    ticket_status: TicketStatus
    ticket_version: int
    ticket_created_at: dt.datetime
    model_code: str
    service_index: str
    serial_number: str
    purchase_date: dt.date | None
    invoice_number: str
    version: int
    """The intervention's version (``If-Match`` of a draft save); 0 before the first save."""
    form: InterventionForm
    faulty_component: str
    fault: str
    fault_type: FaultType | None
    intervention: str
    work: str
    """The names of the codes chosen, in the reader's language ("" for none)."""
    parts: list[PartUsed]
    totals: InterventionTotals
    fixed_rate: Money
    max_rate: Money
    lists: ClosingLists
    ordered_parts: list[OrderedPart]
    updated_at: dt.datetime | None = None
    updated_by: str | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    verified_at: dt.datetime | None = None
    verified_by: str | None = None
    rejection_note: str = ""
    frozen: bool = False
    """True once closed: the amounts are those of the closing, whatever the catalogue says."""


class ReportEmailRequest(RequestBody):
    """E-mail the intervention report (the PDF attached) to ``to``; none: to the
    customer's address."""

    to: EmailAddress | None = None


class ReportEmailed(Wire):
    """Where the report went: the address, the language it was written in, and how
    (handed to the SMTP server, or kept in the outbox)."""

    ticket_id: int
    to: str
    language: str
    delivery: EmailDelivery
