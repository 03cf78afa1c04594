"""The monthly spare-parts report on paper: the same figures as ``GET /reports/parts``
(server.services.parts_report), one table of the month's parts by model with a total under
each model and the month's at the end."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from client.models import PartsReport, PartsReportQuery
from server.db import models as db
from server.documents import amounts, page, rendered
from server.documents.base import Column, table_document
from server.i18n import _, language, money_eur, ngettext
from server.services import parts_report


async def pdf(session: AsyncSession, query: PartsReportQuery, user: db.User) -> bytes:
    report = await parts_report.parts_report(session, user, query)
    code = report.centre or query.centre
    centre: db.ServiceCentre | None = None
    if code:
        centre = (
            await session.execute(select(db.ServiceCentre).where(db.ServiceCentre.code == code))
        ).scalar_one_or_none()
    elif user.service_centre_id is not None:
        centre = await session.get(db.ServiceCentre, user.service_centre_id)
    return await rendered(lambda: build(report, centre))


def file_name(month: str) -> str:
    return f"parts-{month}.pdf"


def month_name(month: str) -> str:
    """``2026-10`` as the reader's language names it: "October 2026", "octobre 2026"."""
    year, number = (int(p) for p in month.split("-"))
    return format_date(dt.date(year, number, 1), "LLLL y", locale=language())


def build(report: PartsReport, centre: db.ServiceCentre | None) -> bytes:
    title = _("Spare parts installed in {month}").format(month=month_name(report.month))
    amount = amounts()
    lines = [
        ngettext(
            "{n} intervention with parts installed",
            "{n} interventions with parts installed",
            report.interventions,
        ).format(n=report.interventions)
        + " · "
        + _("{quantity} parts, {value}").format(
            quantity=report.quantity, value=money_eur(report.value)
        )
    ]
    if report.model:
        lines.append(_("Models starting with {model}").format(model=report.model))
    rows: list[list[object]] = []
    for model in report.models:
        for line in model.lines:
            rows.append(
                [model.model_code, line.code, line.description, line.quantity, amount(line.value)]
            )
        rows.append(
            [
                "",
                "",
                _("Total {model}").format(model=model.model_code),
                model.quantity,
                amount(model.value),
            ]
        )
    columns = [
        Column(_("Model"), 1.2),
        Column(_("Code"), 1.1),
        Column(_("Description"), 3.2, wrap=True),
        Column(_("Quantity"), 0.9, "right"),
        Column(_("Value"), 1.1, "right"),
    ]
    totals = [["", "", _("Total of the month"), report.quantity, amount(report.value)]]
    return table_document(
        page=page(centre, title),
        title=title,
        header_lines=lines,
        columns=columns,
        rows=rows,
        totals=totals,
    )
