"""Keys that work on every terminal: no alt+ key, every binding named, Esc kept before a digit
or a sign, queues switched by F-keys."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import time

import pytest
from textual._xterm_parser import XTermParser
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input, Static

import tui
from tests.tui.test_login import settle
from tests.tui.test_ticket_search import open_search
from tui.type_ahead import keep_escape, split_alt


def sav_classes() -> list[type[DOMNode]]:
    """Every App, screen and widget class of sav that declares key bindings."""
    found: dict[str, type[DOMNode]] = {}
    for module_info in pkgutil.walk_packages(tui.__path__, "tui."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, DOMNode)
                and cls.__module__.startswith("tui.")
                and "BINDINGS" in cls.__dict__
            ):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    declared = getattr(cls, "__msgid_bindings__", cls.__dict__["BINDINGS"])
    return [b if isinstance(b, Binding) else Binding(*b) for b in declared]


def test_sav_has_classes_with_bindings() -> None:
    names = {cls.__name__ for cls in sav_classes()}
    assert {"SavApp", "TicketSearchScreen", "TicketList", "ActionForm", "CartScreen"} <= names


@pytest.mark.parametrize("cls", sav_classes(), ids=lambda c: c.__name__)
def test_no_alt_key_and_every_binding_has_an_id(cls: type[DOMNode]) -> None:
    for binding in own_bindings(cls):
        keys = [key.strip() for key in binding.key.split(",")]
        assert not any(k.startswith(("alt+", "meta+", "super+")) for k in keys), (
            f"{cls.__name__}: {binding.key} does not reach sav on tmux, PuTTY or the console"
        )
        assert binding.id, f"{cls.__name__}: {binding.key} -> {binding.action} has no id"


def test_one_id_means_one_thing() -> None:
    """An id used by several classes (the list keys) names the same action everywhere: a
    keymap entry rebinds them together."""
    meaning: dict[str, set[str]] = {}
    for cls in sav_classes():
        for binding in own_bindings(cls):
            meaning.setdefault(binding.id or "", set()).add(binding.description)
    assert {i: d for i, d in meaning.items() if len(d) > 1} == {}


def parsed(data: str) -> list[tuple[str, str | None]]:
    """What sav's key queue receives for ``data`` written by the terminal in one go."""
    keep_escape()
    parser = XTermParser()
    events = list(parser.feed(data))
    time.sleep(0.15)  # past Textual's 100 ms wait for the rest of an escape sequence
    events += list(parser.tick())
    return [(k.key, k.character) for e in events if hasattr(e, "key") for k in split_alt(e)]


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("\x1b2", ["escape", "2"]),  # Textual reads it as WezTerm's Option+2: ™
        ("\x1b9x", ["escape", "9", "x"]),
        ("\x1bt", ["escape", "t"]),
        ("\x1b:", ["escape", "colon"]),  # the Esc was lost
        ("\x1b/", ["escape", "slash"]),
        ("\x1b[A", ["up"]),  # sequences stay what they are
        ("\x1bOQ", ["f2"]),
        ("\x1b[[B", ["f2"]),  # Linux console
        ("\x1b[12~", ["f2"]),  # PuTTY
    ],
)
def test_esc_typed_just_before_a_key_stays_esc_then_that_key(typed: str, keys: list[str]) -> None:
    assert [key for key, _character in parsed(typed)] == keys


async def test_f3_and_f2_switch_queues_from_the_search_line(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        search = screen.query_one("#search", Input)
        assert app.focused is search and screen.queue_index == 0
        await pilot.press("f3")
        await settle(app, pilot)
        assert screen.queue_index == 1 and search.value == "st:to_contact,unreachable"
        assert app.focused is search  # still typing in the line
        await pilot.press("f2", "f2")
        await settle(app, pilot)
        assert screen.queue_index == len(screen._queues) - 1  # round to the last one
        assert "▸5 " in str(screen.query_one("#queues", Static).render())
        await pilot.press(*" x")  # an edited line is no queue: F3 starts from the first
        await pilot.press("f3")
        await settle(app, pilot)
        assert screen.queue_index == 0


async def test_up_and_down_move_between_the_fields_of_a_form(make_tui) -> None:
    """The Linux console sends shift+Tab as Tab: ↑ goes back a field, as on a 5250 screen;
    in the note, ↑ ↓ move its cursor."""
    from tests.tui.test_ticket import open_ticket
    from tui.widgets.form import ActionForm

    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ActionForm)
        names = []
        for key in ("down", "down", "up", "up", "up"):
            await pilot.press(key)
            await settle(app, pilot)
            names.append(app.focused.id)
        assert names == ["field-time", "field-note", "field-note", "field-note", "field-note"]
        await pilot.press(*"one", "enter", *"two", "up", "x")
        await settle(app, pilot)
        assert app.focused.text == "onex\ntwo"  # ↑ moved the note's cursor, not the focus
        await pilot.press("shift+tab", "up")
        await settle(app, pilot)
        assert app.focused.id == "field-date"
