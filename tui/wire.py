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

The model starts unknown (every cell differs from it), and becomes unknown again on a
resize, when the app resumes after a suspension (``$EDITOR``, ctrl+z) and on ``:redraw``
(ctrl+l where free), which repaints every cell: the way back when a line garbled the
screen. Textual's synchronized-output brackets are written around each update as before.

This works on Textual's compositor updates (``LayoutUpdate``, ``ChopsUpdate``), not on
the bytes: the strips are read segment by segment, as ``render_segments`` reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.cells import get_character_cell_size
from rich.color import ColorSystem
from rich.style import Style
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.strip import Strip
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from rich.console import Console
    from textual.screen import Screen

Cell = tuple[str, int]
"""A cell: its text (``""`` for the right half of a wide character) and its rendering's
number (see ``Renderings``)."""

UNKNOWN: Cell = ("\x00", -1)
"""What the model holds where it does not know what the terminal shows."""

GAP = 4
"""Unchanged cells between two changed runs of a line written again rather than jumped
over (a cursor move costs 4 to 8 bytes)."""


class Renderings:
    """Each distinct rendering (SGR parameters and hyperlink) gets a small number."""

    def __init__(self) -> None:
        self._by_style: dict[Style | None, int] = {}
        self._by_key: dict[tuple[str, str], int] = {}
        self.keys: list[tuple[str, str]] = []
        self.color_system: ColorSystem | None = None
        self.number(None)  # 0: the plain rendering

    def reset(self, color_system: ColorSystem | None) -> None:
        if color_system != self.color_system:
            self.__init__()  # type: ignore[misc]
            self.color_system = color_system

    def number(self, style: Style | None) -> int:
        found = self._by_style.get(style)
        if found is not None:
            return found
        if style is None:
            key = ("", "")
        else:
            system = self.color_system or ColorSystem.TRUECOLOR
            key = (Strip.render_ansi(style, system), style.link or "")
        number = self._by_key.get(key)
        if number is None:
            number = self._by_key[key] = len(self.keys)
            self.keys.append(key)
        self._by_style[style] = number
        return number


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
        for text, style, control in strip:
            if control or not text:
                continue
            n = number(style)
            if text.isascii() and text.isprintable():
                end = min(width, x + len(text))
                if x < end:
                    row[x:end] = [(c, n) for c in text[: end - x]]
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
                    row[x] = (char, n)
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
            self.renderings.reset(color_system)
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

    def _write(self, changed: dict[int, list[Cell]]) -> str:
        out: list[str] = []
        keys = self.renderings.keys
        at: tuple[int, int] | None = None  # where the terminal's cursor is, if known
        current = 0  # the rendering in effect: plain (every write to the terminal ends so)
        link = ""
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
                for x in range(start, end):
                    text, n = new[x]
                    if text == "":
                        continue
                    if n != current:
                        codes, target = keys[n] if n >= 0 else ("", "")
                        out.append(f"\x1b[0;{codes}m" if codes else "\x1b[0m")
                        if target != link:
                            out.append(f"\x1b]8;;{target}\x1b\\")
                            link = target
                        current = n
                    out.append(text if text != "\x00" else " ")
                last = end - 1
                wide = new[last][0] != "" and last + 1 < width and new[last + 1][0] == ""
                end_at = end + 1 if wide else end
                at = (y, end_at) if end_at < width else None
            self.rows[y] = new
        if link:
            out.append("\x1b]8;;\x1b\\")
        if current != 0:
            out.append("\x1b[0m")
        return "".join(out)


class DiffUpdate(CompositorUpdate):
    """A compositor update written as the cells it changes (see ``ScreenModel``).

    The model is updated only when Textual writes the update, so an update it drops (a
    batch, the app not running) leaves the model as the terminal is."""

    def __init__(self, update: CompositorUpdate, model: ScreenModel) -> None:
        self.update = update
        self.model = model

    def render_segments(self, console: Console) -> str:
        return self.model.frame(self.update, console._color_system)

    def __rich_console__(self, console, options):  # type: ignore[no-untyped-def]
        return self.update.__rich_console__(console, options)  # type: ignore[attr-defined]


class WireApp(App[object]):
    """An app that writes only the cells that changed (``ScreenModel``), and ``redraw``,
    which writes every cell again."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.wire = ScreenModel()
        self.wire_diff = True
        """Off: Textual writes its updates as they are (a test compares both)."""

    def wire_start(self) -> None:
        """Once mounted: forget the screen when the app comes back from a suspension."""
        self.app_resume_signal.subscribe(self, lambda _app: self.wire.invalidate(), True)

    def _display(self, screen: Screen[object], renderable: object) -> None:
        driver = self._driver
        if (
            self.wire_diff
            and isinstance(renderable, LayoutUpdate | ChopsUpdate)
            and driver is not None
            and not driver.is_inline
        ):
            width, height = self.size
            if (self.wire.width, self.wire.height) != (width, height):
                self.wire.invalidate(width, height)
            renderable = DiffUpdate(renderable, self.wire)
        super()._display(screen, renderable)  # type: ignore[arg-type]

    def redraw(self) -> None:
        """Write every cell of the screen again (a line garbled it, or a resize)."""
        self.wire.invalidate(*self.size)
        screen = self.screen
        update = screen._compositor.render_update(full=True, screen_stack=self._background_screens)
        self._display(screen, update)


def set_cursor_blink(blink: bool) -> None:
    """Whether the cursor of text fields blinks, for every field created from now on.

    A blinking cursor repaints its field twice a second: bytes on an idle SSH line. Off
    unless asked for (``"cursor_blink": true`` in config.json)."""
    for widget in (Input, TextArea):
        widget.__dict__["cursor_blink"]._default = blink
