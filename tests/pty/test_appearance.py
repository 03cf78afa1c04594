"""Focus and meaning without colour, read from what ``sav`` sends to a real terminal.

Two terminals: ``NO_COLOR=1`` (no colour code at all may be sent) and ``TERM=linux``
(16 colours, and a console shows bright backgrounds as plain ones: none may be sent;
its font lacks rounded corners, ``▶``, ``⇒``... : none may be sent either). In both, the
focused field must be in reverse video, the others not; the cursor row of a list is
``▶``/``>`` in its first cell and its ticket number in reverse video while the list has
focus (bold when it has not); an overdue ticket is bold and says ``!``.

The attributes are those a terminal shows (``pyte`` reads the stream); the colour codes
and glyphs are looked for in the raw bytes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.pty.harness import SGR, Cell, SavTerminal, colour_parameters, keys
from tui.glyphs import MISSING_ON_CONSOLE

Start = Callable[..., SavTerminal]
Query = Callable[..., list[tuple[object, ...]]]

pytestmark = pytest.mark.pty

MODES = {
    "no-colour": {"extra_env": {"NO_COLOR": "1"}, "term": "xterm-256color", "cursor": "▶"},
    "linux": {"extra_env": {}, "term": "linux", "cursor": ">"},
}


def start(start_sav: Start, mode: str) -> SavTerminal:
    spec = MODES[mode]
    return start_sav(extra_env=spec["extra_env"], term=spec["term"], record=True)


def field(sav: SavTerminal, label: str, offset: int, width: int) -> list[Cell]:
    """The cells of the field that follows ``label`` (``offset`` cells from its start)."""
    row = sav.row_of(label)
    x = sav.screen().splitlines()[row].index(label) + offset
    return sav.cells(row)[x : x + width]


def reversed_(cells: list[Cell]) -> bool:
    return all(c.reverse for c in cells)


def plain(cells: list[Cell]) -> bool:
    return not any(c.reverse for c in cells)


def check_stream(sav: SavTerminal, mode: str) -> None:
    data = sav.raw()
    if mode == "no-colour":
        assert colour_parameters(data) == [], "colour codes sent under NO_COLOR"
    else:
        bright = [p for p in colour_parameters(data) if p.isdigit() and 100 <= int(p) <= 107]
        assert bright == [], "bright backgrounds sent to a Linux console"
        shown = set(data.decode("utf-8", "replace"))
        assert not shown & MISSING_ON_CONSOLE, (
            f"glyphs a console lacks: {shown & MISSING_ON_CONSOLE}"
        )
    assert SGR.search(data), "no attribute at all was sent"


@pytest.mark.parametrize("mode", MODES)
def test_focus_cursor_and_overdue_without_colour(start_sav: Start, mode: str) -> None:
    sav = start(start_sav, mode)
    sav.wait_for("Connected", 60)
    sav.settle()
    # sign-in: the user field has focus, the password field is underlined, not reversed
    # (past the placeholder and the text cursor, which is the one cell not reversed)
    assert reversed_(field(sav, "User", 10 + 12, 30)), sav.screen()
    assert plain(field(sav, "Password", 10, 30))
    assert all(c.underscore for c in field(sav, "Password", 10, 30))
    sav.slowly("Tab")
    sav.settle()
    assert plain(field(sav, "User", 10 + 12, 30))
    assert reversed_(field(sav, "Password", 10 + 2, 30))
    sav.slowly("BackTab")
    sav.sign_in()

    # the overdue tickets, the search line focused
    sav.slowly("t", after="Export CSV")
    sav.type(keys("is:overdue"))
    sav.wait_line("Search is:overdue")
    sav.wait_for(" ! ")
    sav.settle()
    assert reversed_(field(sav, "Search ", 7 + 12, 20)), sav.screen()
    marker = MODES[mode]["cursor"]
    # the list's rows (the top line may hold a message, "! No usable keyring…")
    rows = [n for n, line in enumerate(sav.screen().splitlines()) if " ! " in line and n > 0]
    assert len(rows) >= 2, sav.screen()
    cursor, other = rows[0], rows[1]
    first = sav.cells(cursor)
    assert first[0].char == marker, sav.screen()
    key = first[1:7]
    assert all(c.bold for c in key) and plain(key), "the cursor of a list without focus: bold"
    overdue = sav.cells(other)[1:60]
    assert all(c.bold for c in overdue if c.char != " ") and plain(overdue)
    assert sav.cells(other)[0].char == " "

    # Down: the list has focus, its cursor's key cell is in reverse video, the line not
    sav.slowly("Down")
    sav.settle()
    key = sav.cells(cursor)[1:7]
    assert reversed_(key), sav.screen()
    assert plain(sav.cells(cursor)[8:60])
    assert plain(field(sav, "Search ", 7 + 12, 20))
    sav.slowly("Down")
    sav.settle()
    assert sav.cells(cursor)[0].char == " " and plain(sav.cells(cursor))
    assert sav.cells(other)[0].char == marker and reversed_(sav.cells(other)[1:7])
    check_stream(sav, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_form_shows_its_focused_field_without_colour(
    start_sav: Start, query: Query, mode: str
) -> None:
    ticket = query(
        "SELECT t.id FROM tickets t JOIN service_centres sc ON sc.id = t.service_centre_id "
        "WHERE t.status = 'to_contact' AND sc.code = '249050' ORDER BY t.id LIMIT 1"
    )[0][0]
    sav = start(start_sav, mode)
    sav.sign_in()
    sav.slowly(f":t {ticket}", "Enter", after=f"ticket {ticket}")
    sav.settle()
    sav.slowly("l", after="add a log")
    sav.settle()
    # the Type choice has focus (issue 10, case 15: it was invisible as focused)
    assert reversed_(field(sav, "Type", 16, 4)), sav.screen()
    assert plain(field(sav, "Note *", 16, 40))
    sav.slowly("Tab")
    sav.settle()
    assert plain(field(sav, "Type", 16, 4))
    assert reversed_(field(sav, "Note *", 16 + 2, 40)), sav.screen()
    sav.slowly("Esc", after=f"ticket {ticket}")
    check_stream(sav, mode)
