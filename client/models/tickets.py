"""Tickets, their history and searches, and the body of each ticket action."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from client.models.base import (
    EMAIL,
    Code,
    Day,
    Line,
    Lines,
    LongText,
    Moment,
    Query,
    RequestBody,
    Wire,
)
from client.models.enums import (
    ContactMeans,
    EmailDelivery,
    HistoryType,
    TicketAction,
    TicketSort,
    TicketStatus,
    WarrantyStatus,
)


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
    contact_attempts: int = 0
    """How many contact attempts failed (customer not reachable) on this ticket."""
    contact_paused_minutes_left: int | None = None
    """While ``unreachable``: the 48 h clock stands still, with this many minutes left (it
    resumes when the ticket is to contact again); negative when it stopped late."""
    updated_at: dt.datetime | None = None
    updated_by: str | None = None
    actions: list[TicketAction] = Field(default_factory=list)
    """What the signed-in user may do to this ticket now (the server refuses the rest)."""


class ContactOutcome(Ticket):
    """The answer of *customer contacted* / *not reachable*: the ticket acted on, and the
    other tickets of its group the same contact was recorded on (contact is per group)."""

    group_updated: list[int] = Field(default_factory=list)


class TicketGroup(Wire):
    id: int
    customer: Customer
    service_centre_code: str | None
    created_at: dt.datetime
    tickets: list[TicketSummary]


class HistoryEntry(Wire):
    """One line of a ticket's history.

    What the system wrote by itself is ``event`` (a HistoryEvent code) with its ``params``,
    and ``text``: that event in the request's language (``Accept-Language``) with its moments
    in the reader's time zone (``Time-Zone``). ``note`` is only what a person typed. A log
    typed by a person has no event and an empty ``text``.
    """

    id: int
    ticket_id: int
    at: dt.datetime
    author: str
    status: TicketStatus
    appointment_at: dt.datetime | None = None
    type: HistoryType
    event: str | None = None
    """A HistoryEvent code (kept a string: a newer server may know more events)."""
    params: dict[str, Any] = Field(default_factory=dict)
    text: str = ""
    note: str = ""
    email_to: str | None = None
    email_delivery: EmailDelivery | None = None


class TicketQuery(Query):
    """A ticket search: every filter, the sort. Empty fields filter nothing.

    ``params()`` gives the query parameters of ``GET /tickets`` and ``GET /tickets.csv``;
    the TUI saves queries ("queues") as this model's JSON.
    """

    status: tuple[TicketStatus, ...] = ()
    q: Annotated[Line, StringConstraints(max_length=200)] = ""
    """Free text: customer name or company, ticket or group id, serial number, external ref."""
    postal_code: Annotated[Line, StringConstraints(max_length=20)] = ""
    phone: Annotated[Line, StringConstraints(max_length=40)] = ""
    city: Annotated[Line, StringConstraints(max_length=100)] = ""
    model: Annotated[Line, StringConstraints(max_length=40)] = ""
    engineer: Annotated[Line, StringConstraints(max_length=120)] = ""
    created_from: Day | None = None
    created_to: Day | None = None
    waiting_parts: bool | None = None
    overdue: bool | None = None
    sort: TicketSort = TicketSort.CREATED_AT
    desc: bool = True


# ---- ticket writes: each action's body. The answer is the updated Ticket.


class ContactedRequest(RequestBody):
    """Customer reached: the appointment agreed, and a note."""

    appointment_at: Moment
    note: LongText = ""


class UnreachableRequest(RequestBody):
    """A failed contact attempt: when, and by which means."""

    attempted_at: Moment
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

    note: Annotated[Lines, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class ApplianceUpdate(RequestBody):
    """Correct the appliance data; model and service index are checked against the catalogue."""

    model_code: Code
    service_index: Annotated[
        Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)
    ]
    serial_number: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    purchase_date: Day | None = None
    invoice_number: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)] = ""


_Name = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
_Line = Annotated[Line, StringConstraints(strip_whitespace=True, max_length=200)]


class NewTicket(RequestBody):
    """``POST /tickets`` (operators): a customer's request for one appliance. It is
    recorded *to assign*; with a centre's code it is assigned at once (*to contact*, the
    48 h clock starts). A model must be in the catalogue; without a service index, the
    model's only one is taken."""

    last_name: _Name
    first_name: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    company: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    street: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    postal_code: Annotated[
        Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)
    ]
    city: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    region: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    country: Annotated[
        Line, StringConstraints(strip_whitespace=True, min_length=2, max_length=60)
    ] = "FR"
    home_phone: Annotated[
        Line, StringConstraints(strip_whitespace=True, min_length=4, max_length=40)
    ]
    email: _Line = ""
    privacy_agreed: Annotated[bool, Field(strict=True)] = False
    model_code: Code
    service_index: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=10)] = ""
    serial_number: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    purchase_date: Day | None = None
    invoice_number: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    problem: Annotated[
        Lines, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
    ]
    ticket_type: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    warranty: WarrantyStatus = WarrantyStatus.IN_WARRANTY
    service_centre_code: Annotated[
        Line, StringConstraints(strip_whitespace=True, max_length=40)
    ] = ""
    """Optional: assign it at once to this centre."""
    note: LongText = ""


class RescheduleRequest(RequestBody):
    """``POST /tickets/{id}/reschedule`` (operators): a new appointment, and why."""

    appointment_at: Moment
    note: LongText = ""


class AddLogRequest(RequestBody):
    """A log in the ticket's history; with ``email_to`` it is also e-mailed to that address."""

    type: HistoryType = HistoryType.NOTE
    note: Annotated[Lines, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    email_to: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=200, pattern=EMAIL),
        ]
        | None
    ) = None
