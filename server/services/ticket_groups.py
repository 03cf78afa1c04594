"""The ticket search's grouped sorts (status, service centre, engineer, appointment): which
groups a sort has and in what order, what each group's tickets are and in which index's
order, and how a page is read group after group.

``ticket_query`` stays the entry point: it builds each group's statements (its statement
shapes: the filters, the tenancy scope, the rows read) from :func:`group_order`, and reads
a page of a grouped sort with :func:`grouped_page`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from client import models as wire
from server.db import models as db

GROUPED_SORTS = {
    wire.TicketSort.STATUS,
    wire.TicketSort.SERVICE_CENTRE,
    wire.TicketSort.ENGINEER,
    wire.TicketSort.APPOINTMENT,
}
"""Sorts on a column with few values (or NULLs last): the result is a sequence of groups
(each status in the status machine's order, each centre by code, ...), each of them in the
order of an index of ``tickets`` (migration 0012), so a page is read group after group."""

GroupStatements = Callable[[str], tuple[Select[Any], Select[Any], Select[Any]]]
"""A group's statements, for its kind (:func:`sort_groups`): the count of its first
``q_needed`` matches, and the rows of its page (``q_limit`` from ``q_offset``) found by the
planner, or walking the group's index (its value bound as ``q_group``)."""


async def sort_groups(
    connection: AsyncConnection, sort: wire.TicketSort, desc: bool
) -> list[tuple[str, Any]]:
    """The groups of a sort, in order: each one's kind (:func:`group_order`) and the value
    bound to it (a status; the ids of the centres or users of one code or name)."""
    if sort is wire.TicketSort.STATUS:
        statuses = [status.value for status in wire.TicketStatus]
        if desc:
            statuses.reverse()
        return [("status", status) for status in statuses]
    if sort is wire.TicketSort.APPOINTMENT:
        return [("dated", None), ("undated", None)]
    rows = (await connection.execute(_GROUP_NAMES[sort, desc])).all()
    names: dict[Any, list[int]] = {}
    for row_id, name in rows:  # equal names: one group
        names.setdefault(name, []).append(row_id)
    return [("in", ids) for ids in names.values()] + [("none", None)]


_GROUP_NAMES = {
    (sort, desc): select(table.id, key).order_by(key.desc() if desc else key.asc())
    for sort, table, key in (
        (wire.TicketSort.SERVICE_CENTRE, db.ServiceCentre, db.ServiceCentre.code),
        (wire.TicketSort.ENGINEER, db.User, db.User.full_name),
    )
    for desc in (False, True)
}
"""The centres by code, the users by name: the groups of those sorts."""


def group_order(
    sort: wire.TicketSort, desc: bool, group: str
) -> tuple[ColumnElement[bool], list[Any], str]:
    """For a group of a grouped sort (of kind ``group``, its value bound as ``q_group``): the
    condition its tickets meet, their order, and the index of ``tickets`` in that order (a
    large group is walked along it, on SQLite)."""
    t = db.Ticket
    by_id = t.id.desc() if desc else t.id.asc()
    order: list[Any] = [by_id]
    condition: ColumnElement[bool]
    if sort is wire.TicketSort.STATUS:
        index = "ix_tickets_status_id"
        condition = t.status == bindparam("q_group")
    elif sort is wire.TicketSort.APPOINTMENT:
        index = "ix_tickets_appointment"
        if group == "dated":
            condition = t.appointment_at.is_not(None)
            order = [t.appointment_at.desc() if desc else t.appointment_at.asc(), by_id]
        else:
            condition = t.appointment_at.is_(None)
    else:
        if sort is wire.TicketSort.SERVICE_CENTRE:
            column, index = t.service_centre_id, "ix_tickets_centre_id"
        else:
            column, index = t.engineer_id, "ix_tickets_engineer_id"
        if group == "in":
            condition = column.in_(bindparam("q_group", expanding=True))
        else:
            condition = column.is_(None)
    return condition, order, index


async def grouped_page(
    connection: AsyncConnection,
    sort: wire.TicketSort,
    desc: bool,
    statements: GroupStatements,
    params: dict[str, Any],
    limit: int,
    offset: int,
    *,
    sqlite: bool,
) -> list[Any]:
    """The page of a grouped sort: group after group, each counted (up to what the page
    needs) then read in its index's order, so no group is read further than the page.
    ``statements``: each group's (:data:`GroupStatements`), executed with ``params``. The
    rows of the page, in its order."""
    rows: list[Any] = []
    skip, remaining = offset, limit
    for group, value in await sort_groups(connection, sort, desc):
        count, page, walk = statements(group)
        bound = {**params, "q_group": value}
        needed = skip + remaining
        counted = (await connection.execute(count, {**bound, "q_needed": needed})).scalar_one()
        if counted <= skip:
            skip -= counted
            continue
        if sqlite and counted == needed:  # a large group: walk its index
            page = walk
        window = {**bound, "q_limit": remaining, "q_offset": skip}
        found = (await connection.execute(page, window)).all()
        rows += found
        remaining -= len(found)
        skip = 0
        if remaining <= 0:
            break
    return rows
