"""SavClient's ticket detail methods against the real app: history, previous tickets, logs,
status actions, appliance corrections, and how refusals reach the caller."""

from __future__ import annotations

import datetime as dt

import pytest

from client.api import ConflictError, ForbiddenError, NotFoundError, ValidationFailed
from client.models import (
    AddLogRequest,
    ApplianceUpdate,
    AssignRequest,
    ContactedRequest,
    ContactMeans,
    EmailDelivery,
    HistoryType,
    MotivationRequest,
    TicketAction,
    TicketStatus,
    UnreachableRequest,
)

SEED = 116496


def _soon() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)


async def test_contact_actions_and_history(signed_in) -> None:
    tech = await signed_in("tech")
    ticket = await tech.ticket(SEED)
    assert TicketAction.CONTACTED in ticket.actions and TicketAction.ASSIGN not in ticket.actions
    after = await tech.ticket_action(
        SEED,
        TicketAction.UNREACHABLE,
        UnreachableRequest(
            attempted_at=dt.datetime.now(dt.UTC), means=ContactMeans.PHONE, note="no answer"
        ),
        version=ticket.version,
    )
    assert after.status is TicketStatus.UNREACHABLE and after.version == ticket.version + 1
    appointment = _soon()
    confirmed = await tech.ticket_action(
        SEED, TicketAction.CONTACTED, ContactedRequest(appointment_at=appointment)
    )
    assert confirmed.status is TicketStatus.CONFIRMED and confirmed.appointment_at == appointment
    page = await tech.ticket_history(SEED, limit=2)
    assert [e.status for e in page.items] == [TicketStatus.CONFIRMED, TicketStatus.UNREACHABLE]
    assert page.next_cursor is not None and page.total >= 4
    rest = await tech.ticket_history(SEED, cursor=page.next_cursor)
    assert rest.offset == 2 and len(rest.items) == page.total - 2


async def test_refusals_are_typed(signed_in) -> None:
    tech = await signed_in("tech")
    operator = await signed_in("operator")
    with pytest.raises(ForbiddenError):
        await tech.ticket_action(
            SEED, TicketAction.ASSIGN, AssignRequest(service_centre_code="249117")
        )
    await operator.ticket_action(SEED, TicketAction.CANCEL, MotivationRequest(note="mistake"))
    with pytest.raises(ConflictError) as refused:
        await tech.ticket_action(
            SEED, TicketAction.CONTACTED, ContactedRequest(appointment_at=_soon())
        )
    assert not refused.value.stale and refused.value.code == "not_allowed"
    assert "cancelled" in refused.value.message
    tech2 = await signed_in("tech2")
    with pytest.raises(NotFoundError):
        await tech2.ticket_history(SEED)


async def test_a_stale_edit_names_who_changed_the_ticket(signed_in) -> None:
    tech = await signed_in("tech")
    manager = await signed_in("manager")
    seen = await tech.ticket(SEED)
    await manager.ticket_action(
        SEED,
        TicketAction.UNREACHABLE,
        UnreachableRequest(attempted_at=dt.datetime.now(dt.UTC), means=ContactMeans.SMS),
        version=seen.version,
    )
    with pytest.raises(ConflictError) as stale:
        await tech.update_appliance(
            SEED,
            ApplianceUpdate(
                model_code=seen.appliance.model_code,
                service_index=seen.appliance.service_index,
                serial_number="999",
            ),
            version=seen.version,
        )
    assert stale.value.stale and stale.value.changed_by == "Sophie Lambert"
    assert stale.value.changed_at is not None
    fresh = await tech.ticket(SEED)
    assert fresh.updated_by == "Sophie Lambert"
    corrected = await tech.update_appliance(
        SEED,
        ApplianceUpdate(
            model_code=fresh.appliance.model_code,
            service_index=fresh.appliance.service_index,
            serial_number="999",
        ),
        version=fresh.version,
    )
    assert corrected.appliance.serial_number == "999"
    with pytest.raises(ValidationFailed) as invalid:
        await tech.update_appliance(
            SEED,
            ApplianceUpdate(model_code="NOPE", service_index="SI00"),
            version=corrected.version,
        )
    assert "model_code" in invalid.value.fields


async def test_logs_and_previous_tickets(signed_in, settings) -> None:
    tech = await signed_in("tech")
    entry = await tech.add_log(
        SEED, AddLogRequest(type=HistoryType.CALL, note="called back", email_to="a@b.example")
    )
    assert entry.type is HistoryType.CALL and entry.author == "Julien Marchal"
    assert entry.email_delivery is EmailDelivery.OUTBOX  # no SMTP in the test settings
    assert len(list(settings.outbox_dir.glob("*.eml"))) == 1
    previous = await tech.previous_tickets(SEED)
    assert previous and all(t.group_id != SEED for t in previous)
    assert [t.created_at for t in previous] == sorted(
        (t.created_at for t in previous), reverse=True
    )
