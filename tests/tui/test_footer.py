"""Footers at 80 columns, in English and French: F1 Help always in sight, no key cut, the
screen's own keys first, and a form or dialog shows its own keys, not those of the screen
under it.

The footer shows a screen's keys first and the app's after them; a screen with many keys
pushed F1 out of the terminal (it was found so on the ticket screen), and Textual cut the
last key in the middle (``: Comma``, ``^q Q``)."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets._footer import FooterKey

from tests.tui.test_catalogue import wait
from tests.tui.test_home import signed_in_home
from tui.screens.add_to_cart import AddToCartScreen
from tui.screens.cart import CartScreen
from tui.screens.catalogue import CatalogueScreen
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.model import ModelScreen
from tui.screens.order import OrderScreen
from tui.screens.orders import OrdersScreen
from tui.screens.part import PartScreen
from tui.screens.ticket import TicketScreen
from tui.screens.ticket_search import TicketSearchScreen
from tui.widgets.form import ActionForm
from tui.widgets.key_footer import Entry, KeyFooter, fit

WIDTH = 80


def footer_widgets(app) -> list[FooterKey]:
    """The keys of the footer on the screen in front (a modal's own)."""
    footer = app.screen.query_one(KeyFooter)
    return list(footer.query(FooterKey))


def footer_keys(app) -> list[str]:
    """Their key names, in order (``"f1"``, ``"colon"``)."""
    return [k.key for k in footer_widgets(app)]


def footer_problems(app) -> list[str]:
    """What is wrong with the footer in front: F1 missing, a key cut by the edge."""
    keys = footer_widgets(app)
    problems = []
    if not any(k.key == "f1" for k in keys):
        problems.append("no F1")
    for key in keys:
        # a key is padded with a cell either side; the right one may fall off the edge
        if key.region.x < 0 or key.region.right - 1 > WIDTH or key.region.width == 0:
            problems.append(f"{key.key_display} {key.description} cut at {key.region}")
    return problems


async def visit(app, pilot, keys: tuple[str, ...]) -> None:
    for key in keys:
        await pilot.press(key)
        await wait(app, pilot)
    await pilot.pause()


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_no_key_cut_and_f1_in_sight_on_every_screen(make_tui, language: str) -> None:
    app = make_tui(language=language)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        seen = []
        steps: list[tuple[tuple[str, ...], type]] = [
            ((), HomeScreen),
            (("t",), TicketSearchScreen),
            (("down",), TicketSearchScreen),  # the list focused: Enter Open comes first
            (("escape", "c"), CatalogueScreen),
            (("escape", "b"), CartScreen),
            (("escape", "o"), OrdersScreen),
            (("down", "enter"), OrderScreen),
            (("escape", "escape", "colon", *"m AP64-3", "enter"), ModelScreen),
            (("a",), AddToCartScreen),
            (("escape", "escape", "colon", *"p 870650222", "enter"), PartScreen),
            (("escape", "colon", *"t 116496", "enter"), TicketScreen),
            (("l",), ActionForm),
            (("f1",), HelpScreen),
        ]
        for keys, screen_type in steps:
            await visit(app, pilot, keys)
            assert isinstance(app.screen, screen_type), (keys, app.screen)
            seen.append((screen_type.__name__, footer_problems(app)))
        assert all(not problems for _name, problems in seen), seen


async def test_a_form_shows_its_own_keys_not_the_tickets(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await visit(app, pilot, ("colon", *"t 116496", "enter"))
        assert "c" in footer_keys(app)  # the ticket's "c Contacted"
        await visit(app, pilot, ("c",))
        assert isinstance(app.screen, ActionForm)
        keys = set(footer_keys(app))
        assert {"ctrl+s", "escape", "f1"} <= keys and "c" not in keys
        footer = app.screen.query_one(KeyFooter)
        assert footer.region.y == 23 and footer.region.width == WIDTH  # over the ticket's
        await visit(app, pilot, ("f1",))  # F1 works in a form too
        assert isinstance(app.screen, HelpScreen)
        await visit(app, pilot, ("f1",))  # and closes the help again
        assert isinstance(app.screen, ActionForm)


async def test_the_screens_keys_come_before_the_apps(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        shown = footer_keys(app)
        assert shown[:4] == ["t", "c", "b", "o"]
        assert shown.index("f1") > shown.index("o")
        assert "ctrl+q" not in shown  # left out first: it does not fit whole at 80 columns
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        await pilot.pause()
        assert footer_keys(app)[-3:] == ["f1", "colon", "ctrl+q"]


def test_fit_leaves_out_the_last_keys_but_never_help() -> None:
    def entry(key: str, description: str, binding_id: str) -> Entry:
        return Entry(Binding(key, "x", description, id=binding_id), True, "")

    entries = [
        entry("a", "Alpha", "a"),  # 3 + 1 + 5 = 9 cells
        entry("b", "Bravo", "b"),
        entry("c", "Charlie", "c"),  # 11
        entry("f1", "Help", "help"),  # 9
    ]
    assert fit(entries, 40, lambda b: b.key) == entries
    assert [e.binding.id for e in fit(entries, 30, lambda b: b.key)] == ["a", "b", "help"]
    assert [e.binding.id for e in fit(entries, 9, lambda b: b.key)] == ["help"]
    assert [e.binding.id for e in fit(entries, 3, lambda b: b.key)] == ["help"]
