"""The intervention report: the ticket, its customer and appliance, the closing form (codes
with their names, the fault and the work done), the parts used (requested, ordered and
installed codes) and the figures, exactly as the closing form and the operator see them
(server.services.closing: frozen at closing, the server's figures before)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import WarrantyStatus
from server.db import models as db
from server.documents import by, date, page, rendered, when
from server.documents.base import Column, Document
from server.i18n import N_, _, money, money_eur, rate
from server.services import closing
from server.services.status_machine import STATUS_NAMES
from server.services.tenancy import get_scoped

WARRANTY_NAMES = {
    WarrantyStatus.IN_WARRANTY: N_("in warranty"),
    WarrantyStatus.OUT_OF_WARRANTY: N_("out of warranty"),
}


@dataclass(frozen=True)
class Report:
    """What the report shows, loaded within the request."""

    closing: wire.Closing
    ticket: db.Ticket
    customer: db.Customer | None
    centre: db.ServiceCentre | None


async def load(
    session: AsyncSession, ticket_id: int, user: db.User, now: dt.datetime, zone: dt.tzinfo
) -> Report:
    """The ticket's intervention as ``user`` may see it (404 for another centre's)."""
    found = await closing.get_closing(session, ticket_id, user, now, zone)
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    customer = await session.get(db.Customer, ticket.customer_id)
    centre = (
        await session.get(db.ServiceCentre, ticket.service_centre_id)
        if ticket.service_centre_id is not None
        else None
    )
    return Report(found, ticket, customer, centre)


async def pdf(
    session: AsyncSession, ticket_id: int, user: db.User, now: dt.datetime, zone: dt.tzinfo
) -> bytes:
    report = await load(session, ticket_id, user, now, zone)
    return await rendered(lambda: build(report, zone))


def file_name(ticket_id: int) -> str:
    return f"intervention-{ticket_id}.pdf"


def _coded(code: str, name: str) -> str:
    if code and name:
        return f"{code} – {name}"
    return code or name


def build(report: Report, zone: dt.tzinfo) -> bytes:
    c, ticket, customer = report.closing, report.ticket, report.customer
    form = c.form
    title = _("Intervention report · ticket {ticket}").format(ticket=c.ticket_id)
    doc = Document(page(report.centre, title), title)
    status = _(STATUS_NAMES[c.ticket_status])
    number = _("{ticket} (group {group})").format(ticket=c.ticket_id, group=ticket.group_id)
    doc.fields(
        [
            (_("Ticket"), number),
            (_("Status"), status),
            (_("Ticket created"), when(c.ticket_created_at, zone)),
            (_("Intervention date"), date(form.intervention_date)),
            (_("Ticket type"), form.ticket_type),
            (_("Warranty"), _(WARRANTY_NAMES[form.warranty]) if form.warranty else ""),
            (_("Distance"), _("{km} km").format(km=form.distance_km)),
            (_("Closed"), by(c.closed_at, c.closed_by, zone)),
            (_("Verified"), by(c.verified_at, c.verified_by, zone)),
            (_("Last saved"), by(c.updated_at, c.updated_by, zone)),
        ]
    )
    doc.heading(_("Customer"))
    if customer is not None:
        name = " ".join(p for p in (customer.first_name, customer.last_name) if p)
        town = " ".join(p for p in (customer.postal_code, customer.city) if p)
        address = ", ".join(
            p for p in (customer.street, town, customer.region, customer.country) if p
        )
        doc.fields(
            [
                (_("Name"), name),
                (_("Company"), customer.company),
                (_("Address"), address),
                (_("Phone"), customer.home_phone),
                (_("E-mail"), customer.email),
            ]
        )
    doc.heading(_("Appliance"))
    doc.fields(
        [
            (
                _("Model"),
                f"{c.model_code} ({c.service_index})" if c.service_index else c.model_code,
            ),
            (_("Serial number"), c.serial_number),
            (_("Purchase date"), date(c.purchase_date)),
            (_("Invoice number"), c.invoice_number),
        ]
    )
    doc.heading(_("Intervention"))
    fault = _coded(form.fault_code, c.fault)
    if c.fault_type is not None:
        fault += " " + _("(type {type})").format(type=c.fault_type.value)
    doc.fields(
        [
            (_("Faulty component"), _coded(form.faulty_component_code, c.faulty_component)),
            (_("Fault"), fault),
            (_("Intervention code"), _coded(form.intervention_code, c.intervention)),
            (_("Work done"), _coded(form.work_done_code, c.work)),
        ]
    )
    if form.work_done.strip():
        doc.fields([(_("Work done, in detail"), form.work_done)], columns=1)
    if form.fault_description.strip():
        doc.fields([(_("Fault description"), form.fault_description)], columns=1)
    if c.rejection_note.strip():
        doc.fields([(_("Rejected"), c.rejection_note)], columns=1)
    doc.heading(_("Parts used"))
    if c.parts:
        doc.table(
            [
                Column(_("Requested"), 1.3),
                Column(_("Ordered"), 1.3),
                Column(_("Installed"), 1.3),
                Column(_("Description"), 2.8, wrap=True),
                Column(_("Qty"), 0.5, "right"),
                Column(_("Unit price"), 1.1, "right"),
                Column(_("Amount"), 1.1, "right"),
            ],
            [
                [
                    p.requested_code,
                    p.ordered_code or "",
                    p.installed_code,
                    p.description,
                    str(p.quantity),
                    money(p.unit_price),
                    money(p.amount),
                ]
                for p in c.parts
            ],
        )
    else:
        doc.paragraph(_("No parts used."))
    t = c.totals
    doc.heading(_("Amounts"))
    doc.table(
        [Column(_("Item"), 3), Column(_("Amount"), 1, "right")],
        [
            [_("Rate"), money_eur(t.rate)],
            [_("Spares"), money_eur(t.spares)],
            [_("Bonuses and extras"), money_eur(t.bonuses)],
            [_("Net"), money_eur(t.net)],
            [_("VAT {rate} %").format(rate=rate(t.vat_rate)), money_eur(t.vat)],
        ],
        totals=[[_("Final price"), money_eur(t.total)]],
    )
    if not c.frozen:
        doc.space().paragraph(
            _("Not closed yet: the amounts are the form's as saved, and may still change.")
        )
    return doc.render()
