"""Contact is per group, and the 48 h clock pauses while the customer is unreachable: the
seed's group 116496 (tickets 116496 and 116497, one customer), at explicit times on the
server's clock. The ticket, the overdue search filter and the dashboard agree throughout."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from client.models import (
    AssignRequest,
    ContactedRequest,
    ContactMeans,
    ContactOutcome,
    HistoryEvent,
    TicketAction,
    TicketQuery,
    TicketStatus,
    UnreachableRequest,
)
from server.db import models as db
from server.db.session import create_engine

GROUP = 116496
FIRST, SECOND = 116496, 116497
T0 = dt.datetime(2031, 3, 10, 8, 0, tzinfo=dt.UTC)


async def _both_to_contact(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        ids = (
            await conn.execute(select(db.Ticket.id).where(db.Ticket.group_id == GROUP))
        ).scalars()
        assert set(ids) == {FIRST, SECOND}
        await conn.execute(
            update(db.Ticket)
            .where(db.Ticket.group_id == GROUP)
            .values(
                status="to_contact",
                waiting_parts=False,
                status_changed_at=T0,
                contact_clock_at=None,
                contact_paused_at=None,
            )
        )
    await engine.dispose()


def _signing_in_at_t0(app) -> None:
    """The server's clock at T0 and tokens that outlive the test's jumps in time."""
    app.state.settings.now = T0
    app.state.settings.token_ttl_hours = 24 * 365


async def _overdue_ids(client, app) -> set[int]:
    page = await client.search_tickets(TicketQuery(overdue=True, q=str(GROUP)), limit=200)
    return {t.id for t in page.items if t.group_id == GROUP}


async def test_contact_is_per_group_and_the_clock_pauses_while_unreachable(
    app, signed_in, database_url
) -> None:
    await _both_to_contact(database_url)
    _signing_in_at_t0(app)
    tech = await signed_in("tech")
    operator = await signed_in("operator")

    def at(hours: float) -> dt.datetime:
        app.state.settings.now = T0 + dt.timedelta(hours=hours)
        return app.state.settings.now

    at(47)
    assert not (await tech.ticket(FIRST)).overdue and await _overdue_ids(tech, app) == set()
    # hour 10: the customer does not answer; recorded at hour 47, for the whole group
    attempted = T0 + dt.timedelta(hours=10)
    outcome = await tech.ticket_action(
        FIRST,
        TicketAction.UNREACHABLE,
        UnreachableRequest(attempted_at=attempted, means=ContactMeans.PHONE, note="no answer"),
    )
    assert isinstance(outcome, ContactOutcome) and outcome.group_updated == [SECOND]
    second = await tech.ticket(SECOND)
    assert second.status is TicketStatus.UNREACHABLE and second.contact_attempts == 1
    entry = (await tech.ticket_history(SECOND)).items[0]
    assert entry.event == HistoryEvent.UNREACHABLE.value and entry.note == "no answer"
    # days later: not overdue, the clock stands with 38 h left
    at(200)
    first = await tech.ticket(FIRST)
    assert first.status is TicketStatus.UNREACHABLE and not first.overdue
    assert first.contact_paused_minutes_left == 38 * 60 and first.contact_due_at is None
    assert await _overdue_ids(tech, app) == set()
    # a second attempt: two attempts, the clock still stopped at the first
    await tech.ticket_action(
        SECOND,
        TicketAction.UNREACHABLE,
        UnreachableRequest(attempted_at=T0 + dt.timedelta(hours=199), means=ContactMeans.SMS),
    )
    first = await tech.ticket(FIRST)
    assert first.contact_attempts == 2 and first.contact_paused_minutes_left == 38 * 60
    # the operator puts the first back to contact with the same centre: the clock resumes
    resumed = await operator.ticket_action(
        FIRST, TicketAction.ASSIGN, AssignRequest(service_centre_code="249050")
    )
    assert resumed.status is TicketStatus.TO_CONTACT
    assert resumed.contact_due_at == T0 + dt.timedelta(hours=200 + 38)
    at(200 + 37)
    assert not (await tech.ticket(FIRST)).overdue and await _overdue_ids(tech, app) == set()
    at(200 + 39)
    assert (await tech.ticket(FIRST)).overdue and await _overdue_ids(tech, app) == {FIRST}
    board = await tech.dashboard()
    assert board.overdue_contacts >= 1
    # reached at last: both tickets confirmed (one to contact, one unreachable), one entry each
    appointment = T0 + dt.timedelta(hours=260)
    outcome = await tech.ticket_action(
        SECOND, TicketAction.CONTACTED, ContactedRequest(appointment_at=appointment)
    )
    assert isinstance(outcome, ContactOutcome) and outcome.group_updated == [FIRST]
    for ticket_id in (FIRST, SECOND):
        ticket = await tech.ticket(ticket_id)
        assert ticket.status is TicketStatus.CONFIRMED and ticket.appointment_at == appointment
        entry = (await tech.ticket_history(ticket_id)).items[0]
        assert entry.event == HistoryEvent.CONTACTED.value
    assert await _overdue_ids(tech, app) == set()


async def test_another_centre_starts_a_fresh_clock_and_a_confirmed_ticket_is_left_alone(
    app, signed_in, database_url
) -> None:
    await _both_to_contact(database_url)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.Ticket).where(db.Ticket.id == SECOND).values(status="confirmed")
        )
    await engine.dispose()
    _signing_in_at_t0(app)
    tech = await signed_in("tech")
    operator = await signed_in("operator")
    app.state.settings.now = T0 + dt.timedelta(hours=20)
    outcome = await tech.ticket_action(
        FIRST,
        TicketAction.UNREACHABLE,
        UnreachableRequest(attempted_at=T0 + dt.timedelta(hours=20), means=ContactMeans.EMAIL),
    )
    assert isinstance(outcome, ContactOutcome) and outcome.group_updated == []
    assert (await tech.ticket(SECOND)).status is TicketStatus.CONFIRMED
    app.state.settings.now = T0 + dt.timedelta(hours=100)
    moved = await operator.ticket_action(
        FIRST, TicketAction.ASSIGN, AssignRequest(service_centre_code="249117")
    )
    assert moved.contact_due_at == T0 + dt.timedelta(hours=148)
