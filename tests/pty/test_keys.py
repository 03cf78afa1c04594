"""Keys that work on every terminal, through a real pty: Esc typed just before a digit,
the function keys as tmux, PuTTY and the Linux console send them, y and Y copying to the
terminal's clipboard (OSC 52)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from tests.pty.harness import SavTerminal, keys
from tests.pty.test_type_ahead import each_speed

Start = Callable[..., SavTerminal]
Query = Callable[..., list[tuple[object, ...]]]

pytestmark = pytest.mark.pty


def test_esc_then_a_digit_goes_back_then_picks_that_queue(start_sav: Start) -> None:
    """ESC 2 is ``™`` for Textual (WezTerm's Option+2): it must stay Esc, then 2."""
    sav = start_sav()
    sav.sign_in()
    sav.slowly("t", after="1 of")
    sav.slowly("Down", "Enter", after="Group ")
    sav.settle()

    def check(name: str, gap: float | None) -> None:
        sav.type(keys("Esc", "2"), gap)  # back to the list, then its second queue
        sav.wait_for("▸2 To contact")
        sav.slowly("1", after="▸1 All")
        sav.slowly("Enter", after="Group ")
        sav.settle()

    each_speed(check)


@pytest.mark.parametrize(
    ("terminal", "f3"),
    [("xterm", "\x1bOR"), ("putty", "\x1b[13~"), ("linux console", "\x1b[[C")],
)
def test_f3_switches_the_queue_as_each_terminal_sends_it(
    start_sav: Start, terminal: str, f3: str
) -> None:
    sav = start_sav()
    sav.sign_in()
    sav.slowly("t", after="1 of")
    sav.type([f3])
    sav.wait_for("▸2 To contact")
    sav.wait_line("Search st:to_contact,unreachable")


def osc52(text: str) -> bytes:
    """What a terminal receives to put ``text`` in the clipboard of the person's machine."""
    return b"\x1b]52;c;" + base64.b64encode(text.encode()) + b"\x07"


def test_y_sends_the_ticket_number_to_the_terminals_clipboard(
    start_sav: Start, query: Query
) -> None:
    """OSC 52 goes through SSH and tmux to the terminal the person sits at."""
    sav = start_sav()
    sav.sign_in()
    sav.slowly("t", after="1 of")
    sav.slowly("Down")  # the list: its first row is highlighted
    ticket = sav.screen().splitlines()[sav.row_of("Ticket Created") + 1].split()[0]
    mark = sav.raw_mark()
    sav.type(keys("y"))
    sav.wait_raw(osc52(ticket), mark)
    sav.wait_for(f"Copied the ticket number: {ticket}")

    mark = sav.raw_mark()
    sav.type(keys("Y"))
    written = sav.wait_raw(b"\x1b]52;c;", mark)
    encoded = written.split(b"\x1b]52;c;", 1)[1].split(b"\x07", 1)[0]
    cells = base64.b64decode(encoded).decode().split("\t")
    (model, city), *_rest = query(
        "SELECT a.model_code, c.city FROM tickets t JOIN appliances a ON a.id = t.appliance_id "
        "JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
        int(ticket),
    )
    assert cells[0] == ticket and cells[2] == model and cells[4].endswith(city), cells
    sav.wait_for(f"Copied the line: {ticket} · ")
