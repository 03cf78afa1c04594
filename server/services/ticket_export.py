"""The ticket search's whole result as CSV, streamed in batches: for a spreadsheet in the
reader's language, or for a program (the columns' codes, ISO 8601 in UTC)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from client import models as wire
from server.db import models as db
from server.i18n import _, moment, pgettext, using
from server.services.status_machine import STATUS_NAMES
from server.services.ticket_query import summary, whole_result

EXPORT_BATCH = 1000
"""Rows read, written and sent at a time."""

CSV_COLUMNS = (
    "ticket",
    "group",
    "created_at",
    "status",
    "overdue",
    "customer",
    "postal_code",
    "city",
    "model",
    "service_centre",
    "engineer",
    "operator",
    "appointment_at",
    "waiting_parts",
)
"""The machine CSV's header: the columns' codes."""

BOM = "\ufeff"
"""Starts a spreadsheet CSV: Excel then reads it as UTF-8."""


def _headers() -> list[str]:
    """The spreadsheet CSV's header, in the current language."""
    return [
        pgettext("CSV column", "Ticket"),
        pgettext("CSV column", "Group"),
        pgettext("CSV column", "Created"),
        pgettext("CSV column", "Status"),
        pgettext("CSV column", "Overdue"),
        pgettext("CSV column", "Customer"),
        pgettext("CSV column", "Postal code"),
        pgettext("CSV column", "City"),
        pgettext("CSV column", "Model"),
        pgettext("CSV column", "Service centre"),
        pgettext("CSV column", "Engineer"),
        pgettext("CSV column", "Operator"),
        pgettext("CSV column", "Appointment"),
        pgettext("CSV column", "Waiting for parts"),
    ]


def csv_separator(csv_format: wire.CsvFormat, lang: str) -> str:
    """``,`` for programs and English spreadsheets; ``;`` where the decimal mark is a comma
    (French, Italian), as spreadsheets there expect."""
    if csv_format is wire.CsvFormat.MACHINE:
        return ","
    return "," if lang == "en" else ";"


def _machine_row(s: wire.TicketSummary) -> list[str]:
    return [
        str(s.id),
        str(s.group_id),
        s.created_at.isoformat(),
        s.status.value,
        "yes" if s.overdue else "no",
        s.customer_name,
        s.postal_code,
        s.city,
        s.model_code,
        s.service_centre_code or "",
        s.engineer or "",
        s.operator or "",
        s.appointment_at.isoformat() if s.appointment_at else "",
        "yes" if s.waiting_parts else "no",
    ]


def _spreadsheet_row(s: wire.TicketSummary, zone: dt.tzinfo) -> list[str]:
    def when(value: dt.datetime | None) -> str:
        return " ".join(moment(value, zone)) if value else ""

    def yes(value: bool) -> str:
        return pgettext("CSV value", "yes") if value else pgettext("CSV value", "no")

    name = _(STATUS_NAMES[s.status])
    return [
        str(s.id),
        str(s.group_id),
        when(s.created_at),
        name[:1].upper() + name[1:],
        yes(s.overdue),
        s.customer_name,
        s.postal_code,
        s.city,
        s.model_code,
        s.service_centre_code or "",
        s.engineer or "",
        s.operator or "",
        when(s.appointment_at),
        yes(s.waiting_parts),
    ]


async def export_csv(
    sessions: async_sessionmaker[AsyncSession],
    query: wire.TicketQuery,
    user: db.User,
    *,
    now: dt.datetime,
    overdue_hours: int,
    csv_format: wire.CsvFormat = wire.CsvFormat.MACHINE,
    lang: str = "en",
    zone: dt.tzinfo = dt.UTC,
) -> AsyncIterator[bytes]:
    """The whole result as CSV (UTF-8, header line first), produced in batches as it streams.

    ``spreadsheet``: for a spreadsheet in ``lang`` (its separator, column and status names,
    dates as it writes them in ``zone``; a BOM first). ``machine``: the columns' codes, ","
    and ISO 8601 moments in UTC, no BOM. It reads with its own session: the response
    outlives the request's dependencies (and renders in ``lang`` on its own for the same
    reason).
    """
    spreadsheet = csv_format is wire.CsvFormat.SPREADSHEET
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=csv_separator(csv_format, lang),
        lineterminator="\r\n" if spreadsheet else "\n",
    )
    with using(lang):
        if spreadsheet:
            buffer.write(BOM)
            writer.writerow(_headers())
        else:
            writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode()
    async with sessions() as session:
        dialect = session.get_bind().dialect.name
        stmt, params = whole_result(query, user, dialect, now, overdue_hours)
        result = await session.stream(stmt.execution_options(yield_per=EXPORT_BATCH), params)
        async for batch in result.partitions(EXPORT_BATCH):
            buffer.seek(0)
            buffer.truncate()
            with using(lang):
                for row in batch:
                    ticket = summary(row, now, overdue_hours)
                    writer.writerow(
                        _spreadsheet_row(ticket, zone) if spreadsheet else _machine_row(ticket)
                    )
            yield buffer.getvalue().encode()
