"""A ticket's history (newest first, paged), its logs (with e-mail), and its previous tickets."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import LOG_TYPES, Role, TicketAction, TicketStatus
from server.db import models as db
from server.errors import ApiError, Invalid
from server.i18n import _, language, pgettext, using
from server.services import events, mail, status_machine, ticket_query
from server.services.paging import MAX_ROW_ID, CursorState, decode_cursor, encode_cursor
from server.services.tenancy import get_scoped, scope
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


def entry(row: db.HistoryEntry, zone: dt.tzinfo) -> wire.HistoryEntry:
    """The row as the wire's entry, its event rendered in the current language and ``zone``."""
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
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    state = await decode_cursor(session, cursor, _After)
    after = (state.at, state.id) if state else None
    H = db.HistoryEntry
    total = (
        await session.execute(select(func.count()).where(H.ticket_id == ticket.id))
    ).scalar_one()
    stmt = select(H).where(H.ticket_id == ticket.id)
    if after is not None:
        at, after_id = after
        stmt = stmt.where(or_(H.at < at, (H.at == at) & (H.id < after_id)))
    rows = list(
        (await session.execute(stmt.order_by(H.at.desc(), H.id.desc()).limit(limit + 1)))
        .scalars()
        .all()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    offset = 0
    if after is not None:
        at, after_id = after
        offset = (
            await session.execute(
                select(func.count()).where(
                    H.ticket_id == ticket.id, or_(H.at > at, (H.at == at) & (H.id >= after_id))
                )
            )
        ).scalar_one()
    last = rows[-1] if rows else None
    return wire.Page[wire.HistoryEntry](
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
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    same = [db.Ticket.customer_id == ticket.customer_id, db.Ticket.appliance_id == appliance.id]
    if appliance.serial_number:
        same.append(
            db.Ticket.appliance_id.in_(
                select(db.Appliance.id).where(db.Appliance.serial_number == appliance.serial_number)
            )
        )
    stmt = (
        ticket_query.summary_stmt()
        .where(or_(*same), db.Ticket.group_id != ticket.group_id)
        .order_by(db.Ticket.created_at.desc(), db.Ticket.id.desc())
        .limit(MAX_PREVIOUS)
    )
    rows = (await session.execute(scope(stmt, db.Ticket.service_centre_id, user))).all()
    return [ticket_query.summary(row, now, overdue_hours) for row in rows]
