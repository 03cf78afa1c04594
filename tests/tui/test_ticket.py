"""The ticket screen against the real backend: tabs, history, logs, actions, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from textual.widgets import DataTable, Footer, Input, Label, Static, TabbedContent, TextArea

from client.models import (
    AddLogRequest,
    ApplianceUpdate,
    ContactedRequest,
    ContactMeans,
    MotivationRequest,
    TicketAction,
    TicketStatus,
    UnreachableRequest,
)
from server.db import models as db
from tests.tui.test_catalogue import wait
from tests.tui.test_home import signed_in_home
from tests.tui.test_login import settle
from tui.screens.add_to_cart import AddToCartScreen
from tui.screens.model import ModelScreen
from tui.screens.ticket import TicketScreen
from tui.widgets.form import ActionForm

SEED = 116496


async def open_ticket(app, pilot, ticket_id: int = SEED, username: str = "tech") -> TicketScreen:
    await signed_in_home(app, pilot, username)
    app.open_ticket(ticket_id)
    await settle(app, pilot)
    assert isinstance(app.screen, TicketScreen)
    assert app.screen.ticket is not None
    return app.screen


def footer_text(app) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(
        " ".join(str(part.render()) for part in key.query("*")) or str(key.render())
        for key in footer.query("FooterKey")
    )


def history_rows(screen: TicketScreen) -> list[tuple[str, ...]]:
    table = screen.query_one("#history-table", DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_the_groups_tickets_are_tabs(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        labels = [str(tab.label) for tab in screen.query("#group-tabs Tab")]
        assert labels[0].startswith("116496 P64") and labels[1].startswith("116497 FAB28ABL1")
        await pilot.press("right")
        await settle(app, pilot)
        assert screen.ticket is not None and screen.ticket.id == 116497
        assert "FAB28ABL1" in str(screen.query_one("#details-text", Static).render())
        await pilot.press("left")
        await settle(app, pilot)
        assert screen.ticket.id == SEED


async def test_history_is_the_servers_newest_first(make_tui, signed_in) -> None:
    client = await signed_in("tech")
    client.time_zone = "UTC"  # the tests' terminal is in UTC (tests/tui/conftest.py)
    truth = await client.ticket_history(SEED)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        rows = history_rows(screen)
        assert len(rows) == truth.total == len(truth.items) >= 2
        # the events as the server renders them for us, then what the person typed
        assert [r[5] for r in rows] == [
            " — ".join(p for p in (e.text, e.note.replace("\n", " ")) if p) for e in truth.items
        ]
        assert rows[0][5] == "Assigned to 2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER 249050"
        assert truth.items[0].at >= truth.items[-1].at


async def test_history_moments_are_in_the_terminals_time_zone(
    make_tui, signed_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # where this terminal is: UTC+9
    client = await signed_in("tech")
    await client.ticket_action(
        SEED,
        TicketAction.UNREACHABLE,
        UnreachableRequest(
            attempted_at=dt.datetime(2026, 7, 1, 6, 5, tzinfo=dt.UTC), means=ContactMeans.SMS
        ),
    )
    app = make_tui(language="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        assert app.client is not None and app.client.time_zone == "Asia/Tokyo"
        assert history_rows(screen)[0][5] == (
            "Client non joignable : tentative le 01/07/2026 à 15:05 par SMS"
        )


async def test_add_a_log_and_see_it_on_top(make_tui, signed_in) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        await pilot.press("tab", *"Spoke to the reseller", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "Spoke to the reseller" in history_rows(screen)[0][5]
    client = await signed_in("tech")
    assert (await client.ticket_history(SEED)).items[0].note == "Spoke to the reseller"


async def test_esc_on_a_form_with_something_typed_asks_first(make_tui) -> None:
    """Esc on the log form once a note is typed asks (n stays, the note and the cursor where
    they were; y leaves); Esc on the form as it opened leaves at once."""
    from tui.screens.confirm import ConfirmScreen

    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.changed_fields() == []
        await pilot.press("escape")  # nothing typed: back at once, no question
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("l")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ActionForm)
        await pilot.press("tab", *"Called back")
        note = form.query_one("#field-note", TextArea)
        assert form.focused is note and note.text == "Called back"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Note" in " ".join(str(label.render()) for label in app.screen.query(Label))
        assert form in app.screen_stack
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is form and form.focused is note and note.text == "Called back"
        await pilot.press(*" twice")  # the cursor is still at the end of the note
        assert note.text == "Called back twice"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # a second Esc keeps the form too
        await settle(app, pilot)
        assert app.screen is form and form.focused is note
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen
        assert "Called back" not in " ".join(r[5] for r in history_rows(screen))


async def test_a_note_that_looks_like_markup_shows_as_typed(make_tui, signed_in) -> None:
    client = await signed_in("tech")
    await client.add_log(SEED, AddLogRequest(note="[b]Order[/b] the [red]door seal"))
    app = make_tui()
    async with app.run_test(size=(200, 30)) as pilot:  # wide enough for the Note column
        screen = await open_ticket(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        table = screen.query_one("#history-table", DataTable)
        assert screen.focused is table and table.row_count >= 2
        assert "[b]Order[/b] the [red]door seal" in table.render_line(1).text  # the newest


async def test_customer_contacted_confirms_with_the_appointment(make_tui, signed_in) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm)
        form.query_one("#field-date", Input).value = "02/12/2030"
        form.query_one("#field-time", Input).value = "14:30"
        form.query_one("#field-note", TextArea).text = "Tuesday afternoon"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.ticket is not None and screen.ticket.status is TicketStatus.CONFIRMED
        assert "CONFIRMED" in str(screen.query_one("#ticket-header", Static).render())
        # confirmed: contacting again is no longer offered
        assert screen.check_action("act", ("contacted",)) is False
    ticket = await (await signed_in("tech")).ticket(SEED)
    assert ticket.status is TicketStatus.CONFIRMED
    assert ticket.appointment_at is not None
    assert ticket.appointment_at.astimezone().strftime("%d/%m/%Y %H:%M") == "02/12/2030 14:30"


async def test_not_reachable_records_the_attempt(make_tui, signed_in) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.ticket is not None and screen.ticket.status is TicketStatus.UNREACHABLE
    client = await signed_in("tech")
    assert (await client.ticket(SEED)).status is TicketStatus.UNREACHABLE
    latest = (await client.ticket_history(SEED)).items[0]
    assert latest.status is TicketStatus.UNREACHABLE and latest.event == "unreachable"
    assert latest.params["means"] == "phone" and latest.text.startswith("Customer not reachable")


async def test_bad_input_is_named_and_nothing_is_sent(make_tui, signed_in) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-date", Input).value = "31/02/2030"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "Not a date: 31/02/2030" in str(form.query_one("#error-date", Static).render())
        assert form.query_one("#field-date", Input).value == "31/02/2030"
        # what the contract refuses is said on its field before anything is sent
        form.query_one("#field-date", Input).value = "02/12/2200"
        form.query_one("#field-note", TextArea).text = "clear \x1b[2J screen"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        date_error = str(form.query_one("#error-date", Static).render())
        assert "A date from" in date_error and "1900" in date_error and "2100" in date_error
        note_error = str(form.query_one("#error-note", Static).render())
        assert "No control characters" in note_error
    assert (await (await signed_in("tech")).ticket(SEED)).status is TicketStatus.TO_CONTACT


async def test_operator_actions_are_not_offered_to_a_technician(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        for name in ("assign", "cancel", "reject", "verify", "request_exchange"):
            assert screen.check_action("act", (name,)) is False, name
        for name in ("contacted", "unreachable", "add_log", "update_appliance"):
            assert screen.check_action("act", (name,)) is True, name


async def test_an_action_refused_by_the_server_says_why_and_keeps_the_form(
    make_tui, signed_in
) -> None:
    operator = await signed_in("operator")
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        # meanwhile the back office cancels the ticket; the screen still offers contacting
        await operator.ticket_action(SEED, TicketAction.CANCEL, MotivationRequest(note="dup"))
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-note", TextArea).text = "Customer called back"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        message = str(form.query_one("#form-error", Static).render())
        assert "cancel" in message.lower()
        assert form.query_one("#field-note", TextArea).text == "Customer called back"
        await pilot.press("escape", "y")  # the note typed: leaving it is asked first
        await pilot.press("f5")
        await settle(app, pilot)
        assert screen.ticket is not None and screen.ticket.status is TicketStatus.CANCELLED
        assert screen.check_action("act", ("contacted",)) is False


async def test_a_stale_edit_names_who_changed_it_and_keeps_what_was_typed(
    make_tui, signed_in
) -> None:
    other = await signed_in("manager")
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        await pilot.press("p", "down")  # a place on the screen, which the reload keeps
        previous = screen.query_one("#previous-table", DataTable)
        row = previous.cursor_row
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-invoice_number", Input).value = "INV-777"
        # someone else saves the appliance data first
        current = await other.ticket(SEED)
        await other.update_appliance(
            SEED,
            ApplianceUpdate(
                model_code=current.appliance.model_code,
                service_index=current.appliance.service_index,
                serial_number="999000111",
                purchase_date=current.appliance.purchase_date,
                invoice_number=current.appliance.invoice_number,
            ),
            version=current.version,
        )
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        message = str(form.query_one("#form-error", Static).render())
        manager = (await other.me()).full_name
        assert f"Changed by {manager} at" in message
        assert form.query_one("#field-invoice_number", Input).value == "INV-777"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        # the screen under the form shows the ticket read again, where it was
        assert screen.ticket is not None
        assert screen.ticket.appliance.serial_number == "999000111"
        assert screen.query_one(TabbedContent).active == "previous"
        assert previous.cursor_row == row
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
    saved = await other.ticket(SEED)
    assert saved.appliance.invoice_number == "INV-777"


async def test_m_opens_the_appliances_model_and_parts_added_there_are_for_the_ticket(
    make_tui, signed_in
) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        assert screen.check_action("parts", ()) is True
        assert "m Parts" in footer_text(app)
        await pilot.press("m")
        await wait(app, pilot, 5)
        model = app.screen
        assert isinstance(model, ModelScreen)
        assert model.view is not None
        assert (model.view.model.code, model.view.model.service_index) == ("P64", "SI00")
        assert model.appliance.serial == "123345" and model.appliance.ticket_id == SEED
        assert model.appliance.model_id == model.model_id
        title = str(model.query_one("#model-title", Label).render())
        assert "P64 SI00" in title and "serial 123345" in title and f"ticket {SEED}" in title
        await pilot.press("slash", *"870650444", "enter")
        await wait(app, pilot)
        await pilot.press("a")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddToCartScreen)
        assert f"For ticket {SEED}" in str(dialog.query_one("#cart-ticket", Label).render())
        # the seed's ticket is to contact: checkout would refuse to order for it, said now
        warning = str(dialog.query_one("#cart-ticket-warning", Label).render())
        assert "“To contact”" in warning and "once it is confirmed" in warning
        await pilot.press("enter")
        await wait(app, pilot)
        assert app.screen is model
        await pilot.press("escape", "escape")  # the filter, then back to the ticket
        assert app.screen is screen
    cart = await (await signed_in("tech")).cart()
    assert [(x.ordered_code, x.quantity, x.ticket_id) for x in cart.lines] == [
        ("870650444", 1, SEED)
    ]


async def test_a_confirmed_tickets_parts_come_without_a_warning(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    confirmed = await tech.ticket_action(
        SEED,
        TicketAction.CONTACTED,
        ContactedRequest(appointment_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2)),
    )
    assert confirmed.status is TicketStatus.CONFIRMED
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        await pilot.press("m")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, ModelScreen)
        await pilot.press("a")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddToCartScreen)
        assert f"For ticket {SEED}" in str(dialog.query_one("#cart-ticket", Label).render())
        assert not dialog.query("#cart-ticket-warning")


async def test_m_names_a_model_that_is_not_in_the_catalogue(make_tui, app) -> None:
    async with app.state.engine.begin() as conn:  # an appliance from before the catalogue
        appliance_id = (
            await conn.execute(select(db.Ticket.appliance_id).where(db.Ticket.id == SEED))
        ).scalar_one()
        await conn.execute(
            update(db.Appliance)
            .where(db.Appliance.id == appliance_id)
            .values(model_code="ZX900", service_index="SI07")
        )
    tui = make_tui()
    async with tui.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(tui, pilot)
        await pilot.press("m")
        await wait(tui, pilot)
        assert tui.screen is screen
        notes = [str(n.message) for n in tui._notifications]
        assert "Model ZX900 SI07 is not in the parts catalogue." in notes


async def test_a_key_that_cannot_apply_is_answered_with_why(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot, 116471)  # verified: no contact to record any more
        bells: list[None] = []
        app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
        await pilot.press("c")
        await settle(app, pilot)
        notices = [n.message for n in app._notifications]
        assert "c (Contacted): not possible now." in notices, notices
        await pilot.press("z")
        await settle(app, pilot)
        notices = [n.message for n in app._notifications]
        assert "z: nothing to do with it here (F1 lists the keys)." in notices, notices
        assert "c (Contacted): not possible now." not in notices  # one notice at a time
        assert len(bells) == 2
