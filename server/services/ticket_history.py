"""A ticket's history (newest first, paged), its logs (with e-mail), and its previous tickets."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from pydantic import AwareDatetime, Field
from sqlalchemy import Integer, Row, Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import LOG_TYPES, Role, TicketAction, TicketStatus
from server.db import models as db
from server.db.session import execute_columns
from server.errors import ApiError, Invalid
from server.i18n import _, language, pgettext, using
from server.services import events, mail, status_machine, ticket_query
from server.services.paging import MAX_ROW_ID, CursorState, decode_cursor, encode_cursor
from server.services.tenancy import get_scoped, not_found, scope_bound, scoped_params
from server.settings import Settings

MAX_PREVIOUS = 50
"""Previous tickets answered at most (the newest)."""


class MailFailed(ApiError):
    status_code = 503
    code = "mail_failed"


def event_note(
    ticket_id: int,
    status: str,
    event: events.Event,
    now: dt.datetime,
    *,
    author_id: int | None,
    author_name: str,
) -> db.HistoryEntry:
    """A history entry that records ``event`` on a ticket without changing its status (an
    order placed, withdrawn or changed by its supplier)."""
    return db.HistoryEntry(
        ticket_id=ticket_id,
        at=now,
        author_id=author_id,
        author_name=author_name,
        status=status,
        appointment_at=None,
        type=wire.HistoryType.NOTE.value,
        event=event.code.value,
        params=event.params,
        note="",
        email_to=None,
    )


def entry(row: db.HistoryEntry | Row[Any], zone: dt.tzinfo) -> wire.HistoryEntry:
    """The row (an object, or a row of ``_ENTRY_COLUMNS``) as the wire's entry, its event
    rendered in the current language and ``zone``."""
    return wire.HistoryEntry(
        id=row.id,
        ticket_id=row.ticket_id,
        at=row.at,
        author=row.author_name,
        status=wire.TicketStatus(row.status),
        appointment_at=row.appointment_at,
        type=wire.HistoryType(row.type),
        event=row.event,
        params=row.params or {},
        text=events.render(row.event, row.params, zone),
        note=row.note,
        email_to=row.email_to,
        email_delivery=wire.EmailDelivery(row.email_delivery) if row.email_delivery else None,
    )


class _After(CursorState):
    """The next page starts after this entry (newest first: older, or as old with a lower id)."""

    kind = "ticket-history"
    at: AwareDatetime
    id: int = Field(ge=0, le=MAX_ROW_ID)


_ENTRY_COLUMNS = tuple(db.HistoryEntry.__table__.c)
"""A history entry's columns, named as its attributes: the rows ``entry`` reads without an
object made for each (a ticket screen asks for up to 200 of them)."""

_PAGE = wire.Page[wire.HistoryEntry]
"""The answer's class, parametrised once (pydantic looks a generic up anew at each subscript)."""


@functools.cache
def _history_head(mode: str) -> Select[*tuple[Any, ...]]:
    """The ticket's id and the number of its history entries, as ``get_scoped`` restricts it
    (``mode``, ``scoped_params``), in one statement (it took two): built once."""
    H = db.HistoryEntry
    entries = select(func.count()).where(H.ticket_id == db.Ticket.id).scalar_subquery()
    stmt = select(db.Ticket.id, entries).where(db.Ticket.id == bindparam("scoped_id"))
    return scope_bound(stmt, db.Ticket.service_centre_id, mode)


@functools.cache
def _history_page() -> Select[*tuple[Any, ...]]:
    """The first page of a ticket's history (``ticket_id``; ``rows`` of them), newest first:
    built once."""
    H = db.HistoryEntry
    return (
        select(*_ENTRY_COLUMNS)
        .where(H.ticket_id == bindparam("ticket_id"))
        .order_by(H.at.desc(), H.id.desc())
        .limit(bindparam("rows", type_=Integer))
    )


async def history(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    *,
    limit: int,
    cursor: str | None,
    zone: dt.tzinfo = dt.UTC,
) -> wire.Page[wire.HistoryEntry]:
    """One page of the ticket's history, newest first (ties: the later written first), its
    events rendered for the reader: the request's language, moments in ``zone``."""
    mode, params = scoped_params(user, ticket_id)
    found = (await execute_columns(session, _history_head(mode), params)).first()
    if found is None:  # not there, or not the reader's: the same 404
        raise not_found("ticket", ticket_id)
    ticket_id, total = found
    state = await decode_cursor(session, cursor, _After)
    after = (state.at, state.id) if state else None
    H = db.HistoryEntry
    if after is None:
        page = {"ticket_id": ticket_id, "rows": limit + 1}
        rows = list((await execute_columns(session, _history_page(), page)).all())
    else:
        at, after_id = after
        stmt = select(*_ENTRY_COLUMNS).where(
            H.ticket_id == ticket_id, or_(H.at < at, (H.at == at) & (H.id < after_id))
        )
        stmt = stmt.order_by(H.at.desc(), H.id.desc()).limit(limit + 1)
        rows = list((await execute_columns(session, stmt)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    offset = 0
    if after is not None:
        at, after_id = after
        offset = (
            await session.execute(
                select(func.count()).where(
                    H.ticket_id == ticket_id, or_(H.at > at, (H.at == at) & (H.id >= after_id))
                )
            )
        ).scalar_one()
    last = rows[-1] if rows else None
    return _PAGE(
        items=[entry(r, zone) for r in rows],
        total=total,
        next_cursor=(
            await encode_cursor(session, _After(at=last.at, id=last.id)) if more and last else None
        ),
        offset=offset,
    )


async def add_log(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    body: wire.AddLogRequest,
    *,
    settings: Settings,
    now: dt.datetime,
    zone: dt.tzinfo = dt.UTC,
) -> wire.HistoryEntry:
    """Write a log into the ticket's history; with ``email_to``, e-mail it first (SMTP or
    the outbox), so the entry records how it went. If the e-mail can go nowhere, nothing
    is written and the caller gets 503."""
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    role = Role(user.role)
    status_machine.check_role(TicketAction.ADD_LOG, role)
    if body.type not in LOG_TYPES:
        allowed = ", ".join(t.value for t in LOG_TYPES)
        raise Invalid(
            _("a log is one of: {choices}").format(choices=allowed),
            fields={"type": _("choose one of: {choices}").format(choices=allowed)},
        )
    status_machine.check(TicketAction.ADD_LOG, ticket.id, TicketStatus(ticket.status), role)
    delivery: wire.EmailDelivery | None = None
    if body.email_to:
        delivery = await _email(session, ticket, user, body, settings=settings, now=now)
    row = db.HistoryEntry(
        ticket_id=ticket.id,
        at=now,
        author_id=user.id,
        author_name=user.full_name,
        status=ticket.status,
        appointment_at=None,
        type=body.type.value,
        note=body.note,
        email_to=body.email_to,
        email_delivery=delivery.value if delivery else None,
    )
    session.add(row)
    await session.commit()
    return entry(row, zone)


async def recipient_language(
    session: AsyncSession, address: str, ticket: db.Ticket, sender: db.User
) -> str:
    """The language to write to ``address`` in: its user's when it is a user's address,
    else the language of the ticket's centre (of the sender's when the ticket has none),
    else the sender's request's."""
    known = (
        await session.execute(
            select(db.User.language)
            .where(func.lower(db.User.email) == address.strip().lower(), db.User.active)
            .order_by(db.User.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if known:
        return known
    centre_id = ticket.service_centre_id or sender.service_centre_id
    if centre_id is not None:
        centre = await session.get(db.ServiceCentre, centre_id)
        if centre is not None:
            return centre.language
    return language()


def _log_type(kind: wire.HistoryType) -> str:
    return {
        wire.HistoryType.NOTE: pgettext("log type", "note"),
        wire.HistoryType.CALL: pgettext("log type", "call"),
        wire.HistoryType.EMAIL: pgettext("log type", "e-mail"),
    }.get(kind, kind.value)


async def _email(
    session: AsyncSession,
    ticket: db.Ticket,
    user: db.User,
    body: wire.AddLogRequest,
    *,
    settings: Settings,
    now: dt.datetime,
) -> wire.EmailDelivery:
    """E-mail the log in the recipient's language (``recipient_language``): the subject and
    the lines the system adds are rendered in it; the note goes as it was typed."""
    assert body.email_to
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    lang = await recipient_language(session, body.email_to, ticket, user)
    centre = user.service_centre
    signature = user.full_name + (f", {centre.name} ({centre.code})" if centre else "")
    with using(lang):
        names = {
            "ticket": ticket.id,
            "group": ticket.group_id,
            "model": appliance.model_code,
            "index": appliance.service_index,
            "serial": appliance.serial_number,
        }
        about = (
            _("Ticket {ticket} (group {group}), appliance {model} {index}, serial {serial}")
            if appliance.serial_number
            else _("Ticket {ticket} (group {group}), appliance {model} {index}")
        ).format(**names)
        subject = _("Ticket {ticket}: {type} from {author}").format(
            ticket=ticket.id, type=_log_type(body.type), author=user.full_name
        )
        written = language()
    message = mail.compose(
        settings=settings,
        to=body.email_to,
        subject=subject,
        body=f"{body.note}\n\n-- \n{signature}\n{about}\n",
        reply_to=user.email or None,
        now=now,
        language=written,
    )
    try:
        return await mail.deliver(settings, message, what=f"ticket {ticket.id}")
    except mail.MailUndeliverable as exc:
        raise MailFailed(str(exc)) from exc


# --------------------------------------------------------------------------- previous tickets


async def previous(
    session: AsyncSession, ticket_id: int, user: db.User, *, overdue_hours: int, now: dt.datetime
) -> list[wire.TicketSummary]:
    """Other tickets of the same customer or the same appliance (same appliance record or
    same serial number), outside this ticket's group, as the user may see them: newest first,
    at most ``MAX_PREVIOUS``."""
    mode, params = scoped_params(user, ticket_id)
    found = (await execute_columns(session, _previous_head(mode), params)).first()
    if found is None:  # not there, or not the reader's: the same 404
        raise not_found("ticket", ticket_id)
    customer_id, appliance_id, group_id, serial_number = found
    params = {k: v for k, v in params.items() if k != "scoped_id"}
    params |= {"customer_id": customer_id, "appliance_id": appliance_id, "group_id": group_id}
    if serial_number:
        params["serial_number"] = serial_number
    stmt = _previous_stmt(mode, bool(serial_number))
    rows = (await execute_columns(session, stmt, params)).all()
    return [ticket_query.summary(row, now, overdue_hours) for row in rows]


@functools.cache
def _previous_head(mode: str) -> Select[*tuple[Any, ...]]:
    """What the previous tickets of a ticket are found by (its customer, appliance, group and
    the appliance's serial number), as ``get_scoped`` restricts the ticket (``mode``,
    ``scoped_params``), in one statement (it took two): built once."""
    t = db.Ticket
    stmt = (
        select(t.customer_id, t.appliance_id, t.group_id, db.Appliance.serial_number)
        .join(db.Appliance, db.Appliance.id == t.appliance_id)
        .where(t.id == bindparam("scoped_id"))
    )
    return scope_bound(stmt, t.service_centre_id, mode)


@functools.cache
def _previous_stmt(mode: str, serial: bool) -> Select[*tuple[Any, ...]]:
    """The previous tickets' summaries (``customer_id``, ``appliance_id``, ``group_id``,
    ``serial_number`` when ``serial``), as the reader may see them (``mode``): built once."""
    t = db.Ticket
    same = [t.customer_id == bindparam("customer_id"), t.appliance_id == bindparam("appliance_id")]
    if serial:
        same.append(
            t.appliance_id.in_(
                select(db.Appliance.id).where(
                    db.Appliance.serial_number == bindparam("serial_number")
                )
            )
        )
    stmt = ticket_query.summary_stmt().where(or_(*same), t.group_id != bindparam("group_id"))
    stmt = scope_bound(stmt, t.service_centre_id, mode)
    return stmt.order_by(t.created_at.desc(), t.id.desc()).limit(MAX_PREVIOUS)
