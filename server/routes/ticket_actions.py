"""A ticket's history, logs, previous tickets, status actions and appliance corrections.

Status actions are ``POST /tickets/{id}/{action}``; each answers the updated ticket. An
optional ``If-Match: <version>`` makes the action refuse (412) when the ticket changed since
that version was read. ``PUT /tickets/{id}/appliance`` requires ``If-Match`` (428 without).
The rules live in server.services.status_machine and server.services.ticket_actions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query

from client.models import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    AddLogRequest,
    ApplianceUpdate,
    AssignRequest,
    ContactedRequest,
    ContactOutcome,
    HistoryEntry,
    MotivationRequest,
    NoteRequest,
    Page,
    RescheduleRequest,
    Ticket,
    TicketAction,
    TicketSummary,
    UnreachableRequest,
)
from client.models.base import IdParam
from server.db import models as db
from server.deps import AppSettings, CurrentUser, Now, ReaderZone, Session, read_only
from server.services import closing, ticket_actions, ticket_create, ticket_history, tickets
from server.services.ticket_actions import ActionBody
from server.settings import Settings

router = APIRouter(tags=["ticket actions"])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description="the ticket version the change was made on; 412 when the ticket changed",
    ),
]


@router.get("/tickets/{ticket_id}/history", response_model=Page[HistoryEntry])
@read_only
async def get_history(
    ticket_id: IdParam,
    user: CurrentUser,
    session: Session,
    zone: ReaderZone,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[HistoryEntry]:
    """Newest first. Each entry's ``text`` is its event in the request's language
    (``Accept-Language``) with moments in the ``Time-Zone`` header's zone (UTC without)."""
    return await ticket_history.history(
        session, ticket_id, user, limit=limit, cursor=cursor, zone=zone
    )


@router.get("/tickets/{ticket_id}/previous", response_model=list[TicketSummary])
@read_only
async def get_previous(
    ticket_id: IdParam, user: CurrentUser, session: Session, settings: AppSettings, now: Now
) -> list[TicketSummary]:
    return await ticket_history.previous(
        session, ticket_id, user, overdue_hours=settings.overdue_contact_hours, now=now
    )


@router.post("/tickets/{ticket_id}/logs", response_model=HistoryEntry, status_code=201)
async def add_log(
    ticket_id: IdParam,
    body: AddLogRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    zone: ReaderZone,
) -> HistoryEntry:
    return await ticket_history.add_log(
        session, ticket_id, user, body, settings=settings, now=now, zone=zone
    )


@router.put("/tickets/{ticket_id}/appliance", response_model=Ticket)
async def update_appliance(
    ticket_id: IdParam,
    body: ApplianceUpdate,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    await ticket_actions.update_appliance(
        session, ticket_id, user, body, if_match=ticket_actions.parse_if_match(if_match), now=now
    )
    return await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)


async def _act(
    ticket_id: int,
    action: TicketAction,
    body: ActionBody,
    user: db.User,
    session: Session,
    settings: Settings,
    now: Now,
    if_match: str | None,
) -> Ticket:
    updated = await ticket_actions.transition(
        session,
        ticket_id,
        user,
        action,
        body,
        if_match=ticket_actions.parse_if_match(if_match),
        now=now,
    )
    ticket = await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)
    if action in ticket_actions.PER_GROUP:
        return ContactOutcome(**ticket.model_dump(), group_updated=updated)
    return ticket


@router.post("/tickets/{ticket_id}/assign", response_model=Ticket)
async def assign(
    ticket_id: IdParam,
    body: AssignRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Operator: give the ticket to a service centre; it becomes to contact (48 h clock)."""
    return await _act(ticket_id, TicketAction.ASSIGN, body, user, session, settings, now, if_match)


@router.post("/tickets/{ticket_id}/contacted", response_model=ContactOutcome)
async def contacted(
    ticket_id: IdParam,
    body: ContactedRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Centre: the customer was reached; the appointment is set; the ticket is confirmed,
    and so is every other ticket of the group still to contact or unreachable (one history
    entry each; ``group_updated`` lists them)."""
    return await _act(
        ticket_id, TicketAction.CONTACTED, body, user, session, settings, now, if_match
    )


@router.post("/tickets/{ticket_id}/unreachable", response_model=ContactOutcome)
async def unreachable(
    ticket_id: IdParam,
    body: UnreachableRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Centre: a contact attempt failed (its date and means go into the history), on every
    ticket of the group still to contact or unreachable (``group_updated`` lists the
    others). The 48 h clock stands still until the ticket is to contact again."""
    return await _act(
        ticket_id, TicketAction.UNREACHABLE, body, user, session, settings, now, if_match
    )


@router.post("/tickets/{ticket_id}/request_exchange", response_model=Ticket)
async def request_exchange(
    ticket_id: IdParam,
    body: NoteRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Operator: a replacement appliance will be delivered to the customer."""
    return await _act(
        ticket_id, TicketAction.REQUEST_EXCHANGE, body, user, session, settings, now, if_match
    )


@router.post("/tickets/{ticket_id}/cancel", response_model=Ticket)
async def cancel(
    ticket_id: IdParam,
    body: MotivationRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Operator: cancel with a motivation (not once the intervention is closed)."""
    return await _act(ticket_id, TicketAction.CANCEL, body, user, session, settings, now, if_match)


@router.post("/tickets/{ticket_id}/reschedule", response_model=Ticket)
async def reschedule(
    ticket_id: IdParam,
    body: RescheduleRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Operator: move the appointment of a confirmed ticket (waiting for parts, exchange
    requested too); the history says the old and the new; the status stays."""
    await ticket_create.reschedule(
        session, ticket_id, user, body, if_match=ticket_actions.parse_if_match(if_match), now=now
    )
    return await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)


@router.post("/tickets/{ticket_id}/reject", response_model=Ticket)
async def reject(
    ticket_id: IdParam,
    body: MotivationRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Operator: send a closed intervention back to confirmed, with the reason (the centre's
    draft is kept, and shows the reason)."""
    await closing.reject(
        session, ticket_id, user, body, if_match=ticket_actions.parse_if_match(if_match), now=now
    )
    return await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)


@router.post("/tickets/{ticket_id}/verify", response_model=Ticket)
async def verify(
    ticket_id: IdParam,
    body: NoteRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Operator: approve a closed intervention (GET /tickets/{id}/intervention shows it
    whole); it is ready to invoice."""
    await closing.verify(
        session, ticket_id, user, body, if_match=ticket_actions.parse_if_match(if_match), now=now
    )
    return await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)
