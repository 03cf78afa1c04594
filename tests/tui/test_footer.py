"""F1 Help is in sight in the footer of every main screen at 80 columns, in both languages.

The footer shows a screen's keys first and the app's after them; a screen with many keys
pushed F1 out of the terminal (it was found so on the ticket screen)."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.tui.test_catalogue import wait
from tests.tui.test_home import signed_in_home
from tui.screens.cart import CartScreen
from tui.screens.catalogue import CatalogueScreen
from tui.screens.home import HomeScreen
from tui.screens.orders import OrdersScreen
from tui.screens.ticket import TicketScreen

WIDTH = 80


def footer_keys(app) -> set[str]:
    return {k.key for k in app.screen.query(FooterKey)}


def help_key_in_sight(app) -> bool:
    keys = [k for k in app.screen.query(FooterKey) if k.key == "f1"]
    # a key is padded with a cell either side; the right one may fall off the edge
    return bool(keys) and all(0 <= k.region.x and k.region.right - 1 <= WIDTH for k in keys)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_f1_help_is_in_sight_on_every_main_screen(make_tui, language: str) -> None:
    app = make_tui(language=language)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        seen = []
        for keys, screen_type in [
            ((), HomeScreen),
            (("t",), None),
            (("escape", "c"), CatalogueScreen),
            (("escape", "b"), CartScreen),
            (("escape", "o"), OrdersScreen),
        ]:
            for key in keys:
                await pilot.press(key)
                await wait(app, pilot)
            if screen_type is not None:
                assert isinstance(app.screen, screen_type)
            await pilot.pause()
            seen.append((type(app.screen).__name__, help_key_in_sight(app)))
        await pilot.press("escape", "colon", *"t 116496", "enter")
        await wait(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.pause()
        seen.append(("TicketScreen", help_key_in_sight(app)))
        assert all(ok for _name, ok in seen), seen
