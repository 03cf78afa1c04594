"""A ticket as text: the header's two lines, the details, the closing as the operator
verifies it, the history's entries; in the reader's language, markup escaped where it is
markup (the screen's Statics), plain where it is not (the history's cells)."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.markup import escape

from tui import formats, glyphs
from tui.i18n import N_, _, ngettext
from tui.widgets.status import ticket_status

if TYPE_CHECKING:
    from client.models import Closing, HistoryEntry, Ticket


def when(moment: dt.datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return "-"
    return formats.moment(moment) if with_time else formats.local_day(moment)


_DELIVERY = {"sent": N_("sent"), "outbox": N_("in the outbox")}


def entry_text(e: HistoryEntry) -> str:
    """A history entry on one line: what the system wrote (rendered by the server in our
    language and zone), then what the person typed."""
    return " — ".join(part for part in (e.text, e.note) if part)


def delivery(e: HistoryEntry) -> str:
    """How an e-mailed log went: " (sent)", " (in the outbox)"; "" when unknown."""
    if e.email_delivery is None:
        return ""
    return " (" + _(_DELIVERY.get(e.email_delivery.value, e.email_delivery.value)) + ")"


def short(name: str | None) -> str:
    """'Julien Marchal' -> 'J. Marchal'."""
    if not name:
        return "-"
    first, _sep, rest = name.partition(" ")
    return f"{first[:1]}. {rest}" if rest else first


def day(day: dt.date | None) -> str:
    return formats.day(day, empty="-")


def duration(delta: dt.timedelta) -> str:
    hours = int(abs(delta).total_seconds() // 3600)
    if hours >= 48:
        return ngettext("{n} day", "{n} days", hours // 24).format(n=hours // 24)
    return _("{n} h").format(n=hours)


def hanging(prefix: str, value: str, width: int) -> str:
    """``prefix`` then ``value`` wrapped at ``width`` cells, each further line starting under
    the value's first character (a long work done or part line stays in its column); markup
    escaped."""
    room = max(width - len(prefix), 12)
    chunks = [c for line in value.splitlines() or [""] for c in textwrap.wrap(line, room) or [""]]
    pad = " " * len(prefix)
    return "\n".join(escape((prefix if i == 0 else pad) + chunk) for i, chunk in enumerate(chunks))


def closing_text(c: Closing, width: int = 78) -> str:
    """The whole closing, as the operator verifies it: codes, work, parts with their frozen
    price against today's catalogue price, amounts."""
    from tui.widgets.money import money, percent

    f, t = c.form, c.totals

    def done(at: dt.datetime | None, by: str | None) -> str:
        return f"{when(at)} {short(by) if by else ''}".strip() if at else ""

    closed, verified = done(c.closed_at, c.closed_by), done(c.verified_at, c.verified_by)
    work = f"{f.work_done_code} {c.work}" + (f" — {f.work_done}" if f.work_done else "")
    visit = f"{day(f.intervention_date)} · " + _("{n} km").format(n=f.distance_km)
    if f.intervention_code:
        visit += f" · {f.intervention_code} {c.intervention}"
    rows = [
        (_("Visit"), visit),
        (_("Faulty component"), f"{f.faulty_component_code} {c.faulty_component}"),
        (_("Fault"), f"{f.fault_code} {c.fault}"
         + (f" ({c.fault_type.value})" if c.fault_type else "")),
        (_("Work done"), work),
        (_("Fault description"), f.fault_description),
        (_("Closed"), closed),
    ]  # fmt: skip
    if verified:
        rows.append((_("Verified"), verified))
    title = _("Intervention")
    lines = [f"[b]{escape(title)}[/b]"]
    lines += [hanging(f"  {label:<21} ", value.strip() or "-", width) for label, value in rows]
    if c.parts:
        parts_used = _("Parts used")
        lines.append(f"  {escape(parts_used)}")
    for p in c.parts:
        mark = ""
        if p.unit_price != p.catalogue_price:
            mark = " " + _("(catalogue today: {price})").format(price=money(p.catalogue_price))
        codes = p.installed_code if p.installed_code == p.requested_code else (
            f"{p.requested_code} → {p.installed_code}")  # fmt: skip
        lines.append(
            hanging("    ", f"{codes} {p.description} × {p.quantity} {money(p.unit_price)} = "
                    f"{money(p.amount)}{mark}", width)
        )  # fmt: skip
    lines.append(
        hanging("  ", _("Rate {rate} · Spares {spares} · Bonuses {bonuses} · Net {net}").format(
            rate=money(t.rate), spares=money(t.spares), bonuses=money(t.bonuses),
            net=money(t.net)), width)
    )  # fmt: skip
    lines.append(
        hanging("  ", _("VAT {vat_rate} {vat} · Final price {total} €").format(
            vat_rate=percent(t.vat_rate), vat=money(t.vat), total=money(t.total)), width)
    )  # fmt: skip
    return "\n".join(lines)


def header_text(t: Ticket, width: int, now: dt.datetime) -> str:
    """Two lines, each whole at ``width`` cells (``now`` counts the deadline): what does
    not fit is shortened (the group number first, then the wording of the deadline) or
    left out (the operator, then the engineer), never wrapped onto a line of its own."""
    status = f" {ticket_status(t.status.value).upper()} "
    due, overdue = [""], False
    if t.contact_due_at is not None:
        left = t.contact_due_at - now
        overdue = left.total_seconds() < 0
        if overdue:
            mark = glyphs.current().overdue + " "
            due = [mark + _("contact overdue by {d}"), mark + _("overdue {d}")]
        else:
            due = [_("contact within {d}"), _("due in {d}")]
        due = [text.format(d=duration(left)) for text in due]
    elif t.contact_paused_minutes_left is not None:
        left = dt.timedelta(minutes=t.contact_paused_minutes_left)
        pause = glyphs.current().paused
        due = [
            _("48 h clock paused, {d} left").format(d=duration(left)),
            pause + " " + _("{d} left").format(d=duration(left)),
        ]
    names = [
        _("Group {group} · ticket {id}").format(group=t.group_id, id=t.id),
        _("Ticket {id}").format(id=t.id),
    ]
    first = [names[-1], status, due[-1]]
    for name, deadline in [(n, d) for d in due for n in names]:
        if cell_len("  ".join(p for p in (name, status, deadline) if p)) <= width:
            first = [name, status, deadline]
            break
    name, status, deadline = first
    line = escape(name) + "  [reverse b]" + escape(status) + "[/]"
    if deadline:
        line += "  " + (f"[b $error]{escape(deadline)}[/]" if overdue else escape(deadline))
    # the appointment first, short names, the centre's code; the names go when short
    second = [
        _("Appointment: {when}").format(when=when(t.appointment_at)),
        _("Centre: {code}").format(code=t.service_centre_code or "-"),
        _("Engineer: {name}").format(name=short(t.engineer)),
        _("Operator: {name}").format(name=short(t.operator)),
    ]
    while len(second) > 2 and cell_len(" · ".join(second)) > width:
        second.pop()
    return line + "\n" + escape(" · ".join(second))


def details_text(t: Ticket, width: int = 78) -> str:
    """The customer, the appliance and the request, a label's column then its value."""
    c, a = t.customer, t.appliance
    yes, no = _("yes"), _("no")
    flags = [
        label
        for on_, label in (
            (t.follow, _("follow")),
            (t.waiting_parts, _("waiting for parts")),
            (t.exchange, _("exchange")),
        )
        if on_
    ]
    sections = [
        (
            _("Customer"),
            [
                (_("Name"), f"{c.last_name} {c.first_name}"),
                (_("Company"), c.company),
                (_("Address"), f"{c.street}, {c.postal_code} {c.city} {c.region} {c.country}"),
                (_("Phone"), c.home_phone),
                (_("E-mail"), c.email),
                (_("Privacy agreed"), yes if c.privacy_agreed else no),
                (_("Note"), c.note),
            ],
        ),
        (
            _("Appliance"),
            [
                (_("Model"), a.model_code),
                (_("Service index"), a.service_index),
                (_("Serial number"), a.serial_number),
                (_("Produced on"), day(a.production_date)),
                (_("Purchased on"), day(a.purchase_date)),
                (_("Invoice number"), a.invoice_number),
                (_("Reseller"), a.reseller),
            ],
        ),
        (
            _("Request"),
            [
                (_("Problem"), t.problem),
                (_("Type"), t.ticket_type),
                (_("Warranty"), _("in warranty") if t.warranty.value == "in_warranty"
                 else _("out of warranty")),
                (_("External ref."), t.external_ref),
                (_("Created"), when(t.created_at)),
                (_("Flags"), ", ".join(flags)),
                (_("Last change"), f"{when(t.updated_at)} {t.updated_by or ''}".strip()),
            ],
        ),
    ]  # fmt: skip
    if t.contact_attempts:  # failed attempts (customer not reachable), when there were
        sections[2][1].insert(5, (_("Contact attempts"), str(t.contact_attempts)))
    lines = []
    # the labels' column as wide as this language's longest label ("Indice di servizio")
    labels = max(16, *(len(label) for _title, rows in sections for label, _value in rows))
    for title, rows in sections:
        lines.append(f"[b]{escape(title)}[/b]")
        for label, value in rows:
            lines.append(hanging(f"  {label:<{labels}} ", value.strip() or "-", width))
    return "\n".join(lines)
