"""SavClient's closing methods against the real app: the form, totals, a draft, save and
close with a T fault and a part, the operator's view and verification, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from client.api import ConflictError, ForbiddenError, ValidationFailed
from client.models import (
    ContactedRequest,
    FaultType,
    InterventionForm,
    NoteRequest,
    PartUsedInput,
    TicketAction,
    TicketStatus,
)

SEED = 116496


async def _confirm(client) -> None:
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    await client.ticket_action(SEED, TicketAction.CONTACTED, ContactedRequest(appointment_at=soon))


def _form(**changes: object) -> InterventionForm:
    base = InterventionForm(
        intervention_date=dt.datetime.now(dt.UTC).date(),
        distance_km=8,
        faulty_component_code="BRU",
        fault_code="T01",
        intervention_code="D1",
        work_done_code="W01",
        rate=Decimal("84.00"),
    )
    return base.model_copy(update=changes)


async def test_close_with_a_t_fault_and_a_part_then_verify(signed_in) -> None:
    tech = await signed_in("tech")
    await _confirm(tech)
    closing = await tech.intervention(SEED)
    assert closing.version == 0 and closing.fixed_rate == Decimal("72.00")
    assert any(f.fault_type is FaultType.EXCHANGE_COMPONENT for f in closing.lists.faults)
    with pytest.raises(ValidationFailed) as refused:
        await tech.close_intervention(SEED, _form())
    assert "parts" in refused.value.fields
    totals = await tech.intervention_totals(SEED, _form())
    assert (totals.net, totals.vat, totals.total) == (
        Decimal("84.00"),
        Decimal("16.80"),
        Decimal("100.80"),
    )
    draft = await tech.save_intervention(SEED, _form(), version=0)
    assert draft.version == 1 and draft.ticket_status is TicketStatus.CONFIRMED
    with pytest.raises(ConflictError) as stale:
        await tech.save_intervention(SEED, _form(), version=0)
    assert stale.value.stale
    parts = [PartUsedInput(code="870650222")]
    closed = await tech.close_intervention(SEED, _form(parts=parts))
    assert closed.ticket_status is TicketStatus.CLOSED and closed.frozen
    assert closed.parts[0].requested_code == "870650222"
    assert closed.totals.net == Decimal("84.00") + closed.parts[0].amount
    operator = await signed_in("operator")
    seen = await operator.intervention(SEED)
    assert seen.totals == closed.totals and seen.fault == "Faulty component, exchanged"
    with pytest.raises(ForbiddenError):
        await operator.close_intervention(SEED, _form(parts=parts))
    ticket = await operator.ticket_action(SEED, TicketAction.VERIFY, NoteRequest())
    assert ticket.status is TicketStatus.VERIFIED
    assert (await operator.intervention(SEED)).verified_by
