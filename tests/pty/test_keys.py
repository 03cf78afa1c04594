"""Keys that work on every terminal, through a real pty: Esc typed just before a digit,
the function keys as tmux, PuTTY and the Linux console send them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.pty.harness import SavTerminal, keys
from tests.pty.test_type_ahead import each_speed

Start = Callable[..., SavTerminal]

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
