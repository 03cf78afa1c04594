"""A ticket's history (newest first, paged), its logs (with e-mail), and its previous tickets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import LOG_TYPES, Role, TicketAction, TicketStatus
from server.db import models as db
from server.errors import ApiError, Invalid
from server.i18n import _
from server.services import mail, status_machine, ticket_query
from server.services.paging import bad_cursor, decode_cursor, encode_cursor
from server.services.tenancy import get_scoped, scope
from server.settings import Settings

MAX_PREVIOUS = 50
"""Previous tickets answered at most (the newest)."""


class MailFailed(ApiError):
    status_code = 503
    code = "mail_failed"


def entry(row: db.HistoryEntry) -> wire.HistoryEntry:
    return wire.HistoryEntry(
        id=row.id,
        ticket_id=row.ticket_id,
        at=row.at,
        author=row.author_name,
        status=wire.TicketStatus(row.status),
        appointment_at=row.appointment_at,
        type=wire.HistoryType(row.type),
        note=row.note,
        email_to=row.email_to,
        email_delivery=wire.EmailDelivery(row.email_delivery) if row.email_delivery else None,
    )


def _cursor_state(cursor: str | None) -> tuple[dt.datetime, int] | None:
    state = decode_cursor(cursor)
    if not state:
        return None
    try:
        at = dt.datetime.fromisoformat(str(state["at"]))
        after_id = int(state["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise bad_cursor() from exc
    if at.tzinfo is None:
        raise bad_cursor()
    return at, after_id


async def history(
    session: AsyncSession, ticket_id: int, user: db.User, *, limit: int, cursor: str | None
) -> wire.Page[wire.HistoryEntry]:
    """One page of the ticket's history, newest first (ties: the later written first)."""
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    after = _cursor_state(cursor)
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
        items=[entry(r) for r in rows],
        total=total,
        next_cursor=(
            encode_cursor({"at": last.at.isoformat(), "id": last.id}) if more and last else None
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
    return entry(row)


async def _email(
    session: AsyncSession,
    ticket: db.Ticket,
    user: db.User,
    body: wire.AddLogRequest,
    *,
    settings: Settings,
    now: dt.datetime,
) -> wire.EmailDelivery:
    assert body.email_to
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    centre = user.service_centre
    signature = user.full_name + (f", {centre.name} ({centre.code})" if centre else "")
    text = (
        f"{body.note}\n\n"
        f"-- \n{signature}\n"
        f"Ticket {ticket.id} (group {ticket.group_id}), "
        f"appliance {appliance.model_code} {appliance.service_index}"
        + (f", serial {appliance.serial_number}" if appliance.serial_number else "")
        + "\n"
    )
    message = mail.compose(
        settings=settings,
        to=body.email_to,
        subject=f"Ticket {ticket.id}: {body.type.value} from {user.full_name}",
        body=text,
        reply_to=user.email or None,
        now=now,
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
