"""What the system writes by itself into a ticket's history: events, rendered for the reader.

An event is stored as a code (``client.models.HistoryEvent``) and its parameters, never as
a sentence: who did it is the entry's author, moments are ISO 8601 in UTC, everything else
is a code or a number (a centre's code, an order's number, a contact means). What a person
typed with it stays apart, in the entry's ``note``.

:func:`render` is the one place an event becomes text: in the current language
(``server.i18n``: the request's ``Accept-Language``, or the one chosen with ``using``), with
its moments in the reader's time zone. The history API, the ticket CSV and the e-mails use
it; a new language is a catalogue, a new event a constructor here and a line in ``_RENDER``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from client.models import ContactMeans, HistoryEvent, TicketStatus
from server.i18n import N_, _, day, moment, money, pgettext
from server.services.status_machine import STATUS_NAMES

log = logging.getLogger("sav.events")

Params = dict[str, Any]

APPLIANCE_FIELDS = (
    "model_code",
    "service_index",
    "serial_number",
    "purchase_date",
    "invoice_number",
)
"""The appliance's fields a correction names, in the order it lists them."""


@dataclass(frozen=True)
class Event:
    """An event to store: its code and its parameters (JSON: strings, numbers, lists)."""

    code: HistoryEvent
    params: Params = field(default_factory=dict)


def iso(value: dt.datetime) -> str:
    """A moment as an event stores it: ISO 8601 in UTC."""
    if value.tzinfo is None:
        raise ValueError("an event's moment needs a time zone")
    return value.astimezone(dt.UTC).isoformat()


# --------------------------------------------------------------------------- constructors


def created() -> Event:
    return Event(HistoryEvent.CREATED)


def assigned(centre_code: str, centre_name: str) -> Event:
    return Event(HistoryEvent.ASSIGNED, {"centre_code": centre_code, "centre_name": centre_name})


def contacted(appointment_at: dt.datetime) -> Event:
    return Event(HistoryEvent.CONTACTED, {"appointment_at": iso(appointment_at)})


def unreachable(attempted_at: dt.datetime, means: ContactMeans) -> Event:
    return Event(
        HistoryEvent.UNREACHABLE, {"attempted_at": iso(attempted_at), "means": means.value}
    )


def rescheduled(appointment_at: dt.datetime, previous: dt.datetime | None) -> Event:
    params: Params = {"appointment_at": iso(appointment_at)}
    if previous is not None:
        params["previous"] = iso(previous)
    return Event(HistoryEvent.RESCHEDULED, params)


def parts_ordered(
    order: str | None = None, parts: Sequence[str] = (), supplier: str | None = None
) -> Event:
    """Parts ordered: from the manufacturer, or (``supplier``) from an outside supplier."""
    params: Params = {}
    if order:
        params["order"] = order
    if supplier:
        params["supplier"] = supplier
    if parts:
        params["parts"] = list(parts)
    return Event(HistoryEvent.PARTS_ORDERED, params)


def parts_received(appointment_at: dt.datetime | None = None) -> Event:
    params = {"appointment_at": iso(appointment_at)} if appointment_at else {}
    return Event(HistoryEvent.PARTS_RECEIVED, params)


def invoiced(voucher: str | None = None) -> Event:
    return Event(HistoryEvent.INVOICED, {"voucher": voucher} if voucher else {})


def closed(fault: str, total: str) -> Event:
    """The intervention was closed with this fault code, at this final price ("160.75")."""
    return Event(HistoryEvent.CLOSED, {"fault": fault, "total": total})


def verified(total: str) -> Event:
    return Event(HistoryEvent.VERIFIED, {"total": total})


def intervention_saved() -> Event:
    return Event(HistoryEvent.INTERVENTION_SAVED)


def report_emailed() -> Event:
    """The intervention report was e-mailed (the entry's ``email_to`` says to whom)."""
    return Event(HistoryEvent.REPORT_EMAILED)


def order_withdrawn(order: str) -> Event:
    return Event(HistoryEvent.ORDER_WITHDRAWN, {"order": order})


def appliance_corrected(changes: Mapping[str, tuple[object, object]]) -> Event:
    """``changes``: field -> (old, new); dates become ISO dates, nothing becomes ""."""
    return Event(
        HistoryEvent.APPLIANCE_CORRECTED,
        {
            "changes": [
                {"field": name, "old": _stored(old), "new": _stored(new)}
                for name, (old, new) in changes.items()
            ]
        },
    )


def status_changed(status: TicketStatus) -> Event:
    return Event(HistoryEvent.STATUS_CHANGED, {"status": status.value})


def supplier_changes_applied(order: str, changes: Sequence[Mapping[str, str]]) -> Event:
    """Changes a supplier made to ``order`` applied to it: [{field, part, old, new}]."""
    return Event(
        HistoryEvent.SUPPLIER_CHANGES_APPLIED,
        {"order": order, "changes": [dict(c) for c in changes]},
    )


def supplier_order_cancelled(order: str, supplier: str) -> Event:
    """The centre cancelled its order ``order`` (the supplier's number) with ``supplier``."""
    return Event(HistoryEvent.SUPPLIER_ORDER_CANCELLED, {"order": order, "supplier": supplier})


def simple(code: HistoryEvent) -> Event:
    """An event that needs no parameter (exchange requested, cancelled, rejected, ...)."""
    return Event(code)


def _stored(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- rendering


def render(code: str | None, params: Mapping[str, Any] | None, zone: dt.tzinfo) -> str:
    """The event in the current language, its moments in ``zone``; "" for no event.

    It never fails: an event this server does not know, or parameters it cannot read (a
    row written by a newer version), are shown by their code."""
    if not code:
        return ""
    try:
        renderer = _RENDER[HistoryEvent(code)]
        return renderer(params or {}, zone)
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("history event %r with parameters %s cannot be rendered", code, params)
        return code


def _moment(value: str, zone: dt.tzinfo) -> dict[str, str]:
    date, time = moment(dt.datetime.fromisoformat(value), zone)
    return {"date": date, "time": time}


def _contacted(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    if not p.get("appointment_at"):
        return _("Customer contacted")
    return _("Customer contacted: appointment on {date} at {time}").format(
        **_moment(p["appointment_at"], zone)
    )


def _means(means: ContactMeans) -> str:
    return {
        ContactMeans.PHONE: pgettext("contact means", "phone"),
        ContactMeans.SMS: pgettext("contact means", "SMS"),
        ContactMeans.EMAIL: pgettext("contact means", "e-mail"),
    }[means]


def field_name(name: str) -> str:
    """An appliance field's name in the current language."""
    return {
        "model_code": pgettext("appliance field", "model"),
        "service_index": pgettext("appliance field", "service index"),
        "serial_number": pgettext("appliance field", "serial number"),
        "purchase_date": pgettext("appliance field", "purchase date"),
        "invoice_number": pgettext("appliance field", "invoice number"),
    }[name]


def _unreachable(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    means = _means(ContactMeans(p["means"]))
    return _("Customer not reachable: attempt on {date} at {time} by {means}").format(
        means=means, **_moment(p["attempted_at"], zone)
    )


def _rescheduled(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    new = _moment(p["appointment_at"], zone)
    if not p.get("previous"):
        return _("Rescheduled: appointment on {date} at {time}").format(**new)
    old = _moment(p["previous"], zone)
    return _("Rescheduled: appointment on {date} at {time} (was {old_date} at {old_time})").format(
        old_date=old["date"], old_time=old["time"], **new
    )


def _parts_ordered(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    if p.get("order") and p.get("supplier"):
        return _("Parts ordered from {supplier}: order {order}").format(
            supplier=p["supplier"], order=p["order"]
        )
    if p.get("order"):
        return _("Parts ordered: order {order}").format(order=p["order"])
    if p.get("parts"):
        return _("Parts ordered: {parts}").format(parts=", ".join(p["parts"]))
    return _("Parts ordered")


def _parts_received(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    if not p.get("appointment_at"):
        return _("Parts received")
    return _("Parts received: new appointment on {date} at {time}").format(
        **_moment(p["appointment_at"], zone)
    )


def _invoiced(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    if not p.get("voucher"):
        return _("Intervention invoiced")
    return _("Intervention invoiced: payment voucher {voucher}").format(voucher=p["voucher"])


def _closed(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    if not p.get("total"):
        return _("Intervention closed")
    return _("Intervention closed: fault {fault}, final price {total} EUR").format(
        fault=p.get("fault") or "-", total=money(p["total"])
    )


def _verified(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    if not p.get("total"):
        return _("Intervention verified")
    return _("Intervention verified: final price {total} EUR").format(total=money(p["total"]))


def _value(name: str, value: str) -> str:
    if not value:
        # TRANSLATORS: an appliance field that was empty, or was emptied
        return _("(none)")
    if name == "purchase_date":
        return day(dt.date.fromisoformat(value))
    return value


def _appliance(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    changes = [
        # TRANSLATORS: one corrected field of an appliance: "serial number 123 → 456"
        _("{field} {old} → {new}").format(
            field=field_name(c["field"]),
            old=_value(c["field"], c["old"]),
            new=_value(c["field"], c["new"]),
        )
        for c in p.get("changes") or ()
    ]
    if not changes:
        return _("Appliance data corrected")
    # TRANSLATORS: what separates two corrected fields of an appliance
    separator = pgettext("appliance fields", "; ")
    return _("Appliance corrected: {changes}").format(changes=separator.join(changes))


def supplier_field_name(name: str) -> str:
    """A supplier order line's field, as a change names it, in the current language."""
    return {
        "ordered_code": pgettext("supplier change", "part number"),
        "part_name": pgettext("supplier change", "part name"),
        "purchase_price": pgettext("supplier change", "purchase price"),
        "sale_price": pgettext("supplier change", "sale price"),
        "expected_delivery": pgettext("supplier change", "delivery date"),
    }[name]


def supplier_value(name: str, value: str) -> str:
    """A supplier change's stored value in the current language."""
    if not value:
        return _("(none)")
    if name in ("purchase_price", "sale_price"):
        return money(value)
    if name == "expected_delivery":
        return day(dt.date.fromisoformat(value))
    return value


def _supplier_changes(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    changes = [
        # TRANSLATORS: one change a supplier made to an ordered part: "870650444: delivery
        # date Dec 4, 2026 → Dec 9, 2026"
        _("{part}: {field} {old} → {new}").format(
            part=c.get("part") or "-",
            field=supplier_field_name(c["field"]),
            old=supplier_value(c["field"], c["old"]),
            new=supplier_value(c["field"], c["new"]),
        )
        for c in p.get("changes") or ()
    ]
    separator = pgettext("appliance fields", "; ")
    return _("Supplier order {order} changed by the supplier: {changes}").format(
        order=p["order"], changes=separator.join(changes) or "-"
    )


def _status(p: Mapping[str, Any], zone: dt.tzinfo) -> str:
    return _("Status: {status}").format(status=_(STATUS_NAMES[TicketStatus(p["status"])]))


def _text(message: str) -> Callable[[Mapping[str, Any], dt.tzinfo], str]:
    return lambda p, zone: _(message)


_RENDER: dict[HistoryEvent, Callable[[Mapping[str, Any], dt.tzinfo], str]] = {
    HistoryEvent.CREATED: _text(N_("Ticket recorded")),
    HistoryEvent.ASSIGNED: lambda p, zone: _("Assigned to {centre} {code}").format(
        centre=p["centre_name"], code=p["centre_code"]
    ),
    HistoryEvent.CONTACTED: _contacted,
    HistoryEvent.UNREACHABLE: _unreachable,
    HistoryEvent.EXCHANGE_REQUESTED: _text(N_("Exchange requested")),
    HistoryEvent.CANCELLED: _text(N_("Ticket cancelled")),
    HistoryEvent.REJECTED: _text(N_("Intervention rejected")),
    HistoryEvent.VERIFIED: _verified,
    HistoryEvent.PARTS_ORDERED: _parts_ordered,
    HistoryEvent.PARTS_RECEIVED: _parts_received,
    HistoryEvent.CLOSED: _closed,
    HistoryEvent.INTERVENTION_SAVED: _text(N_("Intervention saved as a draft")),
    HistoryEvent.REPORT_EMAILED: _text(N_("Intervention report e-mailed")),
    HistoryEvent.INVOICED: _invoiced,
    HistoryEvent.ORDER_WITHDRAWN: lambda p, zone: _("Order {order} withdrawn").format(
        order=p["order"]
    ),
    HistoryEvent.APPLIANCE_CORRECTED: _appliance,
    HistoryEvent.STATUS_CHANGED: _status,
    HistoryEvent.RESCHEDULED: _rescheduled,
    HistoryEvent.SUPPLIER_CHANGES_APPLIED: _supplier_changes,
    HistoryEvent.SUPPLIER_ORDER_CANCELLED: lambda p, zone: _(
        "Order {order} from {supplier} cancelled"
    ).format(order=p["order"], supplier=p["supplier"]),
}
