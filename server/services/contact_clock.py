"""The 48 h contact clock: one definition for the ticket, the list, the search filter and
the dashboard, so that they always agree.

A ticket to contact must have its customer contacted within ``overdue_contact_hours`` of
being assigned. The clock **pauses** while the customer is unreachable (the centre tried,
the customer did not answer) and **resumes** with the time it had left when the ticket is
to contact again (an operator puts it back with the same centre; another centre starts a
fresh clock). Two columns of ``tickets`` carry it:

* ``contact_clock_at``: when the running clock would have started had it never paused
  (NULL: the ticket's ``status_changed_at``, as for tickets written before the clock paused);
* ``contact_paused_at``: since when the clock stands still (the first failed attempt; NULL
  while it runs).

Overdue: ``to_contact`` and ``clock start < now - hours``. :func:`overdue_condition` is that
in SQL, :func:`is_overdue` in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func

from client.models import TicketStatus
from server.db import models as db

TO_CONTACT = TicketStatus.TO_CONTACT.value


def start_column() -> ColumnElement[Any]:
    """The clock's start, as SQL."""
    return func.coalesce(db.Ticket.contact_clock_at, db.Ticket.status_changed_at)


def start(contact_clock_at: dt.datetime | None, status_changed_at: dt.datetime) -> dt.datetime:
    return contact_clock_at if contact_clock_at is not None else status_changed_at


def _overdue(before: Any) -> ColumnElement[bool]:
    # answered from the index ix_tickets_overdue (migration 0012) on this very expression
    return and_(db.Ticket.status == TO_CONTACT, start_column() < before)


def overdue_condition(now: dt.datetime, hours: int) -> ColumnElement[bool]:
    return _overdue(overdue_before(now, hours))


OVERDUE_BEFORE = "overdue_before"
"""The bound parameter of :func:`overdue_condition_bound`: :func:`overdue_before`'s value."""


def overdue_before(now: dt.datetime, hours: int) -> dt.datetime:
    """A ticket to contact whose clock started before this moment is overdue."""
    return now - dt.timedelta(hours=hours)


def overdue_condition_bound() -> ColumnElement[bool]:
    """:func:`overdue_condition` with the moment as the bound parameter ``overdue_before``
    (a statement built once); the same SQL, so the same index answers it."""
    return _overdue(bindparam(OVERDUE_BEFORE))


def is_overdue(status: str, clock_start: dt.datetime, now: dt.datetime, hours: int) -> bool:
    return status == TO_CONTACT and clock_start < now - dt.timedelta(hours=hours)


def due_at(status: str, clock_start: dt.datetime, hours: int) -> dt.datetime | None:
    """While to contact: when the customer must have been contacted."""
    return clock_start + dt.timedelta(hours=hours) if status == TO_CONTACT else None


def left_when_paused(ticket: db.Ticket, hours: int) -> dt.timedelta | None:
    """While the clock stands still (unreachable): the time it has left, or None."""
    if ticket.status != TicketStatus.UNREACHABLE.value or ticket.contact_paused_at is None:
        return None
    used = ticket.contact_paused_at - start(ticket.contact_clock_at, ticket.status_changed_at)
    return dt.timedelta(hours=hours) - used


def on_transition(
    ticket: db.Ticket,
    target: TicketStatus,
    now: dt.datetime,
    *,
    attempted_at: dt.datetime | None = None,
    new_centre: bool = False,
) -> dict[str, Any]:
    """The clock's columns after ``ticket`` moves to ``target`` (values for the UPDATE).

    * to unreachable: the clock stops at the failed attempt (the first one: a second
      attempt leaves it where it stopped);
    * to to contact: a new assignment (from to assign, or to another centre) starts a fresh
      clock; the same centre again resumes it with the time it had left;
    * anything else leaves it as it is (it only counts while to contact)."""
    current = TicketStatus(ticket.status)
    begun = start(ticket.contact_clock_at, ticket.status_changed_at)
    if target is TicketStatus.UNREACHABLE:
        if current is TicketStatus.UNREACHABLE and ticket.contact_paused_at is not None:
            return {}
        stop = min(max(attempted_at or now, begun), now)
        return {"contact_clock_at": begun, "contact_paused_at": stop}
    if target is TicketStatus.TO_CONTACT:
        if new_centre or current is TicketStatus.TO_ASSIGN:
            return {"contact_clock_at": now, "contact_paused_at": None}
        if current is TicketStatus.UNREACHABLE:
            if ticket.contact_paused_at is None:  # paused before the clock was kept: afresh
                return {"contact_clock_at": now, "contact_paused_at": None}
            return {
                "contact_clock_at": begun + (now - ticket.contact_paused_at),
                "contact_paused_at": None,
            }
        return {"contact_clock_at": begun, "contact_paused_at": None}
    return {}
