"""Tickets and ticket groups (reading; search and actions come with the tickets issue)."""

from __future__ import annotations

from fastapi import APIRouter

from client.models import Ticket, TicketGroup
from server.deps import AppSettings, CurrentUser, Now, Session
from server.services import tickets

router = APIRouter(tags=["tickets"])


@router.get("/tickets/{ticket_id}", response_model=Ticket)
async def get_ticket(
    ticket_id: int, user: CurrentUser, session: Session, settings: AppSettings, now: Now
) -> Ticket:
    return await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)


@router.get("/ticket-groups/{group_id}", response_model=TicketGroup)
async def get_group(
    group_id: int, user: CurrentUser, session: Session, settings: AppSettings, now: Now
) -> TicketGroup:
    return await tickets.get_group(session, group_id, user, settings.overdue_contact_hours, now)
