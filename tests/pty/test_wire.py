"""Light on the wire, read from what the real ``sav`` writes to its pty (80x24).

No mouse reporting unless asked for; nothing written while the screen is idle, a text
field focused; a list's cursor move sends a few cells; and what the terminal shows after
the changed cells only is what it shows once ``:redraw`` has written every cell again.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pty.harness import SavTerminal, keys, sav_argv, sav_terminal

Start = Callable[..., SavTerminal]

pytestmark = pytest.mark.pty

HOME = "What needs you today"
MOUSE = (b"\x1b[?1000h", b"\x1b[?1003h", b"\x1b[?1006h")


def stable_cells(sav: SavTerminal) -> list[list[tuple[object, ...]]]:
    """The screen once it stops changing (on a loaded machine an answer or the session bar
    may still be on its way after a quiet half second)."""
    cells = screen_cells(sav)
    for _ in range(10):
        sav.settle(0.5)
        time.sleep(1)
        again = screen_cells(sav)
        if again == cells:
            break
        cells = again
    return cells


def screen_cells(sav: SavTerminal) -> list[list[tuple[object, ...]]]:
    """Every cell as the terminal shows it: the character and what shows of its colours
    and attributes (a space's foreground does not show)."""
    rows = []
    for y in range(sav.driver.rows):
        row: list[tuple[object, ...]] = []
        for cell in sav.cells(y):
            if cell.char == " " and not cell.reverse and not cell.underscore:
                row.append((" ", cell.bg))
            else:
                row.append((cell.char, cell.fg, cell.bg, cell.bold, cell.reverse, cell.underscore))
        rows.append(row)
    return rows


def test_no_mouse_reporting_unless_asked_for(start_sav: Start) -> None:
    sav = start_sav()
    sav.wait_for("Connected", 60)
    sav.settle()
    written = sav.raw_since(0)
    assert not [m for m in MOUSE if m in written], written[:400]


def test_mouse_reporting_with_the_option(start_sav: Start) -> None:
    sav = start_sav(args=["--mouse"])
    sav.wait_for("Connected", 60)
    written = sav.raw_since(0)
    assert all(m in written for m in MOUSE), written[:400]


def test_mouse_reporting_with_the_setting(pty_database: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.json").write_text(json.dumps({"mouse": True}), encoding="utf-8")
    with sav_terminal(f"sqlite+aiosqlite:///{pty_database}", home) as sav:
        sav.wait_for("Connected", 60)
        written = sav.raw_since(0)
    assert all(m in written for m in MOUSE), written[:400]


def test_an_idle_screen_with_a_focused_field_sends_nothing(start_sav: Start) -> None:
    sav = start_sav()
    sav.sign_in()
    steps: list[tuple[tuple[str, ...], str]] = [
        ((), HOME),
        (("t",), "Export CSV"),  # the ticket search, its search line focused
        (("Down", "Enter", "l"), "add a log"),  # a form, a drop-down focused
        (("Tab",), "add a log"),  # its note field focused
    ]
    for typed, marker in steps:
        sav.slowly(*typed, after=marker)
        sav.settle(1.0)
        mark = sav.raw_mark()
        time.sleep(2.0)
        assert sav.raw_since(mark) == b"", (typed, sav.screen())


def test_a_cursor_move_sends_a_few_cells_and_the_screen_is_right(start_sav: Start) -> None:
    sav = start_sav()
    sav.sign_in()
    sav.slowly("t", after="Export CSV")
    sav.slowly("Down")
    sav.settle()
    mark = sav.raw_mark()
    sav.type(keys("Down"))
    sav.settle()
    moved = sav.raw_since(mark)
    assert 0 < len(moved) < 400, moved
    # a series of screens, forms and lists, written as changed cells only...
    sav.slowly("Down", "Down", "Enter", after="· ticket")
    sav.slowly("h")
    sav.slowly("Down", "Down")
    sav.slowly(":")
    sav.slowly("Esc")
    sav.slowly("l", after="add a log")
    sav.slowly("Tab", "Some text")
    sav.slowly("Esc", after="without saving?")  # a note typed: leaving it is asked first
    sav.slowly("y", after="· ticket")
    sav.slowly(":p 870650222", "Enter", after="BRÛLEUR AUX. MONOPIÈCE")
    sav.slowly(":o", "Enter", after="Number")
    sav.slowly("Down", "Down", "Up")
    before = stable_cells(sav)
    # ...then every cell written again
    mark = sav.raw_mark()
    sav.slowly(":redraw", "Enter")
    sav.settle(0.5)
    redrawn = sav.raw_since(mark)
    assert len(redrawn) > 80 * 24, len(redrawn)
    assert screen_cells(sav) == before


def test_back_from_the_editor_every_cell_is_written_again(start_sav: Start, tmp_path: Path) -> None:
    """What the editor drew is gone once sav is back (this terminal has no alternate
    screen: the editor draws over sav's cells)."""
    editor = tmp_path / "editor.sh"
    garbage = "GARBAGE " * 10
    editor.write_text(
        "#!/bin/sh\n"
        + "".join(f"printf '\\033[{y};1H{garbage}'\n" for y in range(1, 25))
        + 'echo "Line from the editor" >> "$1"\n',
        encoding="utf-8",
    )
    editor.chmod(0o755)
    sav = start_sav(extra_env={"EDITOR": str(editor), "VISUAL": "false"})
    sav.sign_in()
    sav.slowly(":t 116496", "Enter", after="Group 116496")
    sav.slowly("l", after="add a log")
    sav.slowly("Tab", "First line", "ctrl+e")
    sav.wait_for("Line from the editor")
    sav.settle(0.5)
    assert "GARBAGE" not in sav.screen(), sav.screen()


@pytest.mark.parametrize("size", [(100, 30), (70, 20)])
def test_after_a_resize_the_screen_is_right(
    pty_database: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    """Every cell written again: a terminal may scroll or cut its cells when its window
    changes size (pyte, shrinking, scrolls them up)."""
    url = f"sqlite+aiosqlite:///{pty_database}"
    # the size from the pty, not from COLUMNS and LINES (which would never change)
    argv = ["env", "-u", "COLUMNS", "-u", "LINES", *sav_argv(url)]
    with sav_terminal(url, tmp_path / "home", argv=argv) as sav:
        sav.sign_in()
        sav.slowly("t", after="Export CSV")
        sav.slowly("Down", "Down")
        sav.settle(0.5)
        sav.resize(*size)
        sav.settle(0.8)
        sav.slowly("Down")
        sav.settle(0.5)
        before = screen_cells(sav)
        text = sav.screen()
        assert len(before) == size[1] and len(before[0]) == size[0]
        assert re.search(r"\b3 of \d+ tickets", text), text  # the cursor on the third row
        sav.slowly(":redraw", "Enter")
        sav.settle(0.5)
        assert screen_cells(sav) == before, f"{text}\n---\n{sav.screen()}"
