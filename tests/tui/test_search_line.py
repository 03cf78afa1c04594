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


async def test_a_line_longer_than_its_field_scrolls_to_the_cursor(make_tui) -> None:
    """The line's text length is not laid out (only scrolled): typed past the field's width,
    the end of the text and the cursor stay in sight, and Home brings the start back."""
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press("t")
        await wait(app, pilot)
        line = app.screen.query_one("#search", Input)
        typed = "-".join(f"w{n:02}" for n in range(30))  # 119 cells: wider than the field
        await pilot.press(*typed)
        await wait(app, pilot)
        assert line.value == typed
        shown = "".join(s.text for s in line.render_line(0))
        assert "w29" in shown and "w00" not in shown
        assert line.scroll_offset.x > 0
        await pilot.press("home")
        await pilot.pause()
        shown = "".join(s.text for s in line.render_line(0))
        assert "w00" in shown and "w29" not in shown
