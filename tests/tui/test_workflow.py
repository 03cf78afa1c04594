"""The ticket's start, by keyboard at 80x24 against the real backend: contact recorded on
the whole group (the message says how many), the paused 48 h clock and the attempts on
the ticket, an operator's new ticket (n on the home screen) and rescheduling (t)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static, TextArea

from client.models import ContactedRequest, TicketAction, TicketStatus
from tests.tui.test_home import signed_in_home
from tests.tui.test_login import settle
from tests.tui.test_ticket import open_ticket
from tui.screens.new_ticket import NewTicketForm
from tui.screens.ticket import TicketScreen

SEED, OTHER = 116496, 116497


async def test_not_reachable_is_recorded_on_the_group_and_pauses_the_clock(
    make_tui, signed_in
) -> None:
    tech = await signed_in("tech")
    assert (await tech.ticket(OTHER)).status in (TicketStatus.TO_CONTACT, TicketStatus.UNREACHABLE)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        said = [str(n.message) for n in app._notifications]
        assert f"Saved on this ticket and 1 other ticket of the group ({OTHER})." in said
        header = str(screen.query_one("#ticket-header", Static).render())
        assert "UNREACHABLE" in header and "paused" in header
        assert len(header.splitlines()[0]) <= 78
        details = str(screen.query_one("#details-text", Static).render())
        assert "Contact attempts" in details and " 1" in details
    assert (await tech.ticket(OTHER)).status is TicketStatus.UNREACHABLE


async def test_an_operator_records_a_new_ticket_and_a_refusal_keeps_what_was_typed(
    make_tui, signed_in
) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "operator")
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewTicketForm)
        typed = {
            "last_name": "Lemaire",
            "street": "12 rue des Vosges",
            "postal_code": "67120",
            "city": "Molsheim",
            "home_phone": "03 88 12 34 56",
            "model_code": "NOSUCH1",
        }
        for name, value in typed.items():
            form.query_one(f"#field-{name}", Input).value = value
        form.query_one("#field-problem", TextArea).text = "Ne chauffe plus"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # refused beside the model, nothing lost
        assert "catalogue" in str(form.query_one("#error-model_code", Static).render())
        assert form.query_one("#field-street", Input).value == "12 rue des Vosges"
        assert form.query_one("#field-problem", TextArea).text == "Ne chauffe plus"
        form.query_one("#field-model_code", Input).value = "p64"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen) and screen.ticket is not None
        assert screen.ticket.status is TicketStatus.TO_ASSIGN
        assert screen.ticket.customer.last_name == "Lemaire"
    found = await (await signed_in("operator")).ticket(screen.ticket.id)
    assert found.appliance.model_code == "P64" and found.problem == "Ne chauffe plus"


async def test_an_operator_reschedules_with_t(make_tui, signed_in) -> None:
    first = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    await (await signed_in("tech")).ticket_action(
        SEED, TicketAction.CONTACTED, ContactedRequest(appointment_at=first)
    )
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot, username="operator")
        assert screen.check_action("act", ("reschedule",)) is True
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-date", Input).value = "03/12/2030"
        form.query_one("#field-time", Input).value = "10:15"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
    ticket = await (await signed_in("operator")).ticket(SEED)
    assert ticket.appointment_at is not None
    assert ticket.appointment_at.astimezone().strftime("%d/%m/%Y %H:%M") == "03/12/2030 10:15"
    assert ticket.status is TicketStatus.CONFIRMED
