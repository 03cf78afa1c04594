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
import functools
import io
import math
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    any_,
    bindparam,
    case,
    func,
    literal_column,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.sql.util import find_tables

from client import models as wire
from server.db import models as db
from server.i18n import _, moment, pgettext, using
from server.services import contact_clock
from server.services.status_machine import STATUS_NAMES
from server.services.tenancy import scope, sees_all_centres
from server.services.text_match import starts_with
from server.services.ticket_search import matching_ids, matching_ids_only, query_words

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


TRIGRAM = 3
"""The fewest digits the phone's trigram index answers (fewer: every phone is read)."""


def _phone_matches(dialect: str, digits: str) -> ColumnElement[bool]:
    """The customer's phone holds ``digits`` (migration 0014's trigram index answers it:
    ``customers_phone`` on SQLite, the GIN index of ``LIKE`` on PostgreSQL)."""
    contains = db.Customer.phone_digits.like(f"%{digits}%")  # digits: no wildcard in them
    if dialect != "sqlite" or len(digits) < TRIGRAM:
        return contains
    trigrams: Select[Any] = select(literal_column("rowid", Integer)).select_from(
        text("customers_phone")
    )
    trigrams = trigrams.where(
        text("customers_phone.phone_digits LIKE :phone_like").bindparams(phone_like=f"%{digits}%")
    )
    return db.Customer.id.in_(trigrams)


WAITING = or_(
    db.Ticket.waiting_parts,
    db.Ticket.status == literal_column(f"'{wire.TicketStatus.WAITING_PARTS.value}'"),
)
"""Waiting for parts: the flag or the status. Written as the predicate of the partial index
``ix_tickets_waiting`` (migration 0015), the status as a literal rather than a bound value,
so that both databases see the index answers it: its matches are counted from it and the
page by date is its first entries (PostgreSQL counted 7,700 tickets from two bitmaps and
the table, 29 ms at 100,000 tickets; 2.4 ms from the index)."""


class _Conditions:
    """The WHERE clause of a query, and which joined tables it needs."""

    def __init__(
        self, query: wire.TicketQuery, dialect: str, now: dt.datetime, overdue_hours: int
    ) -> None:
        t = db.Ticket
        self.dialect = dialect
        self.where: list[ColumnElement[bool]] = []
        self.customer = self.appliance = self.engineer = False
        if query.status:
            self.where.append(t.status.in_([s.value for s in query.status]))
        words = query_words(query.q)
        if words:
            self.where.append(matching_ids(dialect, words))
        if query.postal_code.strip():  # the customer's, kept on the ticket
            self.where.append(_prefix(t.postal_code, query.postal_code.strip().upper()))
        if query.city.strip():  # the customer's, kept on the ticket
            self.where.append(_prefix(t.city_key, db.city_key_of(query.city.strip())))
        phone = db.phone_digits_of(query.phone)
        if phone:
            self.customer = True
            self.where.append(_phone_matches(dialect, phone))
        if query.model.strip():  # the appliance's, kept on the ticket
            self.where.append(_prefix(t.model_code, query.model.strip().upper()))
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
            self.where.append(WAITING if query.waiting_parts else not_(WAITING))
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


@functools.cache
def _sort_keys(sort: wire.TicketSort) -> tuple[Any, ...]:
    """The columns ``sort`` orders by, then the id: built once per sort (expressions are
    immutable; the CASE of the status order cost a search 5 % of its CPU built anew)."""
    t = db.Ticket
    keys: dict[wire.TicketSort, list[Any]] = {
        wire.TicketSort.CREATED_AT: [t.created_at],
        wire.TicketSort.ID: [],
        wire.TicketSort.CUSTOMER: [db.Customer.last_name, db.Customer.first_name],
        # the customer's city (lower case) and postal code, kept on the ticket
        wire.TicketSort.CITY: [t.city_key],
        wire.TicketSort.POSTAL_CODE: [t.postal_code],
        wire.TicketSort.MODEL: [t.model_code],  # the appliance's, kept on the ticket
        wire.TicketSort.STATUS: [case(_STATUS_ORDER, value=t.status, else_=99)],
        wire.TicketSort.SERVICE_CENTRE: [db.ServiceCentre.code],
        wire.TicketSort.ENGINEER: [Engineer.full_name],
        wire.TicketSort.APPOINTMENT: [t.appointment_at],
    }
    return (*keys[sort], t.id)


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


@functools.cache
def summaries_by_id(dialect: str) -> Select[*tuple[Any, ...]]:
    """``summary_stmt()`` for the tickets whose ids are bound as ``ids``: built once (built
    per request, with the page's ids as literals, it cost a search more CPU than the rest
    of its statements). On PostgreSQL ``= ANY(:ids)``, one array parameter: an ``IN`` list
    is rendered anew for each execution, one cast parameter per id."""
    if dialect == "postgresql":
        wanted = db.Ticket.id == any_(bindparam("ids", type_=postgresql.ARRAY(Integer)))
    else:
        wanted = db.Ticket.id.in_(bindparam("ids", expanding=True))
    return summary_stmt().where(wanted)


_PAGE = wire.Page[wire.TicketSummary]
"""The answer's class, parametrised once (pydantic looks a generic up anew at each
subscript)."""

_NULLABLE_SORTS = {
    wire.TicketSort.SERVICE_CENTRE,
    wire.TicketSort.ENGINEER,
    wire.TicketSort.APPOINTMENT,
}


def _ordered(
    stmt: Select[Any], query: wire.TicketQuery, *, unindexed: bool = False, reverse: bool = False
) -> Select[Any]:
    """ORDER BY the sort's columns then the id. Only a column that can be NULL gets
    NULLS LAST: on the others the clause would stop the index from giving the order.
    ``unindexed``: each key as ``+key`` (the same value), which no index gives: SQLite then
    finds the matches by the filters' indexes and sorts them. ``reverse``: the opposite
    order (NULLs first), for a page counted from the end."""
    keys = _sort_keys(query.sort)
    if unindexed:
        keys = tuple(UnaryExpression(key, operator=custom_op("+"), type_=key.type) for key in keys)
    terms = []
    desc = query.desc != reverse
    for position, key in enumerate(keys):
        term = key.desc() if desc else key.asc()
        if position == 0 and query.sort in _NULLABLE_SORTS:
            term = term.nulls_first() if reverse else term.nulls_last()
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
    count_limit: int = 10_000,
) -> wire.Page[wire.TicketSummary]:
    """The page of ``limit`` tickets from position ``offset`` of the result, and the total.

    The total is exact up to ``count_limit`` matches (or up to the end of the page, when it
    lies further): past it the count stops and the page says the total is a lower bound
    ("10,000+"), so that neither the count nor the page reads every match of a large
    result. The page is found on the tickets' ids alone, joining only what the filters and
    the sort need; the rows to show are then read for those ids only.
    """
    dialect = session.get_bind().dialect.name
    conditions = _Conditions(query, dialect, now, overdue_hours)
    cap = max(count_limit, offset + limit + 1)  # past the limit: a row beyond the page
    counted = (await session.execute(_count_stmt(query, conditions, user, cap + 1))).scalar_one()
    exact = counted <= cap
    total = counted if exact else cap
    items: list[wire.TicketSummary] = []
    if offset < total:
        ids_stmt = scope(
            _ordered(_sort_joins(conditions, query.sort), query),
            db.Ticket.service_centre_id,
            user,
        )
        tickets = 0
        if exact and total >= DENSE:  # how many tickets the walk would read per match
            tickets = (await session.execute(select(func.max(db.Ticket.id)))).scalar() or 0
        # a page past the middle of an exact count is read from the end, in reverse
        reverse = exact and total - offset < offset + limit
        depth = total - offset if reverse else offset + limit
        few = exact and total < max(DENSE, math.isqrt(DENSE_FACTOR * depth * tickets))
        reverse = reverse and not few
        dense = not few and not reverse and depth * 4 <= total
        if dense and query.sort in _GROUPED_SORTS:
            ids = await _grouped_page(session, query, conditions, user, limit, offset)
        else:
            if dialect == "sqlite" and few:
                # few matches: found from the filters' indexes, then sorted; SQLite, not
                # knowing how few, would walk the sort's index to the end
                ids_stmt = scope(
                    _ordered(_sort_joins(conditions, query.sort), query, unindexed=True),
                    db.Ticket.service_centre_id,
                    user,
                )
            elif dialect == "sqlite" and (dense or reverse) and _walkable(query):
                ids_stmt = _walk_sort_index(
                    _walk_stmt(conditions, query, user, reverse=reverse), query.sort
                )
            elif dialect == "sqlite" and dense and _status_walkable(query):
                # one status: its tickets in the sort's order, from (status, date or id)
                index = _STATUS_INDEX[query.sort]
                ids_stmt = _walk_stmt(conditions, query, user).with_hint(
                    db.Ticket, f"INDEXED BY {index}", "sqlite"
                )
            elif _ticket_filter(query) and query.sort in _SORT_INDEX:
                ids_stmt = _walk_stmt(conditions, query, user, reverse=reverse)
            elif reverse:
                ids_stmt = scope(
                    _ordered(_sort_joins(conditions, query.sort), query, reverse=True),
                    db.Ticket.service_centre_id,
                    user,
                )
            if reverse:
                # the page counted from the end, in the opposite order, then turned round
                first = max(total - offset - limit, 0)
                stmt = ids_stmt.limit(total - offset - first).offset(first)
                ids = list((await session.execute(stmt)).scalars())[::-1]
            else:
                stmt = ids_stmt.limit(limit).offset(offset)
                ids = list((await session.execute(stmt)).scalars())
        rows = (await session.execute(summaries_by_id(dialect), {"ids": ids})).all()
        by_id = {row[0]: row for row in rows}
        items = [summary(by_id[i], now, overdue_hours) for i in ids if i in by_id]
    after = offset + len(items)
    more = after < total or (not exact and len(items) == limit)
    return _PAGE(
        items=items,
        total=total,
        offset=offset,
        next_cursor=str(after) if more else None,
        total_exact=exact,
    )


def _count_stmt(
    query: wire.TicketQuery, conditions: _Conditions, user: db.User, cap: int
) -> Select[Any]:
    """``SELECT count(*)`` of the first ``cap`` matches (it stops there).

    Free text alone, for a user who sees every centre, is counted in the full-text index
    without reading the tickets."""
    only_text = query.model_copy(update={"q": "", "sort": wire.TicketSort.CREATED_AT, "desc": True})
    words = query_words(query.q)
    if words and only_text == wire.TicketQuery() and sees_all_centres(user):
        matches = matching_ids_only(conditions.dialect, words)
    else:
        semi_joined = _semi_joined(conditions)
        if semi_joined is not None and len(semi_joined) > 1 and _ticket_filter(query):
            # a filter of the ticket's own leads (its index), the customer's is looked up
            # for each ticket it keeps: joining from a loose postal code would read the
            # tickets of most customers to keep a few
            matches = select(db.Ticket.id).where(*semi_joined)
        else:
            matches = conditions.apply(select(db.Ticket.id), joined=False)
        matches = scope(matches, db.Ticket.service_centre_id, user)
    if conditions.dialect == "sqlite" and not conditions.where and sees_all_centres(user):
        # every ticket: SQLite counts a table from its pages, faster than stepping through
        # the first ``cap`` rows
        return select(func.count()).select_from(db.Ticket)
    return select(func.count()).select_from(matches.limit(cap).subquery())


def _ticket_filter(query: wire.TicketQuery) -> bool:
    """Whether a filter on the ticket itself (with an index) is given."""
    return bool(
        query.status
        or query.postal_code.strip()
        or query.city.strip()
        or query.model.strip()
        or query_words(query.q)
        or query.overdue
        or query.waiting_parts
        or query.created_from
        or query.created_to
    )


DENSE = 1_000
"""From this many matches on, the first pages of a result (up to a quarter of the matches
deep) are found by walking the index of the sort column and keeping the matching tickets,
rather than reading every match to sort them: a match then comes every few rows."""

_SORT_INDEX: dict[wire.TicketSort, tuple[type[db.Base], str]] = {
    wire.TicketSort.CREATED_AT: (db.Ticket, "INDEXED BY ix_tickets_created"),
    wire.TicketSort.ID: (db.Ticket, "NOT INDEXED"),  # the rowid: the id's order
    wire.TicketSort.CUSTOMER: (db.Customer, "INDEXED BY ix_customers_name"),
    wire.TicketSort.CITY: (db.Ticket, "INDEXED BY ix_tickets_city_id"),
    wire.TicketSort.POSTAL_CODE: (db.Ticket, "INDEXED BY ix_tickets_postal_id"),
    wire.TicketSort.MODEL: (db.Ticket, "INDEXED BY ix_tickets_model_id"),
}
"""SQLite: the index that gives each sort's order (the planner, not knowing how many
tickets a filter keeps, would rather read the filter's index and sort every match)."""


def _sqlite_from_hint(self: SQLiteCompiler, table: Any, text: str) -> str:
    return text


# SQLAlchemy renders ``with_hint`` after a table's name on MySQL only: render it on SQLite
# too ("tickets INDEXED BY ix_tickets_created"). Only this module gives SQLite hints.
SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]


DENSE_FACTOR = 1
"""Past ``DENSE`` matches, a walk is taken when it reads fewer rows than sorting would: a
walk reads about ``depth * tickets / total`` rows, sorting reads every match (each about as
dear as a walked row): the walk wins from ``total`` of about ``sqrt(depth * tickets)``
(3,200 for the first page of 100,000 tickets, 5,500 at 300,000)."""


_STATUS_INDEX = {
    wire.TicketSort.CREATED_AT: "ix_tickets_status_created",
    wire.TicketSort.ID: "ix_tickets_status_id",
}


def _status_walkable(query: wire.TicketQuery) -> bool:
    """Whether the page can be read along the index of one status in the sort's order
    (the other filters checked on each of its tickets)."""
    return (
        query.sort in _STATUS_INDEX
        and len(query.status) == 1
        and query.overdue is None
        and query.waiting_parts is None
        and query.created_from is None
        and query.created_to is None
    )


def _semi_joined(conditions: _Conditions) -> list[ColumnElement[bool]] | None:
    """The filters with those on the customer, the appliance or the engineer made
    ``EXISTS (SELECT ... WHERE customers.id = tickets.customer_id ...)`` (None when one
    mixes tables). Walking an index of tickets, SQLite then looks up each ticket's customer
    by its key, where with a join it would first scan every customer for a Bloom filter,
    and with ``IN`` read every matching one."""
    inner: dict[str, tuple[Any, Any, list[ColumnElement[bool]]]] = {
        "customers": (db.Ticket.customer_id, db.Customer.id, []),
        "appliances": (db.Ticket.appliance_id, db.Appliance.id, []),
        "engineer": (db.Ticket.engineer_id, Engineer.id, []),
    }
    where: list[ColumnElement[bool]] = []
    for condition in conditions.where:
        names: set[str] = {
            str(getattr(table, "name", ""))
            for table in find_tables(condition, check_columns=True, include_aliases=True)
        }
        joined = names & inner.keys()
        if not joined:
            where.append(condition)
        elif len(joined) == 1 and names <= joined:
            inner[joined.pop()][2].append(condition)
        else:
            return None
    for foreign_key, key, filters in inner.values():
        if filters:
            where.append(select(key).where(key == foreign_key, *filters).exists())
    return where


def _walk_stmt(
    conditions: _Conditions, query: wire.TicketQuery, user: db.User, *, reverse: bool = False
) -> Select[Any]:
    """The ids statement of a page found by walking the sort's index."""
    where = _semi_joined(conditions)
    if where is None:
        stmt = _sort_joins(conditions, query.sort)
    else:
        stmt = _sort_joins(_Joinless(where), query.sort)
    return scope(_ordered(stmt, query, reverse=reverse), db.Ticket.service_centre_id, user)


class _Joinless:
    """Filters that need no join (``_semi_joined``), for ``_sort_joins``."""

    customer = appliance = engineer = False

    def __init__(self, where: list[ColumnElement[bool]]) -> None:
        self.where = where


def _walkable(query: wire.TicketQuery) -> bool:
    """Whether walking the sort's index meets the matches evenly: the ticket's own order
    (date, id) goes with its status and age, so filters on those (which have indexes in that
    order) are left to the planner; a customer's or an appliance's order goes with none."""
    if query.sort not in (wire.TicketSort.CREATED_AT, wire.TicketSort.ID):
        return True
    return (
        not query.status
        and query.overdue is None
        and query.waiting_parts is None
        and query.created_from is None
        and query.created_to is None
    )


def _walk_sort_index(stmt: Select[Any], sort: wire.TicketSort) -> Select[Any]:
    table_index = _SORT_INDEX.get(sort)
    if table_index is None:
        return stmt
    table, hint = table_index
    return stmt.with_hint(table, hint, "sqlite")


_GROUPED_SORTS = {
    wire.TicketSort.STATUS,
    wire.TicketSort.SERVICE_CENTRE,
    wire.TicketSort.ENGINEER,
    wire.TicketSort.APPOINTMENT,
}
"""Sorts on a column with few values (or NULLs last): the result is a sequence of groups
(each status in the status machine's order, each centre by code, ...), each of them in the
order of an index of ``tickets`` (migration 0012), so a page is read group after group."""


async def _sort_groups(
    session: AsyncSession, sort: wire.TicketSort, desc: bool
) -> list[tuple[ColumnElement[bool], list[Any], str]]:
    """The groups of a sort, in order: each one's condition, its order, its index."""
    t = db.Ticket
    by_id = t.id.desc() if desc else t.id.asc()
    if sort is wire.TicketSort.STATUS:
        statuses = [status.value for status in wire.TicketStatus]
        if desc:
            statuses.reverse()
        return [(t.status == status, [by_id], "ix_tickets_status_id") for status in statuses]
    if sort is wire.TicketSort.APPOINTMENT:
        at = t.appointment_at.desc() if desc else t.appointment_at.asc()
        return [
            (t.appointment_at.is_not(None), [at, by_id], "ix_tickets_appointment"),
            (t.appointment_at.is_(None), [by_id], "ix_tickets_appointment"),
        ]
    if sort is wire.TicketSort.SERVICE_CENTRE:
        key, column, index = db.ServiceCentre.code, t.service_centre_id, "ix_tickets_centre_id"
        table: type[db.Base] = db.ServiceCentre
    else:
        key, column, index = db.User.full_name, t.engineer_id, "ix_tickets_engineer_id"
        table = db.User
    rows = (
        await session.execute(
            select(table.id, key).order_by(key.desc() if desc else key.asc())  # type: ignore[attr-defined]
        )
    ).all()
    groups: list[tuple[ColumnElement[bool], list[Any], str]] = []
    for name in dict.fromkeys(name for _id, name in rows):  # equal names: one group
        ids = [row_id for row_id, row_name in rows if row_name == name]
        groups.append((column.in_(ids), [by_id], index))
    groups.append((column.is_(None), [by_id], index))
    return groups


async def _grouped_page(
    session: AsyncSession,
    query: wire.TicketQuery,
    conditions: _Conditions,
    user: db.User,
    limit: int,
    offset: int,
) -> list[int]:
    """The ids of a page of a grouped sort: group after group, each counted (up to what the
    page needs) then read in its index's order, so no group is read further than the page."""
    base = scope(
        conditions.apply(select(db.Ticket.id), joined=False), db.Ticket.service_centre_id, user
    )
    sqlite = conditions.dialect == "sqlite"
    ids: list[int] = []
    skip, remaining = offset, limit
    for condition, order, index in await _sort_groups(session, query.sort, query.desc):
        group = base.where(condition)
        needed = skip + remaining
        counted = (
            await session.execute(select(func.count()).select_from(group.limit(needed).subquery()))
        ).scalar_one()
        if counted <= skip:
            skip -= counted
            continue
        page = group.order_by(*order).limit(remaining).offset(skip)
        if sqlite and counted == needed:  # a large group: walk its index
            page = page.with_hint(db.Ticket, f"INDEXED BY {index}", "sqlite")
        found = list((await session.execute(page)).scalars())
        ids += found
        remaining -= len(found)
        skip = 0
        if remaining <= 0:
            break
    return ids


def _sort_joins(conditions: _Conditions | _Joinless, sort: wire.TicketSort) -> Select[Any]:
    """``SELECT tickets.id`` with the joins the filters and the sort column need."""
    stmt = select(db.Ticket.id)
    if conditions.customer or sort is wire.TicketSort.CUSTOMER:
        stmt = stmt.join(db.Customer, db.Customer.id == db.Ticket.customer_id)
    if conditions.appliance:
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
