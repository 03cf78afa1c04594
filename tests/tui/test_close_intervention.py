"""Closing an intervention from the TUI against the real backend: ticket 116496 closed with a
T fault and the part installed (F4 lookup, refusal beside the field, the server's totals),
then verified by the operator, who sees the whole closing first."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

from client.models import ContactedRequest, TicketAction, TicketStatus
from tests.tui.test_login import settle
from tests.tui.test_ticket import SEED, footer_text, open_ticket
from tui.screens import close_intervention
from tui.screens.close_intervention import CloseInterventionScreen
from tui.screens.code_lookup import CodeLookup
from tui.screens.ticket import TicketScreen
from tui.widgets.form import ActionForm


@pytest.fixture(autouse=True)
def _no_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    # the totals are asked as soon as the loop turns (the delay is for typing people)
    monkeypatch.setattr(close_intervention, "TOTALS_DELAY", 0)


async def _confirmed(signed_in) -> None:
    tech = await signed_in("tech")
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    await tech.ticket_action(SEED, TicketAction.CONTACTED, ContactedRequest(appointment_at=soon))


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def _type(app, pilot, field: str, text: str) -> None:
    widget = app.screen.query_one(f"#field-{field}", Input)
    app.screen.set_focus(widget)
    widget.value = ""
    await pilot.press(*text)
    await settle(app, pilot)


async def test_close_116496_with_a_t_fault_and_the_part_then_the_operator_verifies(
    make_tui, signed_in
) -> None:
    await _confirmed(signed_in)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        assert "Close" in footer_text(app)
        await pilot.press("x")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CloseInterventionScreen)
        assert screen.query_one("#field-rate", Input).value == "72.00"
        assert "Final price 86.40 €" in _text(screen, "#closing-totals")
        # F4 on the fault: the list, narrowed by typing, Enter picks
        screen.set_focus(screen.query_one("#field-fault_code", Input))
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, CodeLookup)
        await pilot.press(*"exchanged")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.query_one("#field-fault_code", Input).value == "T01"
        assert "exchanged" in str(screen.query_one("#name-fault_code").render())
        await _type(app, pilot, "faulty_component_code", "bru")
        await _type(app, pilot, "work_done_code", "W01")
        await _type(app, pilot, "rate", "84.00")
        # a T fault without parts: refused beside the parts, the form kept
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "type T" in _text(screen, "#error-parts")
        assert screen.focused is screen.query_one("#field-part_code", Input)
        assert screen.query_one("#field-work_done_code", Input).value == "W01"
        # the part typed by code, resolved by the server; the totals follow
        await _type(app, pilot, "part_code", "870650222")
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(screen.parts) == 1 and len(screen.resolved) == 1
        price = screen.resolved[0].amount
        assert f"Net {84 + price:.2f}" in _text(screen, "#closing-totals")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None
        assert app.screen.ticket.status is TicketStatus.CLOSED
    operator = make_tui()
    async with operator.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(operator, pilot, username="operator")
        details = _text(screen, "#details-text")
        assert "T01" in details and "870650222" in details and "Final price" in details
        await pilot.press("v")
        await settle(operator, pilot)
        assert isinstance(operator.screen, ActionForm)
        await pilot.press("ctrl+s")
        await settle(operator, pilot)
        assert isinstance(operator.screen, TicketScreen)
        assert operator.screen.ticket is not None
        assert operator.screen.ticket.status is TicketStatus.VERIFIED


async def test_a_draft_keeps_the_status_and_comes_back(make_tui, signed_in) -> None:
    await _confirmed(signed_in)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await _type(app, pilot, "work_done", "gasket ordered")
        await _type(app, pilot, "distance_km", "-4")
        screen = app.screen
        assert "negative" in _text(screen, "#error-distance_km")  # live, from the server
        await _type(app, pilot, "distance_km", "99999999999")  # no column holds it: said here
        assert "Not accepted" in _text(screen, "#error-distance_km")
        await _type(app, pilot, "distance_km", "14")
        await pilot.press("f2")
        await settle(app, pilot)
        assert app.screen is screen and screen.closing is not None
        assert screen.closing.version == 1
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None
        assert app.screen.ticket.status is TicketStatus.CONFIRMED
        await pilot.press("x")
        await settle(app, pilot)
        assert app.screen.query_one("#field-work_done", Input).value == "gasket ordered"
        assert app.screen.query_one("#field-distance_km", Input).value == "14"


async def test_esc_on_the_closing_form_asks_once_something_is_typed(make_tui, signed_in) -> None:
    """Esc as the form opened (filled, nothing typed): back to the ticket at once. Once typed:
    the question, the form still under it; n keeps what was typed and the cursor in its
    field, y leaves without saving."""
    from tui.screens.confirm import ConfirmScreen

    await _confirmed(signed_in)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        ticket = await open_ticket(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CloseInterventionScreen)
        assert screen.query_one("#field-rate", Input).value == "72.00"  # prefilled
        assert screen.changed_fields() == []
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is ticket
        await pilot.press("x")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CloseInterventionScreen)
        # a part's line counts, added or only typed; removed, the form is as it opened
        await _type(app, pilot, "part_code", "870650222")
        assert screen.changed_fields() == ["Parts used"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(screen.parts) == 1 and screen.changed_fields() == ["Parts used"]
        screen.set_focus(screen.query_one("#parts-table", DataTable))
        await pilot.press("delete")
        await settle(app, pilot)
        assert screen.parts == [] and screen.changed_fields() == []
        await _type(app, pilot, "work_done", "gasket ordered")
        field = screen.query_one("#field-work_done", Input)
        assert screen.focused is field
        await pilot.press("escape")
        await settle(app, pilot)
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "closing form" in question.question
        assert "Work details" in question.detail
        assert screen in app.screen_stack
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is screen and screen.focused is field
        assert field.value == "gasket ordered"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is ticket
        assert ticket.ticket is not None and ticket.ticket.status is TicketStatus.CONFIRMED
        await pilot.press("x")
        await settle(app, pilot)
        assert app.screen.query_one("#field-work_done", Input).value == ""  # nothing saved


async def test_the_operator_rejects_and_the_centre_finds_the_note_and_its_draft(
    make_tui, signed_in
) -> None:
    from decimal import Decimal

    from client.models import InterventionForm

    await _confirmed(signed_in)
    tech = await signed_in("tech")
    await tech.close_intervention(
        SEED,
        InterventionForm(
            intervention_date=dt.datetime.now(dt.UTC).date(),
            faulty_component_code="BRU",
            fault_code="R01",
            work_done_code="W02",
            work_done="flame adjusted",
            rate=Decimal("72.00"),
        ),
    )
    operator = make_tui()
    async with operator.run_test(size=(80, 24)) as pilot:
        await open_ticket(operator, pilot, username="operator")
        await pilot.press("r")
        await settle(operator, pilot)
        assert isinstance(operator.screen, ActionForm)
        await pilot.press(*"photo of the rating plate missing", "ctrl+s")
        await settle(operator, pilot)
        assert isinstance(operator.screen, TicketScreen)
        assert operator.screen.ticket is not None
        assert operator.screen.ticket.status is TicketStatus.CONFIRMED
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CloseInterventionScreen)
        assert "photo of the rating plate missing" in _text(screen, "#closing-rejection")
        assert screen.query_one("#field-work_done", Input).value == "flame adjusted"
        assert screen.query_one("#field-fault_code", Input).value == "R01"


async def _waiting_ticket_with_orders(database_url: str) -> int:
    from sqlalchemy import select

    from server.db import models as db
    from server.db.session import create_engine

    engine = create_engine(database_url)
    async with engine.connect() as conn:
        centre = select(db.ServiceCentre.id).where(db.ServiceCentre.code == "249050")
        ticket_id = (
            await conn.execute(
                select(db.Ticket.id)
                .join(db.OrderLine, db.OrderLine.ticket_id == db.Ticket.id)
                .join(db.Order, db.Order.id == db.OrderLine.order_id)
                .where(
                    db.Ticket.status == "waiting_parts",
                    db.Ticket.service_centre_id == centre.scalar_subquery(),
                    db.Order.status != "withdrawn",
                )
                .order_by(db.Ticket.id)
                .limit(1)
            )
        ).scalar_one()
    await engine.dispose()
    return ticket_id


async def test_f4_on_add_part_picks_a_part_ordered_for_the_ticket(make_tui, database_url) -> None:
    ticket_id = await _waiting_ticket_with_orders(database_url)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot, ticket_id)
        await pilot.press("x")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CloseInterventionScreen) and screen.closing is not None
        ordered = screen.closing.ordered_parts
        assert ordered
        before = len(screen.parts)  # a demo draft may hold parts already
        screen.set_focus(screen.query_one("#field-part_code", Input))
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, CodeLookup)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert len(screen.parts) == before + 1
        assert screen.parts[-1].order_line_id == ordered[0].order_line_id
        used = screen.resolved[-1]
        assert used.order_number == ordered[0].order_number
        assert used.installed_code == ordered[0].ordered_code
        assert used.unit_price == ordered[0].unit_price
        assert "Spares 0.00" not in _text(screen, "#closing-totals")
        # Delete on a line of the parts used removes it
        table = screen.query_one("#parts-table")
        screen.set_focus(table)
        table.move_cursor(row=before)
        await pilot.press("delete")
        await settle(app, pilot)
        assert len(screen.parts) == before
