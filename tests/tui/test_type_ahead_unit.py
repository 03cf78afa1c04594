"""``tui.type_ahead`` on its own: a bare Textual app, keys posted in one burst.

Pilot's ``press`` waits for the app after each key, so it cannot show what happens when
keys arrive together; posting the key events one after the other without yielding puts
them in the app's queue at once, as a terminal's burst does. (The same cases through a
real pty, on the real sav, are in tests/pty.) These tests show the mechanism needs
nothing of sav: ``TypeAheadApp`` is the part that could go upstream.
"""

from __future__ import annotations

import asyncio

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Label

from tui.type_ahead import Hold, TypeAheadApp, split_alt


def burst(app: TypeAheadApp, *keys: str) -> None:
    """Post every key at once, as a terminal's burst reaches the app."""
    for key in keys:
        character = key if len(key) == 1 else None
        name = {" ": "space", ":": "colon", "/": "slash"}.get(key, key)
        app.post_message(events.Key(name, character))


async def settled(app: TypeAheadApp) -> None:
    await asyncio.sleep(0.05)
    await asyncio.wait_for(app.type_ahead.wait_idle(), 10)
    await app.workers.wait_for_complete()
    await asyncio.wait_for(app.type_ahead.wait_idle(), 10)


class SearchScreen(Screen[None]):
    """A search line whose results arrive later, like a server's answer."""

    BINDINGS = [Binding("down", "to_results", id="search.to-results")]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[str] = []
        self.chosen: str | None = None
        self.answered_for: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(id="line")
        yield Label("", id="results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()  # deferred, as every screen's focus is

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(exclusive=True, group="search")
    async def search(self, text: str) -> None:
        await asyncio.sleep(0.05)  # the server thinks
        self.results = [f"{text}-1", f"{text}-2"] if text else []
        self.answered_for.append(text)
        self.query_one("#results", Label).update(", ".join(self.results))

    def action_to_results(self) -> None:
        self.chosen = self.results[0] if self.results else None


class Home(Screen[None]):
    BINDINGS = [Binding("t", "open", id="home.open")]

    def compose(self) -> ComposeResult:
        yield Label("home")

    def action_open(self) -> None:
        self.app.push_screen(SearchScreen())


class BareApp(TypeAheadApp):
    def __init__(self) -> None:
        super().__init__()
        self.not_taken: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(Home())

    def key_not_taken(self, event: events.Key) -> None:
        self.not_taken.append(event.key)


async def test_keys_typed_after_a_key_that_opens_a_screen_reach_that_screen() -> None:
    app = BareApp()
    async with app.run_test():
        await settled(app)
        burst(app, "t", "r", "e", "g", "g", "i")
        await settled(app)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(Input).value == "reggi"
        assert app.not_taken == []


async def test_editing_keys_keep_their_place_among_typed_ones() -> None:
    app = BareApp()
    async with app.run_test():
        await settled(app)
        burst(app, "t")
        await settled(app)
        burst(app, *"reggo", "backspace", "i")
        await settled(app)
        line = app.screen.query_one(Input)
        assert line.value == "reggi"
        burst(app, "ctrl+u", *"xyz", "left", "left", "ctrl+k", "a")
        await settled(app)
        assert line.value == "xa"


async def test_a_key_that_acts_on_results_waits_for_the_results_of_what_was_typed() -> None:
    app = BareApp()
    async with app.run_test():
        await settled(app)
        burst(app, "t", *"abc", "down")
        await settled(app)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.chosen == "abc-1"  # not the answer to "ab", nor nothing
        # typing went on while the searches ran: only the last answer was waited for
        assert screen.answered_for[-1] == "abc"


def test_esc_then_a_letter_in_one_burst_is_esc_then_the_letter() -> None:
    esc, letter = split_alt(events.Key("alt+t", "t"))
    assert (esc.key, letter.key, letter.character) == ("escape", "t", "t")
    esc, letter = split_alt(events.Key("alt+shift+t", "T"))
    assert (esc.key, letter.key, letter.character) == ("escape", "T", "T")
    assert [k.key for k in split_alt(events.Key("alt+up", None))] == ["alt+up"]
    assert [k.key for k in split_alt(events.Key("x", "x"))] == ["x"]


async def test_a_key_nothing_takes_is_answered() -> None:
    app = BareApp()
    async with app.run_test():
        await settled(app)
        burst(app, "q", "t", "f9")
        await settled(app)
        assert app.not_taken == ["q", "f9"]
        assert isinstance(app.screen, SearchScreen)


async def test_a_hold_admits_only_its_own_widgets_editing_keys() -> None:
    app = BareApp()
    async with app.run_test():
        await settled(app)
        burst(app, "t")
        await settled(app)
        line = app.screen.query_one(Input)

        async def never() -> None:
            await asyncio.sleep(3600)

        worker = app.run_worker(never, exclusive=False)
        await asyncio.sleep(0.01)
        hold = Hold(worker, line)  # type: ignore[arg-type]
        assert hold.admits(line, events.Key("a", "a"))
        assert hold.admits(line, events.Key("backspace", None))
        assert not hold.admits(line, events.Key("enter", "\r"))
        assert not hold.admits(line, events.Key("tab", "\t"))
        assert not hold.admits(line, events.Key("down", None))  # the screen's binding
        assert not Hold(worker, None).admits(line, events.Key("a", "a"))  # type: ignore[arg-type]
        worker.cancel()
