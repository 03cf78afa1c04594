"""The payment voucher (*bon à payer*): its number and date, the centre, one line per
intervention invoiced on it, and its figures (the sums of its interventions': the same as
``GET /vouchers/{id}``, server.services.invoicing). Hundreds of lines run over pages, the
columns' heading repeated on each."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import InvoiceTotals
from server.db import models as db
from server.documents import amounts, date, page, rendered, when
from server.documents.base import Column, Document
from server.i18n import _, money_eur, ngettext
from server.services import invoicing


async def load(
    session: AsyncSession, voucher_id: int, user: db.User
) -> tuple[wire.VoucherDetail, db.ServiceCentre | None]:
    """The voucher as ``user`` may see it (404 for another centre's), and its centre."""
    voucher = await invoicing.get_voucher(session, voucher_id, user)
    centre = (
        await session.execute(
            select(db.ServiceCentre).where(db.ServiceCentre.code == voucher.service_centre_code)
        )
    ).scalar_one_or_none()
    return voucher, centre


async def pdf(session: AsyncSession, voucher_id: int, user: db.User, zone: dt.tzinfo) -> bytes:
    voucher, centre = await load(session, voucher_id, user)
    return await rendered(lambda: build(voucher, centre, zone))


def file_name(number: str) -> str:
    return f"voucher-{number}.pdf"


def build(voucher: wire.VoucherDetail, centre: db.ServiceCentre | None, zone: dt.tzinfo) -> bytes:
    title = _("Payment voucher {number}").format(number=voucher.number)
    doc = Document(page(centre, title), title)
    count = ngettext("{n} intervention", "{n} interventions", voucher.count).format(n=voucher.count)
    doc.fields(
        [
            (_("Number"), voucher.number),
            (_("Date"), when(voucher.created_at, zone)),
            (_("Service centre"), f"{voucher.service_centre_code} {voucher.service_centre_name}"),
            (_("Made by"), voucher.created_by),
            (_("Interventions"), count),
            (_("Total"), money_eur(voucher.total)),
        ]
    )
    doc.space()
    sums = InvoiceTotals.of(voucher.lines)
    amount = amounts()
    doc.table(
        [
            Column(_("Ticket"), 0.8),
            Column(_("Date"), 1.2),  # the intervention's
            Column(_("Model"), 1.1),
            Column(_("Customer"), 1.3),
            Column(_("Rate"), 0.85, "right"),
            Column(_("Spares"), 1.0, "right"),
            Column(_("Bonuses"), 0.8, "right"),
            Column(_("Net"), 1.1, "right"),
            Column(_("VAT"), 0.95, "right"),
            Column(_("Total"), 1.1, "right"),
        ],
        [
            [
                str(line.ticket_id),
                date(line.intervention_date),
                line.model_code,
                line.customer_name,
                amount(line.rate),
                amount(line.spares),
                amount(line.bonuses),
                amount(line.net),
                amount(line.vat),
                amount(line.total),
            ]
            for line in voucher.lines
        ],
        totals=[
            [
                _("Total"),
                "",
                "",
                count,
                amount(sums.rate),
                amount(sums.spares),
                amount(sums.bonuses),
                amount(voucher.net),
                amount(voucher.vat),
                amount(voucher.total),
            ]
        ],
    )
    doc.space().paragraph(
        _(
            "Amounts in euros. The service centre's invoice to the manufacturer must equal "
            "this voucher's total: {total}."
        ).format(total=money_eur(voucher.total))
    )
    return doc.render()
