"""Searching tickets: every filter of a ``TicketQuery``, any sort, pages by position, CSV.

One statement builder serves the page, the total and the CSV export, so an export is
exactly the result the screen shows. Every statement goes through the tenancy scope.

Prefix filters (postal code, model) are written as ranges (``>= '750' AND < '751'``) so
that an ordinary B-tree index answers them on SQLite and PostgreSQL alike; free text goes
to the full-text index (``server.services.ticket_search``). The grouped sorts (status, centre,
engineer, appointment: a page read group after group) are ``server.services.ticket_groups``';
their statements are built here.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
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
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.sql.util import find_tables

from client import models as wire
from server.db import models as db
from server.services import contact_clock
from server.services.tenancy import scope_bound, scope_kind, scope_params
from server.services.text_match import prefix_end
from server.services.ticket_groups import GROUPED_SORTS, group_order, grouped_page
from server.services.ticket_search import (
    TEXT_MATCH,
    match_value,
    matching_ids_bound,
    matching_ids_only_bound,
    query_words,
)

Operator = aliased(db.User, name="operator")
Engineer = aliased(db.User, name="engineer")


_STATUS_ORDER = {status.value: position for position, status in enumerate(wire.TicketStatus)}


def _starts_with(column: Any, name: str, bounded: bool) -> ColumnElement[bool]:
    """``column`` starts with the prefix bound as ``name_from``, as a range an index can
    answer (``text_match.starts_with``'s, with its bounds bound: ``name_to``, the least
    string above the prefix, unless there is none)."""
    if not bounded:
        return column >= bindparam(f"{name}_from")  # type: ignore[no-any-return]
    return and_(column >= bindparam(f"{name}_from"), column < bindparam(f"{name}_to"))


def _prefix_params(name: str, prefix: str) -> tuple[bool, dict[str, Any]]:
    end = prefix_end(prefix)
    if end is None:
        return False, {f"{name}_from": prefix}
    return True, {f"{name}_from": prefix, f"{name}_to": end}


def _contains_pattern(value: str) -> str:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


TRIGRAM = 3
"""The fewest digits the phone's trigram index answers (fewer: every phone is read)."""


def _phone_matches(dialect: str, trigram: bool) -> ColumnElement[bool]:
    """The customer's phone holds the digits bound as ``q_phone`` (``%digits%``; migration
    0014's trigram index answers it: ``customers_phone`` on SQLite when ``trigram``, the GIN
    index of ``LIKE`` on PostgreSQL)."""
    if dialect != "sqlite" or not trigram:
        return db.Customer.phone_digits.like(bindparam("q_phone"))
    trigrams: Select[Any] = select(literal_column("rowid", Integer)).select_from(
        text("customers_phone")
    )
    trigrams = trigrams.where(text("customers_phone.phone_digits LIKE :q_phone"))
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


Shape = tuple[tuple[Any, ...], ...]
"""Which filters a query gives and how each is written (its values apart): the statements
of every query of a shape are built once (``_conditions``, ``_count_stmt``, ``_page_stmt``)
and executed with the query's values bound (``_shape``'s parameters)."""


def _shape(
    query: wire.TicketQuery, dialect: str, now: dt.datetime, overdue_hours: int
) -> tuple[Shape, dict[str, Any]]:
    """The shape of ``query``'s filters and the values bound to them (in the order of the
    WHERE clause, which is always the same for a shape)."""
    shape: list[tuple[Any, ...]] = []
    params: dict[str, Any] = {}
    if query.status:
        shape.append(("status",))
        params["q_status"] = [s.value for s in query.status]
    words = query_words(query.q)
    if words:
        shape.append(("text",))
        params[TEXT_MATCH] = match_value(dialect, words)
    if query.postal_code.strip():  # the customer's, kept on the ticket
        bounded, bounds = _prefix_params("q_postal", query.postal_code.strip().upper())
        shape.append(("postal", bounded))
        params.update(bounds)
    if query.city.strip():  # the customer's, kept on the ticket
        bounded, bounds = _prefix_params("q_city", db.city_key_of(query.city.strip()))
        shape.append(("city", bounded))
        params.update(bounds)
    phone = db.phone_digits_of(query.phone)
    if phone:
        shape.append(("phone", len(phone) >= TRIGRAM))
        params["q_phone"] = f"%{phone}%"  # digits: no wildcard in them
    if query.model.strip():  # the appliance's, kept on the ticket
        bounded, bounds = _prefix_params("q_model", query.model.strip().upper())
        shape.append(("model", bounded))
        params.update(bounds)
    engineer = query.engineer.strip()
    if engineer:
        shape.append(("engineer",))
        params["q_engineer_like"] = _contains_pattern(engineer)
        params["q_engineer_name"] = engineer.lower()
    if query.created_from is not None:
        shape.append(("created_from",))
        params["q_created_from"] = _day_start(query.created_from)
    if query.created_to is not None:
        shape.append(("created_to",))
        params["q_created_to"] = _day_start(query.created_to + dt.timedelta(days=1))
    if query.waiting_parts is not None:
        shape.append(("waiting", query.waiting_parts))
    if query.overdue is not None:
        shape.append(("overdue", query.overdue))
        params[contact_clock.OVERDUE_BEFORE] = contact_clock.overdue_before(now, overdue_hours)
    return tuple(shape), params


class _Conditions:
    """The WHERE clause of a shape of query (its values bound), and which joined tables it
    needs. One per shape and dialect (``_conditions``)."""

    def __init__(self, shape: Shape, dialect: str) -> None:
        t = db.Ticket
        self.shape = shape
        self.dialect = dialect
        self.where: list[ColumnElement[bool]] = []
        self.customer = self.appliance = self.engineer = False
        kinds = {part[0] for part in shape}
        self.only_text = kinds == {"text"}
        self.ticket_filter = bool(
            kinds & {"status", "postal", "city", "model", "text", "created_from", "created_to"}
            or ("overdue", True) in shape
            or ("waiting", True) in shape
        )
        """Whether a filter on the ticket itself (with an index) is given."""
        for part in shape:
            kind = part[0]
            if kind == "status":
                self.where.append(t.status.in_(bindparam("q_status", expanding=True)))
            elif kind == "text":
                self.where.append(matching_ids_bound(dialect))
            elif kind == "postal":
                self.where.append(_starts_with(t.postal_code, "q_postal", part[1]))
            elif kind == "city":
                self.where.append(_starts_with(t.city_key, "q_city", part[1]))
            elif kind == "phone":
                self.customer = True
                self.where.append(_phone_matches(dialect, part[1]))
            elif kind == "model":
                self.where.append(_starts_with(t.model_code, "q_model", part[1]))
            elif kind == "engineer":
                self.engineer = True
                self.where.append(
                    or_(
                        func.lower(Engineer.full_name).like(
                            bindparam("q_engineer_like"), escape="\\"
                        ),
                        func.lower(Engineer.username) == bindparam("q_engineer_name"),
                    )
                )
            elif kind == "created_from":
                self.where.append(t.created_at >= bindparam("q_created_from"))
            elif kind == "created_to":
                self.where.append(t.created_at < bindparam("q_created_to"))
            elif kind == "waiting":
                self.where.append(WAITING if part[1] else not_(WAITING))
            elif kind == "overdue":
                overdue = contact_clock.overdue_condition_bound()
                self.where.append(overdue if part[1] else not_(overdue))

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


@functools.lru_cache(maxsize=256)
def _conditions(shape: Shape, dialect: str) -> _Conditions:
    return _Conditions(shape, dialect)


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


_PAGE = wire.Page[wire.TicketSummary]
"""The answer's class, parametrised once (pydantic looks a generic up anew at each
subscript)."""

_NULLABLE_SORTS = {
    wire.TicketSort.SERVICE_CENTRE,
    wire.TicketSort.ENGINEER,
    wire.TicketSort.APPOINTMENT,
}


def _ordered(
    stmt: Select[Any],
    sort: wire.TicketSort,
    desc: bool,
    *,
    unindexed: bool = False,
    reverse: bool = False,
) -> Select[Any]:
    """ORDER BY the sort's columns then the id. Only a column that can be NULL gets
    NULLS LAST: on the others the clause would stop the index from giving the order.
    ``unindexed``: each key as ``+key`` (the same value), which no index gives: SQLite then
    finds the matches by the filters' indexes and sorts them. ``reverse``: the opposite
    order (NULLs first), for a page counted from the end."""
    keys = _sort_keys(sort)
    if unindexed:
        keys = tuple(UnaryExpression(key, operator=custom_op("+"), type_=key.type) for key in keys)
    terms = []
    desc = desc != reverse
    for position, key in enumerate(keys):
        term = key.desc() if desc else key.asc()
        if position == 0 and sort in _NULLABLE_SORTS:
            term = term.nulls_first() if reverse else term.nulls_last()
        terms.append(term)
    return stmt.order_by(*terms)


def summary(row: Sequence[Any], now: dt.datetime, overdue_hours: int) -> wire.TicketSummary:
    """A row of ``summary_stmt()`` as the wire's TicketSummary."""
    return wire.TicketSummary.model_validate(
        _summary_fields(row, contact_clock.overdue_before(now, overdue_hours))
    )


_WAITING_PARTS = wire.TicketStatus.WAITING_PARTS.value


def _summary_fields(row: Sequence[Any], overdue_before: dt.datetime) -> dict[str, Any]:
    """A row of ``summary_stmt()`` as the fields of a TicketSummary (validated with the
    page, in one call: 50 models built one by one cost a search a tenth of its CPU)."""
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
    return {
        "id": ticket_id,
        "group_id": group_id,
        "status": status,
        "created_at": created_at,
        "status_changed_at": status_changed_at,
        "customer_name": f"{last_name} {first_name}".strip(),
        "city": city,
        "postal_code": postal_code,
        "model_code": model_code,
        "service_centre_code": centre_code,
        "engineer": engineer,
        "operator": operator,
        "appointment_at": appointment_at,
        "overdue": status == contact_clock.TO_CONTACT and clock_start < overdue_before,
        "waiting_parts": waiting_parts or status == _WAITING_PARTS,
    }


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
    the sort need, in a subquery; the rows to show are read for those ids only.

    Each statement is built once for a shape of query (``_shape``: which filters, the sort,
    the user's scope, the way the page is found) and executed with the query's values bound;
    through the session's connection (no ORM result: the rows are columns).
    """
    dialect = session.get_bind().dialect.name
    shape, params = _shape(query, dialect, now, overdue_hours)
    conditions = _conditions(shape, dialect)
    kind = scope_kind(user)
    params.update(scope_params(user))
    connection = await session.connection()
    cap = max(count_limit, offset + limit + 1)  # past the limit: a row beyond the page
    counted, *highest = (
        await connection.execute(_count_stmt(conditions, kind), {**params, "q_cap": cap + 1})
    ).one()
    exact = counted <= cap
    total = counted if exact else cap
    items: list[dict[str, Any]] = []
    overdue_before = contact_clock.overdue_before(now, overdue_hours)
    if offset < total:
        tickets = 0
        if exact and total >= DENSE:  # how many tickets the walk would read per match
            if not highest:  # the count of every ticket on SQLite: alone (its shortcut)
                highest = [(await connection.execute(_MAX_ID)).scalar()]
            tickets = highest[0] or 0
        # a page past the middle of an exact count is read from the end, in reverse
        reverse = exact and total - offset < offset + limit
        depth = total - offset if reverse else offset + limit
        few = exact and total < max(DENSE, math.isqrt(DENSE_FACTOR * depth * tickets))
        reverse = reverse and not few
        dense = not few and not reverse and depth * 4 <= total
        if dense and query.sort in GROUPED_SORTS:
            rows = await grouped_page(
                connection,
                query.sort,
                query.desc,
                functools.partial(_group_stmts, conditions, kind, query.sort, query.desc),
                params,
                limit,
                offset,
                sqlite=dialect == "sqlite",
            )
            if dialect != "sqlite":  # the page's ids (``_rows_of``), then their rows
                rows = await _rows_by_id(connection, dialect, [row[0] for row in rows])
            items = [_summary_fields(row, overdue_before) for row in rows]
        else:
            if dialect == "sqlite" and few:
                # few matches: found from the filters' indexes, then sorted; SQLite, not
                # knowing how few, would walk the sort's index to the end
                path = "few"
            elif dialect == "sqlite" and (dense or reverse) and _walkable(query):
                path = "walk"
            elif dialect == "sqlite" and dense and _status_walkable(query):
                # one status: its tickets in the sort's order, from (status, date or id)
                path = "status"
            elif conditions.ticket_filter and query.sort in _SORT_INDEX:
                path = "ticket"
            else:
                path = "plain"
            if reverse:
                # the page counted from the end, in the opposite order (the rows are then
                # read in the page's order)
                first = max(total - offset - limit, 0)
                window = {"q_limit": total - offset - first, "q_offset": first}
            else:
                window = {"q_limit": limit, "q_offset": offset}
            stmt = _page_stmt(conditions, query.sort, query.desc, kind, path, reverse)
            rows = (await connection.execute(stmt, {**params, **window})).all()
            if dialect != "sqlite":  # the page's ids (``_rows_of``), then their rows
                ids = [row[0] for row in rows]
                if reverse:
                    ids.reverse()
                rows = await _rows_by_id(connection, dialect, ids)
            items = [_summary_fields(row, overdue_before) for row in rows]
    after = offset + len(items)
    more = after < total or (not exact and len(items) == limit)
    return _PAGE.model_validate(
        {
            "items": items,
            "total": total,
            "offset": offset,
            "next_cursor": str(after) if more else None,
            "total_exact": exact,
        }
    )


_MAX_ID = select(func.max(db.Ticket.id))
_HIGHEST = select(func.max(db.Ticket.id)).correlate(None).scalar_subquery()
"""The highest ticket id, beside a count: how many tickets a walk of an index would read
(asked with the count, not a statement of its own; found at the end of the id's index)."""


@functools.lru_cache(maxsize=512)
def _page_stmt(
    conditions: _Conditions,
    sort: wire.TicketSort,
    desc: bool,
    kind: str,
    path: str,
    reverse: bool,
) -> Select[Any]:
    """The page's statement (``path`` says how it finds the page: see ``search``), its
    window bound as ``q_limit`` and ``q_offset``: on SQLite with the rows, on PostgreSQL
    the ids (``_rows_of``)."""
    if path == "few":
        ids = _scoped(_ordered(_sort_joins(conditions, sort), sort, desc, unindexed=True), kind)
    elif path == "walk":
        ids = _walk_sort_index(_walk_stmt(conditions, sort, desc, kind, reverse=reverse), sort)
    elif path == "status":
        ids = _walk_stmt(conditions, sort, desc, kind).with_hint(
            db.Ticket, f"INDEXED BY {_STATUS_INDEX[sort]}", "sqlite"
        )
    elif path == "ticket":
        ids = _walk_stmt(conditions, sort, desc, kind, reverse=reverse)
    else:
        ids = _scoped(_ordered(_sort_joins(conditions, sort), sort, desc, reverse=reverse), kind)
    window = ids.limit(bindparam("q_limit", type_=BigInteger)).offset(
        bindparam("q_offset", type_=BigInteger)
    )
    return _rows_of(window, sort, desc, conditions)


def _scoped(stmt: Select[Any], kind: str) -> Select[Any]:
    return scope_bound(stmt, db.Ticket.service_centre_id, kind)


@functools.lru_cache(maxsize=256)
def _count_stmt(conditions: _Conditions, kind: str) -> Select[Any]:
    """``SELECT count(*)`` of the first ``q_cap`` matches (it stops there), and the highest
    ticket id (``_HIGHEST``; not beside the count of every ticket on SQLite, which has a
    shortcut for ``count(*)`` alone).

    Free text alone, for a user who sees every centre, is counted in the full-text index
    without reading the tickets."""
    if conditions.only_text and kind == "all":
        matches = matching_ids_only_bound(conditions.dialect)
    else:
        semi_joined = _semi_joined(conditions)
        if semi_joined is not None and len(semi_joined) > 1 and conditions.ticket_filter:
            # a filter of the ticket's own leads (its index), the customer's is looked up
            # for each ticket it keeps: joining from a loose postal code would read the
            # tickets of most customers to keep a few
            matches = select(db.Ticket.id).where(*semi_joined)
        else:
            matches = conditions.apply(select(db.Ticket.id), joined=False)
        matches = _scoped(matches, kind)
    if conditions.dialect == "sqlite" and not conditions.where and kind == "all":
        # every ticket: SQLite counts a table from its pages, faster than stepping through
        # the first ``cap`` rows
        return select(func.count()).select_from(db.Ticket)
    capped = matches.limit(bindparam("q_cap", type_=BigInteger))
    return select(func.count(), _HIGHEST).select_from(capped.subquery())


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
            # correlated to the tickets only (the page's rows, around it, join customers)
            exists = select(key).where(key == foreign_key, *filters).correlate(db.Ticket)
            where.append(exists.exists())
    return where


def _walk_stmt(
    conditions: _Conditions,
    sort: wire.TicketSort,
    desc: bool,
    kind: str,
    *,
    reverse: bool = False,
) -> Select[Any]:
    """The ids statement of a page found by walking the sort's index."""
    where = _semi_joined(conditions)
    if where is None:
        stmt = _sort_joins(conditions, sort)
    else:
        stmt = _sort_joins(_Joinless(where), sort)
    return _scoped(_ordered(stmt, sort, desc, reverse=reverse), kind)


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


@functools.lru_cache(maxsize=256)
def _group_stmts(
    conditions: _Conditions, kind: str, sort: wire.TicketSort, desc: bool, group: str
) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """A group's statements (``ticket_groups.GroupStatements``) for a grouped sort: the
    count of its first ``q_needed`` matches, and the rows of its page (``q_limit`` from
    ``q_offset``, ``summary_stmt()``) in its order: found by the planner, or walking the
    group's index (a large group, on SQLite). The group's tickets, order and index are
    ``ticket_groups.group_order``'s."""
    condition, order, index = group_order(sort, desc, group)
    stmt = _scoped(conditions.apply(select(db.Ticket.id), joined=False), kind).where(condition)
    count = select(func.count()).select_from(
        stmt.limit(bindparam("q_needed", type_=BigInteger)).subquery()
    )
    page = (
        stmt.order_by(*order)
        .limit(bindparam("q_limit", type_=BigInteger))
        .offset(bindparam("q_offset", type_=BigInteger))
    )
    walk = page.with_hint(db.Ticket, f"INDEXED BY {index}", "sqlite")
    return count, _rows_of(page, sort, desc, conditions), _rows_of(walk, sort, desc, conditions)


def _rows_of(
    ids: Select[Any], sort: wire.TicketSort, desc: bool, conditions: _Conditions
) -> Select[Any]:
    """On SQLite, ``summary_stmt()`` for the tickets ``ids`` (a page: ordered, limited)
    selects, in the sort's order: one statement, where the ids and then their rows cost a
    statement more (three hand-offs to the driver's thread each); SQLite looks each row up
    by its id (``ORDER BY +key``: no index of the sort's order over every ticket).

    On PostgreSQL ``ids`` itself, their rows read after (``_rows_by_id``): the planner spent
    2 ms on the statement with the subquery (1.4 for the two), and its generic plan, taken
    after five runs of a prepared statement, read 4-6 ms where the two read 1.4."""
    if conditions.dialect != "sqlite":
        return ids
    return _ordered(
        summary_stmt().where(db.Ticket.id.in_(ids.correlate(None))),
        sort,
        desc,
        unindexed=True,
    )


@functools.cache
def _summaries_by_id(dialect: str) -> Select[*tuple[Any, ...]]:
    """``summary_stmt()`` for the tickets whose ids are bound as ``ids``. On PostgreSQL
    ``= ANY(:ids)``, one array parameter: an ``IN`` list is rendered anew for each
    execution, one cast parameter per id."""
    if dialect == "postgresql":
        wanted = db.Ticket.id == any_(bindparam("ids", type_=postgresql.ARRAY(Integer)))
    else:
        wanted = db.Ticket.id.in_(bindparam("ids", expanding=True))
    return summary_stmt().where(wanted)


async def _rows_by_id(connection: AsyncConnection, dialect: str, ids: list[int]) -> list[Any]:
    """The rows of the tickets ``ids``, in that order."""
    rows = (await connection.execute(_summaries_by_id(dialect), {"ids": ids})).all()
    by_id = {row[0]: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


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


def whole_result(
    query: wire.TicketQuery, user: db.User, dialect: str, now: dt.datetime, overdue_hours: int
) -> tuple[Select[Any], dict[str, Any]]:
    """Every ticket ``query`` finds for ``user``, sorted, as rows :func:`summary` reads, and
    the statement's values (the CSV export streams it)."""
    shape, params = _shape(query, dialect, now, overdue_hours)
    conditions = _conditions(shape, dialect)
    params.update(scope_params(user))
    stmt = _scoped(
        _ordered(conditions.apply(summary_stmt(), joined=True), query.sort, query.desc),
        scope_kind(user),
    )
    return stmt, params
