"""No English leaks into a French or an Italian interface.

A Pilot walk against the real backend with the demo data opens every screen (login, home,
F1 help, ticket search, ticket 116496 with its history, previous tickets and forms, the
catalogue, a model, a part, adding to the cart, the cart, checkout, the orders, an order),
at 80x24 and at 120x40, and reads what the screen shows. No message id of the TUI's
catalogue, nor of the server's (history lines, refusals), whose translation differs from it
may appear there as it is: a string that is not wrapped in ``_()``, or built outside
gettext, shows up here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from client.models import AddToCart
from tests.tui.test_catalogue import wait
from tests.tui.test_login import type_credentials
from tests.tui.test_ticket import SEED
from tui import i18n
from tui.screens.home import HomeScreen

LOCALE = Path(__file__).resolve().parents[2] / "tui" / "locale"
SERVER_LOCALE = LOCALE.parents[1] / "server" / "locale"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
BOX = re.compile(r"[│┃║╭╮╰╯─━═┌┐└┘├┤┬┴┼▏▕▎▊▌▐█▁▔]")

ALLOWED = {
    # words the demo data or the terminal write in English whatever the interface's language
    "Express",  # a transport's name (the manufacturer's)
    "Palette",
    "Editor",
    "Fax",
    "SMS",
    "Home",  # the key's name (French help texts name PgUp, Home, End as keyboards print them)
    "model",  # a sort key the search help lists (sort:model), a code as typed
    "manager",  # the demo accounts' user names (their roles are translated beside them)
    "operator",
    "English",  # the login's language line names each language in its own words
}
"""Message ids that may appear as they are (proper names, codes, data)."""


def _pattern(text: str) -> re.Pattern[str]:
    """``text`` as it would be shown: a placeholder is any word(s), white space any run of it,
    the whole not inside a longer word or a filter (``is:overdue``)."""
    pieces = []
    for index, part in enumerate(PLACEHOLDER.split(text)):
        if index:
            pieces.append(r"\S.*?")
        pieces.extend(
            r"\s+" if p.isspace() else re.escape(p) for p in re.split(r"(\s+)", part) if p
        )
    return re.compile(rf"(?<![\w\-:]){''.join(pieces)}(?![\w:])")


def _first_line(msgid: str) -> str:
    """What is searched for a message: its first line; of a help text, its first words, as
    they would be wrapped."""
    first = msgid.split("\n")[0]
    if len(first) > 60:
        first = " ".join(first[:60].split()[:-1])
    return first


def leak_patterns(lang: str) -> dict[str, re.Pattern[str]]:
    """The message ids that would show an untranslated string: those whose translation in
    ``lang`` differs (and does not read the same once formatted), with at least four letters
    of their own (not codes, not "+1")."""
    patterns: dict[str, re.Pattern[str]] = {}
    messages = []
    for po in (LOCALE / lang / "LC_MESSAGES" / "sav.po", SERVER_LOCALE / lang / "LC_MESSAGES"
               / "sav_server.po"):  # fmt: skip
        with open(po, "rb") as f:
            messages.extend(read_po(f))
    for message in messages:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings or msgid in ALLOWED:
                continue
            first = _first_line(msgid)
            if sum(c.isalpha() for c in PLACEHOLDER.sub("", first)) < 4:
                continue
            pattern = _pattern(first)
            if any(pattern.search(PLACEHOLDER.sub("x", t)) for t in strings):
                continue  # "Ticket {id}: {action}" reads as "Ticket {id} : {action}"
            patterns[msgid] = pattern
    return patterns


def screen_text(app) -> str:
    """What the terminal shows (the top screen composed), box lines taken out and every
    run of white space made one, so that a wrapped sentence reads whole again."""
    from textual.screen import ModalScreen

    strips = app.screen._compositor.render_strips()
    if isinstance(app.screen, ModalScreen) and app.screen.children:
        # only the dialog: the screen behind shows through at its edges, cut at any letter
        box = app.screen.children[0].region
        strips = [s.crop(box.x, box.right) for s in strips[box.y : box.bottom]]
    lines = [BOX.sub(" ", strip.text) for strip in strips]
    return " ".join(" ".join(lines).split())


def needle(msgid: str) -> str:
    """The longest word of ``msgid``'s own text (placeholders aside) that its pattern
    matches as it is: a screen without it is not searched. (The search of 1,300 patterns,
    placeholders as lazy ``.*?``, took about 20 s on a 120x40 screen; a walk scans 30.)"""
    words = [w for piece in PLACEHOLDER.split(_first_line(msgid)) for w in piece.split()]
    return max(words, key=len, default="")


class Walk:
    def __init__(self, app, pilot, lang: str) -> None:
        self.app, self.pilot = app, pilot
        self.patterns = leak_patterns(lang)
        self.needles = {m: needle(m) for m in self.patterns}
        self.leaks: dict[str, list[str]] = {}
        self.seen: list[str] = []

    async def scan(self, where: str, rounds: int = 3) -> str:
        await wait(self.app, self.pilot, rounds)
        text = screen_text(self.app)
        found = [m for m, p in self.patterns.items() if self.needles[m] in text and p.search(text)]
        if found:
            self.leaks[where] = found
        self.seen.append(where)
        return text

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await wait(self.app, self.pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["fr", "it"])
async def test_no_english_on_any_screen(make_tui, lang: str, size: tuple[int, int]) -> None:
    from tui.screens.cart import CartScreen
    from tui.screens.checkout import CheckoutScreen
    from tui.screens.order import OrderScreen
    from tui.screens.orders import OrdersScreen
    from tui.screens.ticket import TicketScreen

    app = make_tui(language=lang, language_forced=True)
    try:
        async with app.run_test(size=size) as pilot:
            walk = Walk(app, pilot, lang)
            await walk.scan("login")
            await type_credentials(pilot, "tech", "wrong")
            await walk.scan("login refused")
            await pilot.press(*"demo", "enter")  # the wrong password is selected: replaced
            await wait(app, pilot)
            assert isinstance(app.screen, HomeScreen), app.screen
            await walk.scan("home")
            await walk.press("f1")
            await walk.scan("home help")
            for page in range(3):
                await walk.press("pagedown")
                await walk.scan(f"home help, page {page + 2}")
            await walk.press("escape")

            app.open_tickets()
            await walk.scan("ticket search")
            await walk.press(*"mol")
            await walk.scan("ticket search: mol")
            await walk.press("f1")
            await walk.scan("ticket search help")
            await walk.press("escape")

            app.open_ticket(SEED)
            await wait(app, pilot, 5)
            assert isinstance(app.screen, TicketScreen)
            ticket = app.screen
            await walk.scan("ticket")
            await walk.press("h")
            await walk.scan("ticket history")
            await walk.press("p")
            await walk.scan("previous tickets")
            await walk.press("d")
            for key, form in (("l", "log"), ("c", "contacted"), ("u", "unreachable")):
                await walk.press(key)
                if app.screen is not ticket:
                    form_screen = app.screen
                    await walk.scan(f"form: {form}")
                    if form == "log":
                        await walk.press("ctrl+s")  # empty: the form says what is missing
                        await walk.scan(f"form: {form}, refused")
                    if app.screen is form_screen:
                        await walk.press("escape")
                assert app.screen is ticket, (form, app.screen)
            await walk.press("a")
            if app.screen is not ticket:
                await walk.scan("form: appliance")
                await walk.press("escape")
            await walk.press("f1")
            await walk.scan("ticket help")
            await walk.press("escape")

            app.open_catalogue()
            await walk.scan("catalogue")
            await walk.press(*"p64")
            await pilot.pause(0.4)
            await walk.scan("catalogue: p64")
            await walk.press("f4")
            await walk.scan("catalogue: where used")
            app.open_model_code("AP64-3")
            await walk.scan("model", 5)
            app.open_part("810930077")
            await walk.scan("part (replaced)", 5)
            await walk.press("a")
            await walk.scan("add to cart")
            await walk.press("escape")

            assert app.client is not None
            await app.client.add_to_cart(AddToCart(requested_code="INOX-SP"))
            app.open_cart()
            await wait(app, pilot, 5)
            assert isinstance(app.screen, CartScreen)
            await walk.scan("cart")
            await walk.press("f10")
            assert isinstance(app.screen, CheckoutScreen)
            await walk.scan("checkout")
            await walk.press("escape")

            app.open_orders()
            await wait(app, pilot, 5)
            assert isinstance(app.screen, OrdersScreen)
            await walk.scan("orders")
            await walk.press("down", "enter")
            await wait(app, pilot, 5)
            assert isinstance(app.screen, OrderScreen)
            await walk.scan("order")

            await walk.press("colon", *"nonsense")
            await walk.scan("command line")
            await walk.press("enter")
            await walk.scan("command line: unknown command")
    finally:
        i18n.set_language("en")
    assert len(walk.seen) > 30
    assert not walk.leaks, "\n".join(f"{where}: {ids}" for where, ids in walk.leaks.items())


def test_the_scan_finds_an_english_string() -> None:
    """The patterns match what a leak looks like: a whole message, a formatted one, the
    start of a wrapped help text; not a word inside a longer word of the translation."""
    patterns = leak_patterns("it")
    screen = (
        "Carrello  Loading ticket 116496…  What needs you today  Modello AP64-3 "
        "Find a model or a part; results come as you type. F2 models (by code"
    )
    found = {m for m, p in patterns.items() if p.search(screen)}
    # the walk's shortcut (a message's longest word first) finds the same
    assert {m for m, p in patterns.items() if needle(m) in screen and p.search(screen)} == found
    assert {"Loading ticket {id}…", "What needs you today"} <= found
    assert any(m.startswith("Find a model or a part") for m in found)
    assert "Model" not in found  # in "Modello"
    assert "Cart" not in found


@pytest.mark.parametrize("lang", ["fr", "it"])
async def test_no_english_for_the_operator(make_tui, lang: str) -> None:
    """The back office's own screens: its home, a ticket's operator forms (assign, exchange,
    cancel), the orders of every centre with the validation prompt."""
    from tui.screens.orders import OrdersScreen
    from tui.screens.ticket import TicketScreen

    app = make_tui(language=lang, language_forced=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            walk = Walk(app, pilot, lang)
            await wait(app, pilot)
            await type_credentials(pilot, "operator", "demo")
            await wait(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            await walk.scan("operator home")
            app.open_ticket(SEED)
            await wait(app, pilot, 5)
            assert isinstance(app.screen, TicketScreen)
            ticket = app.screen
            await walk.scan("operator ticket")
            for key, form in (("s", "assign"), ("x", "exchange"), ("ctrl+x", "cancel")):
                await walk.press(key)
                if app.screen is not ticket:
                    await walk.scan(f"operator form: {form}")
                    await walk.press("escape")
                assert app.screen is ticket, (form, app.screen)
            app.open_orders()
            await wait(app, pilot, 5)
            assert isinstance(app.screen, OrdersScreen)
            await walk.scan("operator orders")
            await walk.press("space", "v")
            await walk.scan("operator: validate?")
            await walk.press("escape")
    finally:
        i18n.set_language("en")
    assert len(walk.seen) >= 6
    assert not walk.leaks, "\n".join(f"{where}: {ids}" for where, ids in walk.leaks.items())
