"""The monthly spare-parts report (the seed's "Rapport mensuel de pièce de rechange").

For a month, the parts installed in the centre's closed interventions (closed, verified or
invoiced; by intervention date), grouped by the appliance's model: each part's code,
description, quantity and value (the unit prices frozen in the interventions times their
quantities), with totals per model and for the month. Operators see every centre's (or one
centre's, ``centre``); technicians and managers their own (``server.services.tenancy``).

:func:`parts_report` returns the whole report as plain data (``client.models.PartsReport``):
the screen, the CSV (:func:`report_csv`) and any other rendering (a PDF) start from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import formats
from client import models as wire
from client.models import TicketStatus
from server.db import models as db
from server.errors import Invalid
from server.i18n import _, pgettext, using
from server.services.invoicing import _centre_filter
from server.services.money import from_cents
from server.services.tenancy import scope_bound, scope_kind, scope_params
from server.services.text_match import starts_with
from server.services.ticket_export import BOM, csv_separator

CLOSED = (TicketStatus.CLOSED.value, TicketStatus.VERIFIED.value, TicketStatus.INVOICED.value)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """The first day of ``month`` (``YYYY-MM``) and of the next; 422 naming ``month`` else."""
    found = wire.reports.MONTH.match(month.strip())
    if (
        found is None
        or not 1 <= int(found[2]) <= 12
        or not wire.MIN_YEAR <= int(found[1]) <= wire.MAX_YEAR  # 9999-12: no next month
    ):
        why = _("give a month as YYYY-MM, e.g. 2026-10")
        raise Invalid(why, fields={"month": why})
    start = dt.date(int(found[1]), int(found[2]), 1)
    following = wire.shift_month(month.strip(), 1)
    return start, dt.date(int(following[:4]), int(following[5:]), 1)


def _conditions(query: wire.PartsReportQuery) -> list[ColumnElement[bool]]:
    start, end = month_bounds(query.month)
    i = db.Intervention
    where: list[ColumnElement[bool]] = [
        i.closed_at.is_not(None),
        db.Ticket.status.in_(CLOSED),
        i.intervention_date >= start,
        i.intervention_date < end,
    ]
    model = query.model.strip().upper()
    if model:
        where.append(starts_with(db.Appliance.model_code, model))
    centre = _centre_filter(db.Ticket.service_centre_id, query.centre)
    if centre is not None:
        where.append(centre)
    return where


def _joined(stmt: Any, user: db.User, where: list[ColumnElement[bool]]) -> Any:
    """``stmt`` over the interventions' parts matching ``where``, restricted to what ``user``
    sees (executed with ``scope_params(user)``)."""
    ip, i, t = db.InterventionPart, db.Intervention, db.Ticket
    stmt = (
        stmt.select_from(ip)
        .join(i, i.id == ip.intervention_id)
        .join(t, t.id == i.ticket_id)
        .join(db.Appliance, db.Appliance.id == t.appliance_id)
        .join(db.Part, db.Part.id == ip.installed_part_id)
        .where(*where)
    )
    return scope_bound(stmt, t.service_centre_id, scope_kind(user))


async def parts_report(
    session: AsyncSession, user: db.User, query: wire.PartsReportQuery
) -> wire.PartsReport:
    """The report of ``query.month`` as ``user`` may see it (see the module)."""
    where = _conditions(query)
    ip, model = db.InterventionPart, db.Appliance.model_code
    value = func.sum(ip.quantity * ip.unit_price_cents)
    params = scope_params(user)
    rows = (
        await session.execute(
            _joined(
                select(
                    model,
                    db.Part.code,
                    func.max(ip.description),
                    func.sum(ip.quantity),
                    value,
                ),
                user,
                where,
            )
            .group_by(model, db.Part.code)
            .order_by(model, db.Part.code),
            params,
        )
    ).all()
    counts = dict(
        (
            await session.execute(
                _joined(
                    select(model, func.count(distinct(ip.intervention_id))), user, where
                ).group_by(model),
                params,
            )
        ).all()
    )
    every = (
        await session.execute(
            _joined(select(func.count(distinct(ip.intervention_id))), user, where), params
        )
    ).scalar_one()
    models: list[wire.PartsReportModel] = []
    lines: list[wire.PartsReportLine] = []
    for position, row in enumerate(rows):
        lines.append(
            wire.PartsReportLine(
                code=row[1],
                description=row[2] or "",
                quantity=int(row[3]),
                value=from_cents(int(row[4])),
            )
        )
        if position + 1 == len(rows) or rows[position + 1][0] != row[0]:
            models.append(
                wire.PartsReportModel(
                    model_code=row[0],
                    interventions=int(counts.get(row[0], 0)),
                    lines=lines,
                    quantity=sum(line.quantity for line in lines),
                    value=sum((line.value for line in lines), Decimal("0.00")),
                )
            )
            lines = []
    return wire.PartsReport(
        month=query.month.strip(),
        centre=query.centre.strip(),
        model=query.model.strip().upper(),
        models=models,
        interventions=int(every),
        quantity=sum(m.quantity for m in models),
        value=sum((m.value for m in models), Decimal("0.00")),
    )


# --------------------------------------------------------------------------- CSV

CSV_COLUMNS = ("month", "model", "code", "description", "quantity", "value")
"""The machine CSV's header: the columns' codes (one row per model and part, no totals)."""


def _headers() -> list[str]:
    return [
        pgettext("CSV column", "Month"),
        pgettext("CSV column", "Model"),
        pgettext("CSV column", "Part code"),
        pgettext("CSV column", "Description"),
        pgettext("CSV column", "Quantity"),
        pgettext("CSV column", "Value (EUR)"),
    ]


def _amount(value: Decimal, lang: str) -> str:
    """An amount a spreadsheet in ``lang`` reads as a number: 1234.50 / 1234,50."""
    text = formats.number(value, lang, 2)
    group = formats.number(1000, lang)[1:2]  # the language's thousands mark
    return text.replace(group, "") if group and not group.isdigit() else text


def report_csv(
    report: wire.PartsReport, csv_format: wire.CsvFormat = wire.CsvFormat.MACHINE, lang: str = "en"
) -> bytes:
    """The report as CSV, as ``GET /tickets.csv`` writes (``server.services.ticket_query``).

    ``spreadsheet``: for a spreadsheet in ``lang``: its separator, column names, amounts with
    its decimal mark, a BOM first, CRLF; the model totals and the month's total as rows
    named "Total". ``machine``: the columns' codes, ``,``, amounts as ``1234.50``, one row
    per model and part, no totals (a program sums them)."""
    spreadsheet = csv_format is wire.CsvFormat.SPREADSHEET
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=csv_separator(csv_format, lang),
        lineterminator="\r\n" if spreadsheet else "\n",
    )
    if not spreadsheet:
        writer.writerow(CSV_COLUMNS)
        for group in report.models:
            for line in group.lines:
                writer.writerow(
                    [
                        report.month,
                        group.model_code,
                        line.code,
                        line.description,
                        str(line.quantity),
                        str(wire.quantize_money(line.value)),
                    ]
                )
        return buffer.getvalue().encode()
    with using(lang):
        buffer.write(BOM)
        writer.writerow(_headers())
        total = pgettext("CSV value", "Total")
        for group in report.models:
            for line in group.lines:
                writer.writerow(
                    [
                        report.month,
                        group.model_code,
                        line.code,
                        line.description,
                        str(line.quantity),
                        _amount(line.value, lang),
                    ]
                )
            writer.writerow(
                [report.month, group.model_code, total, "", str(group.quantity),
                 _amount(group.value, lang)]
            )  # fmt: skip
        writer.writerow(
            [report.month, total, "", "", str(report.quantity), _amount(report.value, lang)]
        )
    return buffer.getvalue().encode()
