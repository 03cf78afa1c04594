"""``:`` opens the command line from a screen whose search line has the cursor, as it
does everywhere else, when the line is empty; inside a search it is a character."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui.test_catalogue import wait
from tests.tui.test_footer import footer_keys
from tests.tui.test_home import signed_in_home
from tui.screens.cart import CartScreen
from tui.screens.catalogue import CatalogueScreen
from tui.screens.command_line import CommandLineScreen
from tui.screens.orders import OrdersScreen
from tui.screens.ticket_search import TicketSearchScreen


@pytest.mark.parametrize(
    ("key", "screen_type"),
    [("t", TicketSearchScreen), ("c", CatalogueScreen), ("o", OrdersScreen)],
)
async def test_colon_in_an_empty_search_line_opens_the_command_line(
    make_tui, key: str, screen_type: type
) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press(key)
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, screen_type)
        line = app.focused
        assert isinstance(line, Input) and line.value == ""
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, CommandLineScreen)
        assert line.value == ""  # the search did not get the ':'
        await pilot.press(*"cart", "enter")
        await wait(app, pilot)
        assert isinstance(app.screen, CartScreen)


async def test_colon_inside_a_search_is_typed(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press("t")
        await wait(app, pilot)
        assert "colon" in footer_keys(app)  # the line is empty: ":" opens the command line
        await pilot.press(*"cp")
        await pilot.pause()
        assert "colon" not in footer_keys(app)  # now ":" is typed into the search
        await pilot.press("colon", *"67")
        await pilot.pause()
        assert isinstance(app.screen, TicketSearchScreen)
        assert app.screen.query_one("#search", Input).value == "cp:67"
        await pilot.press(*["backspace"] * 5)
        await pilot.pause()
        assert "colon" in footer_keys(app)
