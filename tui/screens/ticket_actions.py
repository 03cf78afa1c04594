"""The forms of the ticket actions: what each asks for and which request it sends.

Each function returns an ``ActionForm`` for the ticket as the screen last read it. An
edit (the appliance data) carries that version (``If-Match``), so a save over someone
else's change is refused with who made it; nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from client.models import (
    LOG_TYPES,
    AddLogRequest,
    ApplianceUpdate,
    AssignRequest,
    ContactedRequest,
    ContactMeans,
    HistoryType,
    MotivationRequest,
    NoteRequest,
    RescheduleRequest,
    TicketAction,
    UnreachableRequest,
)
from tui import formats
from tui.i18n import N_, _
from tui.widgets.form import ActionForm, Field, FieldError, local_moment, parse_date

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import Ticket

Reload = Callable[[], Awaitable[None]]
Current = Callable[[], "Ticket"]

HISTORY_TYPE = {
    "status_change": N_("status change"),
    "note": N_("note"),
    "call": N_("call"),
    "contact": N_("contact"),
    "contact_failed": N_("contact failed"),
    "email": N_("e-mail"),
    "appliance_update": N_("appliance data"),
}
MEANS = {"phone": N_("phone"), "sms": N_("SMS"), "email": N_("e-mail")}

ACTION_LABEL = {
    TicketAction.CONTACTED: N_("Customer contacted"),
    TicketAction.UNREACHABLE: N_("Not reachable"),
    TicketAction.ADD_LOG: N_("Add a log"),
    TicketAction.UPDATE_APPLIANCE: N_("Appliance data"),
    TicketAction.ASSIGN: N_("Assign a centre"),
    TicketAction.REQUEST_EXCHANGE: N_("Request an exchange"),
    TicketAction.CANCEL: N_("Cancel the ticket"),
    TicketAction.REJECT: N_("Reject (back to confirmed)"),
    TicketAction.VERIFY: N_("Verify"),
    TicketAction.PARTS_RECEIVED: N_("Parts received"),
    TicketAction.RESCHEDULE: N_("Reschedule"),
}


def history_type(value: str) -> str:
    return _(HISTORY_TYPE.get(value, value))


Clock = Callable[[], dt.datetime]


def _local(clock: Clock) -> dt.datetime:
    return clock().astimezone()


def _status_action(
    current: Current, action: TicketAction
) -> Callable[[SavClient, Any], Awaitable[Ticket]]:
    # A status action is checked against the status (compare-and-set on the server), not
    # against the version: a log or an appliance correction saved meanwhile does not make
    # "customer contacted" wrong, while a status change does, and the server says which.
    async def send(client: SavClient, body: Any) -> Ticket:
        return await client.ticket_action(current().id, action, body)

    return send


def contacted(current: Current, reload: Reload, clock: Clock) -> ActionForm:
    ticket = current()
    tomorrow = formats.day((_local(clock) + dt.timedelta(days=1)).date())

    def build(v: dict[str, str]) -> ContactedRequest:
        at = local_moment("date", v["date"], "time", v["time"])
        return ContactedRequest(appointment_at=at, note=v["note"].strip())

    return ActionForm(
        _("Ticket {id}: customer contacted").format(id=ticket.id),
        [
            Field("date", _("Appointment"), value=tomorrow, required=True,
                  placeholder=formats.date_forms(), server_names=("appointment_at",)),
            Field("time", _("Time"), value="09:00", required=True, placeholder=_("HH:MM")),
            Field("note", _("Note"), kind="multiline"),
        ],
        build,
        _status_action(current, TicketAction.CONTACTED),
        intro=_(
            "The ticket becomes Confirmed, with this appointment, and so do the group's "
            "other tickets still to contact (one customer)."
        ),
        reload=reload,
    )  # fmt: skip


def unreachable(current: Current, reload: Reload, clock: Clock) -> ActionForm:
    ticket = current()
    now = _local(clock)

    def build(v: dict[str, str]) -> UnreachableRequest:
        at = local_moment("date", v["date"], "time", v["time"])
        if at > _local(clock) + dt.timedelta(minutes=5):
            raise FieldError("date", _("An attempt cannot be in the future."))
        return UnreachableRequest(attempted_at=at, means=ContactMeans(v["means"]), note=v["note"])

    return ActionForm(
        _("Ticket {id}: customer not reachable").format(id=ticket.id),
        [
            Field("date", _("Attempt on"), value=formats.day(now.date()), required=True,
                  server_names=("attempted_at",)),
            Field("time", _("At"), value=formats.clock(now), required=True),
            Field("means", _("By"), kind="choice",
                  choices=tuple((_(label), value) for value, label in MEANS.items())),
            Field("note", _("Note"), kind="multiline"),
        ],
        build,
        _status_action(current, TicketAction.UNREACHABLE),
        intro=_(
            "The attempt is recorded on every ticket of the group still to contact; the "
            "48 h clock stands still until the ticket is to contact again."
        ),
        reload=reload,
    )  # fmt: skip


def add_log(current: Current, reload: Reload, clock: Clock) -> ActionForm:
    ticket = current()

    def build(v: dict[str, str]) -> AddLogRequest:
        email = v["email_to"].strip() or None
        if email is not None and ("@" not in email or "." not in email.partition("@")[2]):
            raise FieldError("email_to", _("Not an e-mail address: {text}").format(text=email))
        return AddLogRequest(type=HistoryType(v["type"]), note=v["note"].strip(), email_to=email)

    async def send(client: SavClient, body: AddLogRequest) -> Any:
        return await client.add_log(current().id, body)

    return ActionForm(
        _("Ticket {id}: add a log").format(id=ticket.id),
        [
            Field("type", _("Type"), kind="choice",
                  choices=tuple((history_type(t.value), t.value) for t in LOG_TYPES)),
            Field("note", _("Note"), kind="multiline", required=True),
            Field("email_to", _("E-mail to"), placeholder=_("optional: name@example.com")),
        ],
        build,
        send,
        intro=_("With an address, the log is also e-mailed (or put in the outbox)."),
        reload=reload,
    )  # fmt: skip


def appliance(current: Current, reload: Reload, clock: Clock) -> ActionForm:
    ticket = current()
    a = ticket.appliance

    def build(v: dict[str, str]) -> ApplianceUpdate:
        purchase = parse_date("purchase_date", v["purchase_date"]) if v["purchase_date"] else None
        if purchase is not None and purchase > _local(clock).date():
            raise FieldError("purchase_date", _("A purchase date cannot be in the future."))
        return ApplianceUpdate(
            model_code=v["model_code"].strip().upper(),
            service_index=v["service_index"].strip().upper(),
            serial_number=v["serial_number"],
            purchase_date=purchase,
            invoice_number=v["invoice_number"],
        )

    async def send(client: SavClient, body: ApplianceUpdate) -> Ticket:
        latest = current()
        return await client.update_appliance(latest.id, body, version=latest.version)

    purchase = formats.day(a.purchase_date)
    return ActionForm(
        _("Ticket {id}: appliance data").format(id=ticket.id),
        [
            Field("model_code", _("Model"), value=a.model_code, required=True),
            Field("service_index", _("Service index"), value=a.service_index, required=True),
            Field("serial_number", _("Serial number"), value=a.serial_number),
            Field(
                "purchase_date",
                _("Purchased on"),
                value=purchase,
                placeholder=formats.date_forms(),
            ),
            Field("invoice_number", _("Invoice number"), value=a.invoice_number),
        ],
        build,
        send,
        intro=_("The model and service index are checked against the catalogue."),
        reload=reload,
    )  # fmt: skip


def assign(current: Current, reload: Reload, clock: Clock) -> ActionForm:
    ticket = current()

    def build(v: dict[str, str]) -> AssignRequest:
        return AssignRequest(service_centre_code=v["centre"].strip(), note=v["note"])

    return ActionForm(
        _("Ticket {id}: assign a service centre").format(id=ticket.id),
        [
            Field("centre", _("Centre code"), value=ticket.service_centre_code or "",
                  required=True, server_names=("service_centre_code",)),
            Field("note", _("Note"), kind="multiline"),
        ],
        build,
        _status_action(current, TicketAction.ASSIGN),
        intro=_("The centre has 48 h to contact the customer."),
        reload=reload,
    )  # fmt: skip


def reschedule(current: Current, reload: Reload, clock: Clock) -> ActionForm:
    """Operators: a new appointment (the history keeps the old one)."""
    ticket = current()
    at = ticket.appointment_at.astimezone() if ticket.appointment_at else None
    day = formats.day(at.date()) if at else ""

    def build(v: dict[str, str]) -> RescheduleRequest:
        moment = local_moment("date", v["date"], "time", v["time"])
        if moment < _local(clock) - dt.timedelta(minutes=5):
            raise FieldError("date", _("The appointment is in the past."))
        return RescheduleRequest(appointment_at=moment, note=v["note"].strip())

    async def send(client: SavClient, body: RescheduleRequest) -> Ticket:
        return await client.reschedule(current().id, body)

    return ActionForm(
        _("Ticket {id}: reschedule").format(id=ticket.id),
        [
            Field("date", _("Appointment"), value=day, required=True,
                  placeholder=formats.date_forms(), server_names=("appointment_at",)),
            Field("time", _("Time"), value=formats.clock(at) if at else "09:00",
                  required=True, placeholder=_("HH:MM")),
            Field("note", _("Note"), kind="multiline"),
        ],
        build,
        send,
        intro=_("The appointment moves; the history keeps the old one. The status stays."),
        reload=reload,
    )  # fmt: skip


def with_note(current: Current, reload: Reload, action: TicketAction) -> ActionForm:
    """Exchange and verify (optional note); cancel and reject (motivation required)."""
    ticket = current()
    required = action in (TicketAction.CANCEL, TicketAction.REJECT)
    intros = {
        TicketAction.REQUEST_EXCHANGE: _("A replacement appliance will be delivered."),
        TicketAction.CANCEL: _("A cancelled ticket cannot be reopened. Say why."),
        TicketAction.REJECT: _("The intervention goes back to the centre. Say what is wrong."),
        TicketAction.VERIFY: _("The intervention is approved and can be invoiced."),
        TicketAction.PARTS_RECEIVED: _("The ticket goes back to Confirmed."),
    }

    def build(v: dict[str, str]) -> NoteRequest | MotivationRequest:
        if required:
            return MotivationRequest(note=v["note"])
        return NoteRequest(note=v["note"])

    label = _("Motivation") if required else _("Note")
    return ActionForm(
        _("Ticket {id}: {action}").format(id=ticket.id, action=_(ACTION_LABEL[action]).lower()),
        [Field("note", label, kind="multiline", required=required)],
        build,
        _status_action(current, action),
        intro=intros.get(action, ""),
        reload=reload,
    )
