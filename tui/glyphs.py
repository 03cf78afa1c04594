"""The glyphs that carry meaning on screen, and what a Linux console shows instead.

A Linux console's font has a few hundred glyphs (code page 437 and Latin letters): the
light box lines, ``█ ▄ ▀ ▌ ▐ ░ ▒ ▓``, ``← ↑ → ↓``, ``▲ ▼``, but not the rounded corners,
the heavy lines, the eighth blocks of scrollbars and tall borders, nor ``▶ ◀ ⇒ ⇄ ≈ ⊂ †
✓ ✗ ⏎``: it shows a diamond or a question mark instead. In ``ascii`` mode each of them
has a stand-in that keeps its meaning (a replaced part, an obsolete one, a line that
applies or does not apply must still read differently).

The mode is ``ascii`` when ``SAV_GLYPHS=ascii``, else when the settings file says
``"glyphs": "ascii"``, else when ``TERM`` is ``linux``; ``SAV_GLYPHS=unicode`` (or the
setting) forces the full set.

One table serves three places:

- ``current()``: the glyph set our widgets draw with (``current().cursor`` is ``▶`` or
  ``>``); a stand-in may be longer than the glyph where the layout allows (``=>``);
- ``text()``: free text (help, messages) with every glyph replaced by its stand-in;
- ``CELL``: a one-cell stand-in for every glyph consoles lack, including those Textual
  draws itself (borders, scrollbars, the tabs' underline, tree arrows); the app's output
  filter (``tui.appearance``) applies it to whatever is left.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Literal

Mode = Literal["unicode", "ascii"]
MODES: tuple[Mode, ...] = ("unicode", "ascii")
ENV = "SAV_GLYPHS"

# meaning: (unicode, ascii)
TABLE: dict[str, tuple[str, str]] = {
    "cursor": ("▶", ">"),  # the cursor row of a list (first cell)
    "pointer": ("▶", ">"),  # what will be ordered (add to cart)
    "order": ("◀", "<"),  # the part to order now (supersession tree)
    "current": ("▸", ">"),  # the queue shown (ticket search)
    "chosen": ("●", "*"),  # the ticket a cart line is for (ticket picker)
    "marked": ("✓", "*"),  # a row marked with Space (orders)
    "done": ("✓", "+"),  # something went through (order placed, in stock)
    "applies": ("✓", "+"),  # the line applies to this appliance
    "not_applies": ("✗", "x"),  # it does not
    "error": ("✗", "!"),  # before an error message
    "overdue": ("!", "!"),  # an overdue ticket
    "paused": ("‖", "||"),  # the 48 h contact clock stands still (customer unreachable)
    "replaced": ("R", "R"),  # a replaced part
    "obsolete": ("†", "O"),  # an obsolete part
    "conditional": ("≈", "~"),  # a replacement that depends on the serial or the date
    "replaces": ("⇒", "=>"),  # a permanent replacement
    "two_way": ("⇄", "<>"),  # interchangeable parts
    "kit": ("⊂", "K"),  # a kit member
    "times": ("×", "x"),  # 2× (a quantity)
    "sort_up": ("▲", "^"),
    "sort_down": ("▼", "v"),
    "mail": ("✉", "@"),
    "waiting": ("⌛", "..."),  # keys kept until the server answers
    "enter": ("⏎", "Enter"),  # key names (Textual's own display of keys)
    "backspace": ("⌫", "BkSp"),
    "tab": ("⇥", "Tab"),
}


@dataclass(frozen=True)
class Glyphs:
    cursor: str
    pointer: str
    order: str
    current: str
    chosen: str
    marked: str
    done: str
    applies: str
    not_applies: str
    error: str
    overdue: str
    paused: str
    replaced: str
    obsolete: str
    conditional: str
    replaces: str
    two_way: str
    kit: str
    times: str
    sort_up: str
    sort_down: str
    mail: str
    waiting: str
    enter: str
    backspace: str
    tab: str


UNICODE = Glyphs(**{name: pair[0] for name, pair in TABLE.items()})
ASCII = Glyphs(**{name: pair[1] for name, pair in TABLE.items()})
assert {f.name for f in fields(Glyphs)} == set(TABLE)

# One cell for one cell: what the output filter puts in place of each glyph a Linux console
# lacks (ours, when a stand-in is one character, and those Textual draws itself).
_BOXES = {
    **dict.fromkeys("╭╮╰╯┏┓┗┛┍┑┕┙┎┒┖┚╒╕╘╛╓╖╙╜▛▜▙▟▗▖▝▘", "+"),
    **dict.fromkeys("━╸╺╍┅┉╼╾", "-"),
    **dict.fromkeys("┃╹╻╏┇┋╽╿", "|"),
    **dict.fromkeys("▉▊▋▍▎▏▕", "|"),  # the sides of tall borders, horizontal scrollbar ends
    "▔": "-",
    "▁": "_",
    **dict.fromkeys("▂▃▅▆▇", " "),  # vertical scrollbar ends: the thumb is a cell shorter
}
_SINGLE = {u: a for u, a in TABLE.values() if len(a) == 1 and u != a}
CELL: dict[str, str] = {
    **_BOXES,
    **_SINGLE,
    "⇒": ">",
    "⇄": "=",
    "⌛": "~",
    "⏎": "<",
    "⌫": "<",
    "⇥": ">",
    "◂": "<",
    "▸": ">",
    "►": ">",
    "◄": "<",
}
"""A one-cell stand-in for each glyph a Linux console font lacks."""
MISSING_ON_CONSOLE = frozenset(CELL)
_CELL_TABLE = str.maketrans(CELL)
_TEXT_TABLE = str.maketrans({**CELL, **{u: a for u, a in TABLE.values() if u != a}})

_current: Glyphs = UNICODE
_mode: Mode = "unicode"


def use(mode: Mode) -> None:
    """Draw with this set from now on (the app chooses it once, at start)."""
    global _current, _mode
    _mode = mode
    _current = ASCII if mode == "ascii" else UNICODE


def mode() -> Mode:
    return _mode


def current() -> Glyphs:
    """The glyphs to draw with: ``current().cursor`` is ``▶``, or ``>`` on a console."""
    return _current


def text(value: str) -> str:
    """Free text (help, a message) with each glyph replaced by its stand-in in ascii mode."""
    return value.translate(_TEXT_TABLE) if _mode == "ascii" else value


def cells(value: str) -> str:
    """One cell for one cell (what the output filter does to every line in ascii mode)."""
    return value.translate(_CELL_TABLE)


def choose(setting: str | None = None, environ: Mapping[str, str] | None = None) -> Mode:
    """The mode: ``SAV_GLYPHS``, else the settings file's ``glyphs``, else ``ascii`` on a
    Linux console (``TERM=linux``) and ``unicode`` elsewhere."""
    env = os.environ if environ is None else environ
    for value in (env.get(ENV, ""), setting or ""):
        value = value.strip().lower()
        if value in MODES:
            return value  # type: ignore[return-value]
    term = env.get("TERM", "").strip().lower()
    return "ascii" if term == "linux" or term.startswith("linux-") else "unicode"


def error_mark() -> str:
    """What starts an error message: ``✗ `` (``! `` on a console)."""
    return _current.error + " "
