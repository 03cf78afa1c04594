"""Keys that work on every terminal, through a real pty: Esc typed just before a digit,
the function keys as tmux, PuTTY and the Linux console send them, y and Y copying to the
terminal's clipboard (OSC 52), ctrl+e handing a note over to $EDITOR and back."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

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
    row = sav.screen().splitlines()[sav.row_of("Ticket Created") + 1]
    ticket = row.split()[0].lstrip("▶>")  # after the cursor's mark
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


def fake_editor(folder: Path, body: str) -> str:
    script = folder / "editor.sh"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_ctrl_e_writes_the_note_in_the_editor_and_brings_it_back(
    start_sav: Start, query: Query, tmp_path: Path
) -> None:
    """EDITOR is run on the note with sav suspended; what it leaves comes back."""
    editor = fake_editor(tmp_path, 'echo "Line from the editor" >> "$1"')
    sav = start_sav(extra_env={"EDITOR": editor, "VISUAL": "false"})
    sav.sign_in()
    sav.slowly(":t 116496", "Enter", after="Group 116496")
    sav.slowly("l", after="add a log")
    sav.slowly("Tab", "First line", "ctrl+e")
    sav.wait_for("The note comes back from editor.sh.")
    sav.wait_for("Line from the editor")
    assert "First line" in sav.screen()
    sav.type(keys(" and more", "ctrl+s"))  # the keyboard is sav's again
    sav.wait_for("Saved.")
    note = query(
        "SELECT note FROM history_entries WHERE ticket_id = 116496 ORDER BY id DESC LIMIT 1"
    )[0][0]
    assert note == "First line\nLine from the editor and more"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('echo "lost" >> "$1"; exit 3', "! editor.sh ended with code 3: the note is unchanged."),
        (None, "! Could not run no-such-editor: No such file or directory; the note is"),
    ],
    ids=["fails", "missing"],
)
def test_an_editor_that_fails_keeps_the_note_and_says_why(
    start_sav: Start, tmp_path: Path, body: str | None, said: str
) -> None:
    editor = fake_editor(tmp_path, body) if body else str(tmp_path / "no-such-editor")
    sav = start_sav(extra_env={"EDITOR": editor})
    sav.sign_in()
    sav.slowly(":t 116496", "Enter", after="Group 116496")
    sav.slowly("l", after="add a log")
    sav.slowly("Tab", "Kept as typed", "ctrl+e")
    sav.wait_for(said)
    assert "Kept as typed" in sav.screen() and "lost" not in sav.screen()
    sav.type(keys(" still here"))  # sav has the terminal back
    sav.wait_for("Kept as typed still here")
