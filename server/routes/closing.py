"""Closing an intervention: the form (draft or closed), its figures, save and close, and the
parts received. Verify and reject stay in ticket_actions (they now go through
server.services.closing). Rules in server.services.closing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from client.models import Closing, InterventionForm, InterventionTotals, NoteRequest, Ticket
from client.models.base import IdParam
from server.deps import AppSettings, CurrentUser, Now, ReaderZone, Session, read_only
from server.routes.ticket_actions import IfMatch
from server.services import closing, tickets
from server.services import parts_received as received
from server.services.ticket_actions import parse_if_match

router = APIRouter(tags=["closing"])

DraftIfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description="the intervention version the form was read at (0 before the first "
        "save); 412 when someone saved it meanwhile",
    ),
]


@router.get("/tickets/{ticket_id}/intervention", response_model=Closing)
@read_only
async def get_intervention(
    ticket_id: IdParam, user: CurrentUser, session: Session, now: Now, zone: ReaderZone
) -> Closing:
    """The intervention: the saved draft or closing, or a new form prefilled (the centre's
    fixed rate, the ticket's warranty, type and problem), with the coded lists of the
    ticket's product family, the parts ordered for the ticket, each part used with its
    frozen price and today's catalogue price, and the figures. What the operator verifies."""
    return await closing.get_closing(session, ticket_id, user, now, zone)


@router.post("/tickets/{ticket_id}/intervention/totals", response_model=InterventionTotals)
async def intervention_totals(
    ticket_id: IdParam,
    body: InterventionForm,
    user: CurrentUser,
    session: Session,
    now: Now,
    zone: ReaderZone,
) -> InterventionTotals:
    """The figures of the form as it stands (net, VAT, final price); writes nothing."""
    return await closing.totals(session, ticket_id, user, body, now, zone)


@router.put("/tickets/{ticket_id}/intervention", response_model=Closing)
async def update_intervention(
    ticket_id: IdParam,
    body: InterventionForm,
    user: CurrentUser,
    session: Session,
    now: Now,
    zone: ReaderZone,
    if_match: DraftIfMatch = None,
) -> Closing:
    """Update intervention: save the form as a draft; the ticket keeps its status."""
    await closing.save_draft(
        session, ticket_id, user, body, if_match=parse_if_match(if_match), now=now, zone=zone
    )
    return await closing.get_closing(session, ticket_id, user, now, zone)


@router.post("/tickets/{ticket_id}/close", response_model=Closing)
async def close_intervention(
    ticket_id: IdParam,
    body: InterventionForm,
    user: CurrentUser,
    session: Session,
    now: Now,
    zone: ReaderZone,
    if_match: IfMatch = None,
) -> Closing:
    """Save and close: the centre's staff, from confirmed, waiting for parts or exchange
    requested; the amounts are frozen and the ticket is closed."""
    await closing.close(
        session, ticket_id, user, body, if_match=parse_if_match(if_match), now=now, zone=zone
    )
    return await closing.get_closing(session, ticket_id, user, now, zone)


@router.post("/tickets/{ticket_id}/parts_received", response_model=Ticket)
async def parts_received(
    ticket_id: IdParam,
    body: NoteRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    if_match: IfMatch = None,
) -> Ticket:
    """Centre: the parts arrived (another way than the orders' shipments); waiting for
    parts -> confirmed."""
    await received.parts_received(
        session, ticket_id, user, body, if_match=parse_if_match(if_match), now=now
    )
    return await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)
