"""Searching tickets: every filter of a ``TicketQuery``, any sort, pages by position, CSV.

One statement builder serves the page, the total and the CSV export, so an export is
exactly the result the screen shows. Every statement goes through the tenancy scope.

Prefix filters (postal code, model) are written as ranges (``>= '750' AND < '751'``) so
that an ordinary B-tree index answers them on SQLite and PostgreSQL alike; free text goes
to the full-text index (``server.services.ticket_search``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from client import models as wire
from server.db import models as db
from server.i18n import _, moment, pgettext, using
from server.services import contact_clock
from server.services.status_machine import STATUS_NAMES
from server.services.tenancy import scope
from server.services.text_match import starts_with
from server.services.ticket_search import matching_ids, query_words

Operator = aliased(db.User, name="operator")
Engineer = aliased(db.User, name="engineer")

EXPORT_BATCH = 1000

_STATUS_ORDER = {status.value: position for position, status in enumerate(wire.TicketStatus)}


def _prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as a range an index can answer."""
    return starts_with(column, prefix)


def _contains(column: Any, value: str) -> ColumnElement[bool]:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _starts(column: Any, value: str) -> ColumnElement[bool]:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"{escaped}%", escape="\\")


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


class _Conditions:
    """The WHERE clause of a query, and which joined tables it needs."""

    def __init__(
        self, query: wire.TicketQuery, dialect: str, now: dt.datetime, overdue_hours: int
    ) -> None:
        t, c, a = db.Ticket, db.Customer, db.Appliance
        self.where: list[ColumnElement[bool]] = []
        self.customer = self.appliance = self.engineer = False
        if query.status:
            self.where.append(t.status.in_([s.value for s in query.status]))
        words = query_words(query.q)
        if words:
            self.where.append(matching_ids(dialect, words))
        if query.postal_code.strip():
            self.customer = True
            self.where.append(_prefix(c.postal_code, query.postal_code.strip().upper()))
        if query.city.strip():
            self.customer = True
            self.where.append(_starts(c.city, query.city.strip()))
        phone = _digits(query.phone)
        if phone:
            self.customer = True
            bare = func.replace(func.replace(func.replace(c.home_phone, " ", ""), ".", ""), "-", "")
            self.where.append(bare.like(f"%{phone}%"))
        if query.model.strip():
            self.appliance = True
            self.where.append(_prefix(a.model_code, query.model.strip().upper()))
        if query.engineer.strip():
            self.engineer = True
            self.where.append(
                or_(
                    _contains(Engineer.full_name, query.engineer.strip()),
                    func.lower(Engineer.username) == query.engineer.strip().lower(),
                )
            )
        if query.created_from is not None:
            self.where.append(t.created_at >= _day_start(query.created_from))
        if query.created_to is not None:
            self.where.append(t.created_at < _day_start(query.created_to + dt.timedelta(days=1)))
        if query.waiting_parts is not None:
            waiting = or_(t.waiting_parts, t.status == wire.TicketStatus.WAITING_PARTS.value)
            self.where.append(waiting if query.waiting_parts else not_(waiting))
        if query.overdue is not None:
            overdue = contact_clock.overdue_condition(now, overdue_hours)
            self.where.append(overdue if query.overdue else not_(overdue))

    def apply(self, stmt: Select[Any], *, joined: bool) -> Select[Any]:
        """Add the joins the filters need (unless ``joined``: the row statement has them)."""
        if not joined:
            if self.customer:
                stmt = stmt.join(db.Customer, db.Customer.id == db.Ticket.customer_id)
            if self.appliance:
                stmt = stmt.join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
            if self.engineer:
                stmt = stmt.join(Engineer, Engineer.id == db.Ticket.engineer_id)
        return stmt.where(*self.where)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _sort_keys(sort: wire.TicketSort) -> list[Any]:
    t = db.Ticket
    keys: dict[wire.TicketSort, list[Any]] = {
        wire.TicketSort.CREATED_AT: [t.created_at],
        wire.TicketSort.ID: [],
        wire.TicketSort.CUSTOMER: [db.Customer.last_name, db.Customer.first_name],
        wire.TicketSort.CITY: [db.Customer.city],
        wire.TicketSort.POSTAL_CODE: [db.Customer.postal_code],
        wire.TicketSort.MODEL: [db.Appliance.model_code],
        wire.TicketSort.STATUS: [case(_STATUS_ORDER, value=t.status, else_=99)],
        wire.TicketSort.SERVICE_CENTRE: [db.ServiceCentre.code],
        wire.TicketSort.ENGINEER: [Engineer.full_name],
        wire.TicketSort.APPOINTMENT: [t.appointment_at],
    }
    return [*keys[sort], t.id]


def summary_stmt() -> Select[*tuple[Any, ...]]:
    t, c = db.Ticket, db.Customer
    return (
        select(
            t.id,
            t.group_id,
            t.status,
            t.created_at,
            t.status_changed_at,
            t.appointment_at,
            t.waiting_parts,
            c.last_name,
            c.first_name,
            c.city,
            c.postal_code,
            db.Appliance.model_code,
            db.ServiceCentre.code,
            Engineer.full_name,
            Operator.full_name,
            contact_clock.start_column(),
        )
        .join(db.Customer, db.Customer.id == db.Ticket.customer_id)
        .join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
        .outerjoin(db.ServiceCentre, db.ServiceCentre.id == db.Ticket.service_centre_id)
        .outerjoin(Engineer, Engineer.id == db.Ticket.engineer_id)
        .outerjoin(Operator, Operator.id == db.Ticket.operator_id)
    )


_NULLABLE_SORTS = {
    wire.TicketSort.SERVICE_CENTRE,
    wire.TicketSort.ENGINEER,
    wire.TicketSort.APPOINTMENT,
}


def _ordered(stmt: Select[Any], query: wire.TicketQuery) -> Select[Any]:
    """ORDER BY the sort's columns then the id. Only a column that can be NULL gets
    NULLS LAST: on the others the clause would stop the index from giving the order."""
    keys = _sort_keys(query.sort)
    terms = []
    for position, key in enumerate(keys):
        term = key.desc() if query.desc else key.asc()
        if position == 0 and query.sort in _NULLABLE_SORTS:
            term = term.nulls_last()
        terms.append(term)
    return stmt.order_by(*terms)


def summary(row: Sequence[Any], now: dt.datetime, overdue_hours: int) -> wire.TicketSummary:
    """A row of ``summary_stmt()`` as the wire's TicketSummary."""
    (
        ticket_id,
        group_id,
        status,
        created_at,
        status_changed_at,
        appointment_at,
        waiting_parts,
        last_name,
        first_name,
        city,
        postal_code,
        model_code,
        centre_code,
        engineer,
        operator,
        clock_start,
    ) = row
    return wire.TicketSummary(
        id=ticket_id,
        group_id=group_id,
        status=wire.TicketStatus(status),
        created_at=created_at,
        status_changed_at=status_changed_at,
        customer_name=f"{last_name} {first_name}".strip(),
        city=city,
        postal_code=postal_code,
        model_code=model_code,
        service_centre_code=centre_code,
        engineer=engineer,
        operator=operator,
        appointment_at=appointment_at,
        overdue=contact_clock.is_overdue(status, clock_start, now, overdue_hours),
        waiting_parts=waiting_parts or status == wire.TicketStatus.WAITING_PARTS.value,
    )


async def search(
    session: AsyncSession,
    query: wire.TicketQuery,
    user: db.User,
    *,
    now: dt.datetime,
    overdue_hours: int,
    limit: int,
    offset: int,
) -> wire.Page[wire.TicketSummary]:
    """The page of ``limit`` tickets from position ``offset`` of the result, and the total.

    The page is found on the tickets' ids alone, joining only what the filters and the
    sort need; the rows to show are then read for those ids only. Reading every joined
    row of a large result just to sort it is what made the first version slow.
    """
    dialect = session.get_bind().dialect.name
    conditions = _Conditions(query, dialect, now, overdue_hours)
    count_stmt = scope(
        conditions.apply(select(func.count()).select_from(db.Ticket), joined=False),
        db.Ticket.service_centre_id,
        user,
    )
    total = (await session.execute(count_stmt)).scalar_one()
    items: list[wire.TicketSummary] = []
    if offset < total:
        ids_stmt = scope(
            _ordered(_sort_joins(conditions, query.sort), query),
            db.Ticket.service_centre_id,
            user,
        )
        ids = list((await session.execute(ids_stmt.limit(limit).offset(offset))).scalars())
        rows = (await session.execute(summary_stmt().where(db.Ticket.id.in_(ids)))).all()
        by_id = {row[0]: row for row in rows}
        items = [summary(by_id[i], now, overdue_hours) for i in ids if i in by_id]
    after = offset + len(items)
    return wire.Page[wire.TicketSummary](
        items=items,
        total=total,
        offset=offset,
        next_cursor=str(after) if after < total else None,
    )


def _sort_joins(conditions: _Conditions, sort: wire.TicketSort) -> Select[Any]:
    """``SELECT tickets.id`` with the joins the filters and the sort column need."""
    stmt = select(db.Ticket.id)
    customer = conditions.customer or sort in (
        wire.TicketSort.CUSTOMER,
        wire.TicketSort.CITY,
        wire.TicketSort.POSTAL_CODE,
    )
    if customer:
        stmt = stmt.join(db.Customer, db.Customer.id == db.Ticket.customer_id)
    if conditions.appliance or sort is wire.TicketSort.MODEL:
        stmt = stmt.join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
    if conditions.engineer:
        stmt = stmt.join(Engineer, Engineer.id == db.Ticket.engineer_id)
    elif sort is wire.TicketSort.ENGINEER:
        stmt = stmt.outerjoin(Engineer, Engineer.id == db.Ticket.engineer_id)
    if sort is wire.TicketSort.SERVICE_CENTRE:
        stmt = stmt.outerjoin(db.ServiceCentre, db.ServiceCentre.id == db.Ticket.service_centre_id)
    return stmt.where(*conditions.where)


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
        conditions = _Conditions(query, dialect, now, overdue_hours)
        stmt = scope(
            _ordered(conditions.apply(summary_stmt(), joined=True), query),
            db.Ticket.service_centre_id,
            user,
        )
        result = await session.stream(stmt.execution_options(yield_per=EXPORT_BATCH))
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
