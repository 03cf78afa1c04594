"""The ticket search's whole result as CSV, streamed in batches: for a spreadsheet in the
reader's language, or for a program (the columns' codes, ISO 8601 in UTC)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from client import models as wire
from server.db import models as db
from server.i18n import _, moment, pgettext, using
from server.services.status_machine import STATUS_NAMES
from server.services.ticket_query import summary, whole_result

EXPORT_BATCH = 1000
"""Rows read, written and sent at a time."""


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _when(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    return " ".join(moment(value, zone)) if value else ""


def _yes(value: bool) -> str:
    return pgettext("CSV value", "yes") if value else pgettext("CSV value", "no")


def _status_name(status: wire.TicketStatus) -> str:
    name = _(STATUS_NAMES[status])
    return name[:1].upper() + name[1:]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of both CSVs: its ``code`` (the machine CSV's header), its ``header`` (the
    spreadsheet's, in the current language), its ``machine`` value, and its ``spreadsheet``
    value in a zone (the machine value when ``None``: the same text in both)."""

    code: str
    header: Callable[[], str]
    machine: Callable[[wire.TicketSummary], str]
    spreadsheet: Callable[[wire.TicketSummary, dt.tzinfo], str] | None = None


COLUMNS: tuple[Column, ...] = (
    Column("ticket", lambda: pgettext("CSV column", "Ticket"), lambda s: str(s.id)),
    Column("group", lambda: pgettext("CSV column", "Group"), lambda s: str(s.group_id)),
    Column(
        "created_at",
        lambda: pgettext("CSV column", "Created"),
        lambda s: s.created_at.isoformat(),
        lambda s, zone: _when(s.created_at, zone),
    ),
    Column(
        "status",
        lambda: pgettext("CSV column", "Status"),
        lambda s: s.status.value,
        lambda s, _zone: _status_name(s.status),
    ),
    Column(
        "overdue",
        lambda: pgettext("CSV column", "Overdue"),
        lambda s: _yes_no(s.overdue),
        lambda s, _zone: _yes(s.overdue),
    ),
    Column("customer", lambda: pgettext("CSV column", "Customer"), lambda s: s.customer_name),
    Column("postal_code", lambda: pgettext("CSV column", "Postal code"), lambda s: s.postal_code),
    Column("city", lambda: pgettext("CSV column", "City"), lambda s: s.city),
    Column("model", lambda: pgettext("CSV column", "Model"), lambda s: s.model_code),
    Column(
        "service_centre",
        lambda: pgettext("CSV column", "Service centre"),
        lambda s: s.service_centre_code or "",
    ),
    Column("engineer", lambda: pgettext("CSV column", "Engineer"), lambda s: s.engineer or ""),
    Column("operator", lambda: pgettext("CSV column", "Operator"), lambda s: s.operator or ""),
    Column(
        "appointment_at",
        lambda: pgettext("CSV column", "Appointment"),
        lambda s: _iso(s.appointment_at),
        lambda s, zone: _when(s.appointment_at, zone),
    ),
    Column(
        "waiting_parts",
        lambda: pgettext("CSV column", "Waiting for parts"),
        lambda s: _yes_no(s.waiting_parts),
        lambda s, _zone: _yes(s.waiting_parts),
    ),
)
"""The export's columns, in order: both CSVs read them (a column is added here only)."""

CSV_COLUMNS = tuple(column.code for column in COLUMNS)
"""The machine CSV's header: the columns' codes."""


def _as_machine(
    machine: Callable[[wire.TicketSummary], str],
) -> Callable[[wire.TicketSummary, dt.tzinfo], str]:
    return lambda s, _zone: machine(s)


_SPREADSHEET = tuple(column.spreadsheet or _as_machine(column.machine) for column in COLUMNS)
"""Each column's spreadsheet value (its machine value where it has none of its own)."""

BOM = "\ufeff"
"""Starts a spreadsheet CSV: Excel then reads it as UTF-8."""


def _headers() -> list[str]:
    """The spreadsheet CSV's header, in the current language."""
    return [column.header() for column in COLUMNS]


def csv_separator(csv_format: wire.CsvFormat, lang: str) -> str:
    """``,`` for programs and English spreadsheets; ``;`` where the decimal mark is a comma
    (French, Italian), as spreadsheets there expect."""
    if csv_format is wire.CsvFormat.MACHINE:
        return ","
    return "," if lang == "en" else ";"


def _machine_row(s: wire.TicketSummary) -> list[str]:
    return [column.machine(s) for column in COLUMNS]


def _spreadsheet_row(s: wire.TicketSummary, zone: dt.tzinfo) -> list[str]:
    return [value(s, zone) for value in _SPREADSHEET]


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
