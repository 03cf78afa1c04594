"""Light on the wire: only the cells that changed go to the terminal.

Textual repaints regions: each update carries whole line segments for every dirty
region of a widget (a list row, the header, a whole screen when one is pushed or
popped), and writes them with a reset after each segment. Over SSH on a slow link those
bytes are what the user waits for.

Here each update Textual would write is first applied to a model of the terminal's
screen (a character and its rendering, per cell), compared with what the terminal
already shows, and only the runs of cells that changed are written: with the fewest
cursor moves (a gap of a few unchanged cells is written again rather than jumped over)
and an SGR sequence only where the rendering changes.

An update that changes nothing sends nothing (not even Textual's cursor move and its
synchronized-output brackets, which are kept around every other update). The model
starts unknown (every cell differs from it), and becomes unknown again on a resize, when
the app resumes after a suspension (``$EDITOR``, ctrl+z) and on ``:redraw``, which
writes every cell again: the way back when a line garbled the screen.

This works on Textual's compositor updates (``LayoutUpdate``, ``ChopsUpdate``), not on
the bytes: the strips are read segment by segment, as ``render_segments`` reads them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import get_character_cell_size
from rich.color import ColorSystem
from rich.style import Style
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.strip import SGR_STYLES, Strip
from textual.widgets import Input

if TYPE_CHECKING:
    from rich.console import Console
    from textual.screen import Screen

try:  # Rich's set of the characters one cell wide (printable), when it has one
    from rich.cells import _SINGLE_CELLS

    _single_cells = _SINGLE_CELLS.issuperset
except ImportError:  # pragma: no cover

    def _single_cells(text: str) -> bool:
        return text.isascii() and text.isprintable()


Cell = tuple[str, int]
"""A cell: its text (``""`` for the right half of a wide character) and its rendering's
number (see ``Renderings``)."""

UNKNOWN: Cell = ("\x00", -1)
"""What the model holds where it does not know what the terminal shows."""

GAP = 4
"""Unchanged cells between two changed runs of a line written again rather than jumped
over (a cursor move costs 4 to 8 bytes)."""


ANY = "*"
"""A blank cell's foreground: not seen, so whatever the terminal has in effect."""

OFF = {"1": "22", "2": "22", "3": "23", "4": "24", "21": "24", "5": "25", "6": "25", "7": "27"}
OFF |= {"8": "28", "9": "29", "51": "54", "52": "54", "53": "55"}
"""The SGR code that turns each attribute off (22 turns off both bold and faint...)."""

SEEN_ON_A_BLANK = {"4", "7", "9", "21", "51", "52", "53"}
"""Attributes that show on a space (underline, reverse video, strike, frames)."""


class Rendering(NamedTuple):
    """How a cell is drawn: SGR attribute codes, foreground and background codes, link."""

    attributes: tuple[str, ...] = ()
    fg: str = ""
    bg: str = ""
    link: str = ""

    def blank(self) -> Rendering:
        """The rendering of a space: its foreground colour, bold, italic... do not show."""
        if "7" in self.attributes:  # the foreground is the background
            return self
        attributes = tuple(a for a in self.attributes if a in SEEN_ON_A_BLANK)
        return Rendering(attributes, self.fg if attributes else ANY, self.bg, self.link)

    def to(self, new: Rendering) -> tuple[str, Rendering]:
        """The SGR sequence from this rendering (what is in effect) to ``new``, with the
        fewest parameters; and the rendering then in effect."""
        fg = self.fg if new.fg == ANY else new.fg
        state = Rendering(new.attributes, fg, new.bg, new.link)
        if self == state:
            return "", state
        gone = [a for a in self.attributes if a not in new.attributes]
        reset = ["0", *new.attributes, *(c for c in (fg, new.bg) if c)]
        params: list[str] = []
        for a in gone:
            if OFF[a] not in params:
                params.append(OFF[a])
        added = [a for a in new.attributes if a not in self.attributes]
        for a in new.attributes:  # 22 turns off bold and faint, 24 both underlines...
            if a not in added and OFF.get(a) in params:
                added.append(a)
        params += added
        if fg != self.fg:
            params.append(fg or "39")
        if new.bg != self.bg:
            params.append(new.bg or "49")
        if len(";".join(reset)) <= len(";".join(params)):
            params = reset
        sgr = f"\x1b[{';'.join(params)}m" if params else ""
        if new.link != self.link:
            sgr += f"\x1b]8;;{new.link}\x1b\\"
        return sgr, state


PLAIN = Rendering()


class Renderings:
    """Each distinct rendering gets a small number (0: the plain one)."""

    def __init__(self, color_system: ColorSystem | None = None) -> None:
        self._by_style: dict[Style | None, int] = {None: 0}
        self._blank: dict[int, int] = {0: 0}
        self._by_key: dict[Rendering, int] = {PLAIN: 0}
        self.keys: list[Rendering] = [PLAIN]
        self.transitions: dict[tuple[Rendering, Rendering], tuple[str, Rendering]] = {}
        """``Rendering.to``'s answers, kept."""
        self.color_system = color_system

    def number(self, style: Style | None) -> int:
        found = self._by_style.get(style)
        if found is not None:
            return found
        assert style is not None
        system = self.color_system or ColorSystem.TRUECOLOR
        attributes = style._attributes & style._set_attributes
        key = Rendering(
            tuple(
                SGR_STYLES[bit] for bit in range(attributes.bit_length()) if attributes & (1 << bit)
            ),
            ";".join(style._color.downgrade(system).get_ansi_codes()) if style._color else "",
            ";".join(style._bgcolor.downgrade(system).get_ansi_codes(False))
            if style._bgcolor
            else "",
            style._link or "",
        )
        number = self._by_key.get(key)
        if number is None:
            number = self._by_key[key] = len(self.keys)
            self.keys.append(key)
        if len(self._by_style) > 20_000:  # styles come and go: keep the memo small
            self._by_style = {None: 0}
        self._by_style[style] = number
        return number

    def blank(self, number: int) -> int:
        """The number of the rendering a space drawn with rendering ``number`` needs."""
        found = self._blank.get(number)
        if found is None:
            key = self.keys[number].blank()
            found = self._by_key.get(key)
            if found is None:
                found = self._by_key[key] = len(self.keys)
                self.keys.append(key)
            self._blank[number] = self._blank[found] = found
        return found


def strips_of(update: CompositorUpdate) -> Iterator[tuple[int, int, Strip]]:
    """``(x, y, strip)`` for each piece of line the update paints, as Textual's own
    ``render_segments`` crops them."""
    if isinstance(update, LayoutUpdate):
        x0 = update.region.x
        for y, line in enumerate(update.strips, update.region.y):
            x = x0
            for strip in line:
                yield x, y, strip
                x += strip.cell_length
    elif isinstance(update, ChopsUpdate):
        for y, x1, x2 in update.spans:
            for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                if not (x2 > x >= x1 and end <= x2):
                    strip = strip.crop(0, min(end, x2) - x)
                yield x, y, strip
    else:
        raise TypeError(f"not a screen update: {update!r}")


class ScreenModel:
    """What the terminal shows, cell by cell, and the bytes that bring it to a new frame."""

    def __init__(self, width: int = 0, height: int = 0) -> None:
        self.width = width
        self.height = height
        self.rows: list[list[Cell]] = [[UNKNOWN] * width for _ in range(height)]
        self.renderings = Renderings()

    def invalidate(self, width: int | None = None, height: int | None = None) -> None:
        """Forget what the terminal shows: the next updates write every cell they paint."""
        self.width = self.width if width is None else width
        self.height = self.height if height is None else height
        self.rows = [[UNKNOWN] * self.width for _ in range(self.height)]

    # ------------------------------------------------------------------ painting

    def _paint(self, row: list[Cell], x: int, strip: Strip) -> None:
        width = self.width
        number = self.renderings.number
        blank = self.renderings.blank
        single = _single_cells
        for text, style, control in strip:
            if control or not text:
                continue
            n = number(style)
            b = blank(n)
            if single(text):  # printable, one cell each (most text)
                end = min(width, x + len(text))
                if x < end:
                    row[x:end] = [(c, b if c == " " else n) for c in text[: end - x]]
                x += len(text)
                continue
            for char in text:
                size = get_character_cell_size(char)
                if size == 0:  # a combining mark: it belongs to the cell before
                    if 0 < x <= width:
                        before, m = row[x - 1]
                        if before == "" and x >= 2:  # right half of a wide character
                            wide, m = row[x - 2]
                            row[x - 2] = (wide + char, m)
                        else:
                            row[x - 1] = (before + char, m)
                    continue
                if x >= width:
                    break
                if size == 2:
                    if x + 1 >= width:  # no room: the terminal would show a blank
                        row[x] = (" ", n)
                        x += 2
                        continue
                    row[x] = (char, n)
                    row[x + 1] = ("", n)
                else:
                    row[x] = (char, b if char == " " else n)
                x += size

    @staticmethod
    def _mend(row: list[Cell]) -> None:
        """Half a wide character overwritten: the other half shows as a blank (as xterm
        does), in the model as on the terminal."""
        width = len(row)
        for x, (text, n) in enumerate(row):
            if text == "":
                if x == 0 or get_character_cell_size(row[x - 1][0][:1] or " ") != 2:
                    row[x] = (" ", n)
            elif not text.isascii() and get_character_cell_size(text[0]) == 2:
                if x + 1 >= width or row[x + 1][0] != "":
                    row[x] = (" ", n)

    def frame(self, update: CompositorUpdate, color_system: ColorSystem | None) -> str:
        """Apply ``update`` and return what brings the terminal up to date with it."""
        if color_system != self.renderings.color_system:
            self.renderings = Renderings(color_system)
            self.invalidate()
        changed: dict[int, list[Cell]] = {}
        for x, y, strip in strips_of(update):
            if not 0 <= y < self.height:
                continue
            row = changed.get(y)
            if row is None:
                row = changed[y] = list(self.rows[y])
            self._paint(row, x, strip)
        for row in changed.values():
            self._mend(row)
        return self._write(changed)

    # ------------------------------------------------------------------ writing

    def _runs(self, old: list[Cell], new: list[Cell]) -> list[tuple[int, int]]:
        """``(start, end)`` of the runs of cells to write (end excluded)."""
        width = self.width
        dirty = [x for x in range(width) if old[x] != new[x]]
        if not dirty:
            return []
        marks = set(dirty)
        for x in dirty:  # a wide character is written whole, and rubbed out whole
            if x > 0 and (new[x][0] == "" or old[x][0] == ""):
                marks.add(x - 1)
            if x + 1 < width and (new[x + 1][0] == "" or old[x + 1][0] == ""):
                marks.add(x + 1)
        runs: list[tuple[int, int]] = []
        for x in sorted(marks):
            if runs and x - runs[-1][1] <= GAP:
                runs[-1] = (runs[-1][0], x + 1)
            else:
                runs.append((x, x + 1))
        return runs

    @staticmethod
    def _next_text(row: list[Cell], x: int, end: int) -> int:
        """The first cell from ``x`` on (before ``end``) that holds text, else ``end``."""
        while x < end and row[x][0] in (" ", ""):
            x += 1
        return x

    def _ahead(self, row: list[Cell], at: int, end: int, blank: Rendering) -> Rendering:
        """The rendering of the next text of the run (at ``at``, ``_next_text``) when a space
        drawn with it looks as one drawn with ``blank``: one SGR sequence instead of two."""
        if at >= end:
            return blank
        n = row[at][1]
        ahead = self.renderings.keys[n] if n >= 0 else PLAIN
        return ahead if ahead.blank() == blank else blank

    def _write(self, changed: dict[int, list[Cell]]) -> str:
        out: list[str] = []
        keys = self.renderings.keys
        at: tuple[int, int] | None = None  # where the terminal's cursor is, if known
        current = PLAIN  # the rendering in effect (every write to the terminal ends plain)
        transitions = self.renderings.transitions
        width = self.width
        for y in sorted(changed):
            new = changed[y]
            old = self.rows[y]
            if new == old:
                continue
            for start, end in self._runs(old, new):
                if start > 0 and new[start][0] == "":
                    start -= 1
                if at == (y, start):
                    pass
                elif at is not None and at[0] == y and start > at[1]:
                    out.append(f"\x1b[{start - at[1]}C")
                else:
                    out.append(f"\x1b[{y + 1};{start + 1}H")
                text_at = start  # the next cell holding text, found once per stretch of blanks
                for x in range(start, end):
                    text, n = new[x]
                    if text == "":
                        continue
                    rendering = keys[n] if n >= 0 else PLAIN
                    if rendering != current:
                        if rendering.fg == ANY:  # a blank: drawn as the next text will be
                            if text_at <= x:
                                text_at = self._next_text(new, x + 1, end)
                            rendering = self._ahead(new, text_at, end, rendering)
                        step = transitions.get((current, rendering))
                        if step is None:
                            step = transitions[current, rendering] = current.to(rendering)
                        sgr, current = step
                        if sgr:
                            out.append(sgr)
                    out.append(text if text != "\x00" else " ")
                last = end - 1
                wide = new[last][0] != "" and last + 1 < width and new[last + 1][0] == ""
                end_at = end + 1 if wide else end
                at = (y, end_at) if end_at < width else None
            self.rows[y] = new
        if current != PLAIN:
            out.append("\x1b[0m" + ("\x1b]8;;\x1b\\" if current.link else ""))
        return "".join(out)


class Prepared(CompositorUpdate):
    """An update already written as the cells it changes (see ``ScreenModel``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render_segments(self, console: Console) -> str:
        return self.text


class WireApp(App[object]):
    """An app that writes only the cells that changed (``ScreenModel``), and ``redraw``,
    which writes every cell again."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.wire = ScreenModel()
        self.wire_diff = True
        """Off: Textual writes its updates as they are."""
        self._wire_cursor: object = None

    def wire_start(self) -> None:
        """Once mounted: when the app comes back from a suspension (``$EDITOR``, ctrl+z),
        what the terminal shows is unknown: every cell is written again."""

        def resumed(_app: object) -> None:
            self.wire_forget()
            self.call_after_refresh(self.redraw)

        self.app_resume_signal.subscribe(self, resumed, True)

    def wire_forget(self) -> None:
        self.wire.invalidate()
        self._wire_cursor = None

    def _display(self, screen: Screen[object], renderable: object) -> None:
        driver = self._driver
        if not (
            self.wire_diff
            and isinstance(renderable, LayoutUpdate | ChopsUpdate)
            and driver is not None
            and not driver.is_inline
            and self._running
            and not self._closed
            and not self.is_headless
            and not self._batch_count
        ):  # Textual writes it as it is, or drops it (the model stays as the terminal is)
            super()._display(screen, renderable)  # type: ignore[arg-type]
            return
        width, height = self.size
        if (self.wire.width, self.wire.height) != (width, height):
            # A terminal may scroll, cut or reflow its cells when its window changes size:
            # every cell is written again (Textual lays the screen out again; and once it
            # has, all of it is written, should that have been only a part).
            resized = self.wire.width > 0
            self.wire_forget()
            self.wire.invalidate(width, height)
            if resized:
                self.call_after_refresh(self.redraw)
        text = self.wire.frame(renderable, self.console._color_system)
        cursor = self.screen.outer_size.clamp_offset(self.cursor_position)
        if not text and cursor == self._wire_cursor:  # nothing changed: nothing to send
            self.post_display_hook()
            return
        self._wire_cursor = cursor
        super()._display(screen, Prepared(text))

    def _set_pointer_shape(self, shape: str) -> None:
        """The mouse pointer's shape: only for a terminal that reports the mouse."""
        if self._driver is not None and getattr(self._driver, "_mouse", True):
            super()._set_pointer_shape(shape)

    def redraw(self, _tries: int = 5) -> None:
        """Write every cell of the screen again (a line garbled it, or a resize)."""
        screen = self.screen
        if screen._compositor.size != self.size and _tries:  # not laid out again yet
            self.call_after_refresh(self.redraw, _tries - 1)
            return
        self.wire_forget()
        update = screen._compositor.render_update(full=True, screen_stack=self._background_screens)
        self._display(screen, update)


def set_cursor_blink(blink: bool) -> None:
    """Whether the cursor of text fields blinks, for every field created from now on.

    A blinking cursor repaints its field twice a second: bytes on an idle SSH line. Off
    unless asked for (``"cursor_blink": true`` in config.json)."""
    global _cursor_blink
    _cursor_blink = blink
    Input.__dict__["cursor_blink"]._default = blink
    if "textual.widgets._text_area" in sys.modules:  # else: when it is (tui.widgets.note)
        text_area_cursor_blink()


_cursor_blink = False


def text_area_cursor_blink() -> None:
    """``set_cursor_blink``'s choice for TextArea: not imported for the login screen (its
    themes and syntax trees cost a tenth of the first frame), applied when it is."""
    from textual.widgets import TextArea

    TextArea.__dict__["cursor_blink"]._default = _cursor_blink
