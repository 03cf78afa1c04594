"""The home screen shows the server's figures; keys, help and the command line work."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.tui.test_login import settle, type_credentials
from tui.screens.command_line import CommandLineScreen
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.ticket import TicketScreen
from tui.widgets.status import ticket_status


async def signed_in_home(app, pilot, username: str = "tech") -> HomeScreen:
    await settle(app, pilot)
    await type_credentials(pilot, username, "demo")
    await settle(app, pilot)
    assert isinstance(app.screen, HomeScreen)
    return app.screen


async def test_home_counts_match_the_server(make_tui, signed_in) -> None:
    app = make_tui()
    truth = await (await signed_in("tech")).dashboard()
    async with app.run_test(size=(80, 24)) as pilot:
        home = await signed_in_home(app, pilot)
        table = home.query_one("#status-counts", DataTable)
        shown = {
            table.get_row_at(i)[0]: int(table.get_row_at(i)[1]) for i in range(table.row_count)
        }
        expected = {ticket_status(c.status.value): c.count for c in truth.status_counts}
        assert shown == expected
        today = str(home.query_one("#today-figures", Static).render())
        assert f"{truth.overdue_contacts} contacts overdue" in today
        assert f"{truth.orders_awaiting_validation:>4}  orders awaiting validation" in today
        assert "249050" in str(home.query_one("#centre").render())


async def test_operator_home_shows_tickets_to_assign(make_tui, signed_in) -> None:
    app = make_tui()
    truth = await (await signed_in("operator")).dashboard()
    to_assign = next(c.count for c in truth.status_counts if c.status.value == "to_assign")
    async with app.run_test(size=(80, 24)) as pilot:
        home = await signed_in_home(app, pilot, "operator")
        today = str(home.query_one("#today-figures", Static).render())
        assert f"{to_assign:>4}  to assign" in today
        assert "all service centres" in str(home.query_one("#centre").render())


async def test_list_keys_move_the_cursor(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        home = await signed_in_home(app, pilot)
        table = home.query_one("#status-counts", DataTable)
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("j", "j", "down")
        assert table.cursor_row == 3
        await pilot.press("k")
        assert table.cursor_row == 2


async def test_help_opens_on_f1_and_question_mark_and_esc_closes(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = app.screen._text
            assert "Refresh" in text and ":ticket" in text
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # Esc on home never quits
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, HomeScreen)


async def test_command_line_opens_a_ticket(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("colon")
        assert isinstance(app.screen, CommandLineScreen)
        await pilot.press(*"t 116496", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        text = str(app.screen.query_one("#details-text", Static).render())
        assert "Reggiani" in text and "P64" in text and "123345" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_wrong_command_stays_open_with_the_reason(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("colon", *"t abc", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CommandLineScreen)
        assert "digits only" in str(app.screen.query_one("#command-error").render())
        assert app.screen.query_one("#command").value == "t abc"


async def test_another_centres_ticket_is_not_found(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech2")
        await pilot.press("colon", *"t 116496", "enter")
        await settle(app, pilot)
        assert "No ticket 116496" in str(app.screen.query_one("#ticket-header", Static).render())


async def test_palette_opens_in_either_language_and_runs_a_command(make_tui) -> None:
    from textual.command import CommandPalette

    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        for lang in ("fr", "en"):  # the bindings are re-translated on a language switch
            await pilot.press("colon", *f"lang {lang}", "enter")
            await settle(app, pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+p", *"Sign out")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        from tui.screens.login import LoginScreen

        assert isinstance(app.screen, LoginScreen) and app.user is None
