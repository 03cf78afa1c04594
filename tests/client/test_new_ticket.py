"""Operators record a customer's request (a new ticket, to assign or assigned at once) and
move appointments; refusals name the field and write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from client.api import ConflictError, ForbiddenError, ValidationFailed
from client.models import (
    HistoryEvent,
    NewTicket,
    RescheduleRequest,
    TicketQuery,
    TicketStatus,
)
from server.db import models as db
from server.db.session import create_engine

SEED = 116496


def _request(**changes: object) -> NewTicket:
    fields: dict[str, object] = {
        "last_name": "Lemaire",
        "first_name": "Odile",
        "street": "12 rue des Vosges",
        "postal_code": "67120",
        "city": "Molsheim",
        "home_phone": "03 88 12 34 56",
        "model_code": "P64",
        "serial_number": "123345",
        "purchase_date": dt.date(2024, 5, 2),
        "problem": "Le brûleur auxiliaire ne s'allume plus",
    }
    return NewTicket(**(fields | changes))


async def _tickets(database_url: str) -> int:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        count = (await conn.execute(select(func.count()).select_from(db.Ticket))).scalar_one()
    await engine.dispose()
    return count


async def test_an_operator_records_a_request_to_assign_or_assigned(signed_in, database_url) -> None:
    operator = await signed_in("operator")
    tech = await signed_in("tech")
    ticket = await operator.create_ticket(_request())
    assert ticket.status is TicketStatus.TO_ASSIGN and ticket.group_id == ticket.id
    assert ticket.appliance.service_index == "SI00"  # P64 has only one
    assert ticket.customer.last_name == "Lemaire" and ticket.service_centre_code is None
    history = await operator.ticket_history(ticket.id)
    assert [e.event for e in history.items] == [HistoryEvent.CREATED.value]
    found = await operator.search_tickets(TicketQuery(q="Lemaire"))
    assert ticket.id in {t.id for t in found.items}
    assigned = await operator.create_ticket(_request(service_centre_code="249050"))
    assert assigned.id == ticket.id + 1
    assert assigned.status is TicketStatus.TO_CONTACT and assigned.service_centre_code == "249050"
    assert assigned.contact_due_at == assigned.status_changed_at + dt.timedelta(hours=48)
    seen = await tech.ticket(assigned.id)
    assert seen.customer.home_phone == "03 88 12 34 56"
    events = [e.event for e in (await tech.ticket_history(assigned.id)).items]
    assert events == [HistoryEvent.ASSIGNED.value, HistoryEvent.CREATED.value]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"model_code": "NOSUCH1"}, "model_code"),
        ({"service_index": "SI99"}, "service_index"),
        ({"purchase_date": dt.date(2099, 1, 1)}, "purchase_date"),
        ({"service_centre_code": "999999"}, "service_centre_code"),
        ({"email": "odile-at-example"}, "email"),
    ],
)
async def test_a_bad_field_is_named_and_nothing_is_written(
    signed_in, database_url, changes: dict[str, object], field: str
) -> None:
    operator = await signed_in("operator")
    before = await _tickets(database_url)
    with pytest.raises(ValidationFailed) as refused:
        await operator.create_ticket(_request(**changes))
    assert field in refused.value.fields
    assert await _tickets(database_url) == before


async def test_only_operators_record_requests(signed_in, database_url) -> None:
    before = await _tickets(database_url)
    with pytest.raises(ForbiddenError):
        await (await signed_in("tech")).create_ticket(_request())
    assert await _tickets(database_url) == before


async def test_an_operator_reschedules_a_confirmed_ticket(signed_in, database_url) -> None:
    first = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.Ticket)
            .where(db.Ticket.id == SEED)
            .values(status="confirmed", appointment_at=first)
        )
    await engine.dispose()
    operator = await signed_in("operator")
    tech = await signed_in("tech")
    later = first + dt.timedelta(days=3, hours=2)
    with pytest.raises(ForbiddenError):
        await tech.reschedule(SEED, RescheduleRequest(appointment_at=later))
    with pytest.raises(ValidationFailed) as past:
        await operator.reschedule(
            SEED, RescheduleRequest(appointment_at=first - dt.timedelta(days=10))
        )
    assert "appointment_at" in past.value.fields
    ticket = await operator.reschedule(
        SEED, RescheduleRequest(appointment_at=later, note="customer away")
    )
    assert ticket.appointment_at == later and ticket.status is TicketStatus.CONFIRMED
    entry = (await tech.ticket_history(SEED)).items[0]
    assert entry.event == HistoryEvent.RESCHEDULED.value and entry.note == "customer away"
    assert "Rescheduled" in entry.text and "was" in entry.text
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.Ticket).where(db.Ticket.id == SEED).values(status="to_contact")
        )
    await engine.dispose()
    with pytest.raises(ConflictError):
        await operator.reschedule(SEED, RescheduleRequest(appointment_at=later))


async def test_a_retry_with_the_same_key_records_the_request_once(signed_in, database_url) -> None:
    operator = await signed_in("operator")
    before = await _tickets(database_url)
    first = await operator.create_ticket(_request(), idempotency_key="new-ticket-1")
    again = await operator.create_ticket(_request(), idempotency_key="new-ticket-1")
    assert again.id == first.id and await _tickets(database_url) == before + 1
    with pytest.raises(ConflictError):  # the same key for another request
        await operator.create_ticket(_request(city="Obernai"), idempotency_key="new-ticket-1")
    assert await _tickets(database_url) == before + 1
