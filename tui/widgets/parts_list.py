"""The exploded-view parts list: thousands of lines, filtered as you type, painted lazily.

Textual's DataTable measures every cell of every row to size its columns (about 100 µs a
row), too slow for a 2,000-line view filtered on each keystroke. Here the columns have fixed
widths (the description takes what is left) and only the rows on screen are formatted, in
``render_line``: filtering is one substring test per line, painting is one row per line of
the terminal.

Markers (they read without colour): first column ``✓`` the line applies to this appliance,
``✗`` it does not, ``?`` it cannot be said (only when an appliance is known); second column
``R`` replaced part, ``≈`` its replacement depends on the serial number or the production
date, ``†`` obsolete.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from client.models import Applicability, Availability, ViewLine
from tui import formats, glyphs
from tui.i18n import N_, _, localized
from tui.widgets.money import money
from tui.widgets.virtual_height import set_virtual_height

GUTTER = 1
"""Cells before the columns: the cursor's ``▶``."""
KEY = 2
"""The column that names a line (the part code): reverse video on the cursor's row."""


def availability_text(availability: Availability, stock: int, lead_days: int) -> str:
    """Short availability for a column: stock count, lead time in days, or a dash."""
    if availability is Availability.IN_STOCK:
        return str(stock)
    if availability is Availability.ON_ORDER:
        return _("{n}d").format(n=lead_days)
    return "—"


def status_marks(line: ViewLine, appliance_known: bool) -> str:
    g = glyphs.current()
    applies = ""
    if appliance_known:
        applies = {Applicability.YES: g.applies, Applicability.NO: g.not_applies}.get(
            line.applies, "?"
        )
    part = line.part
    mark = g.obsolete if part.obsolete else g.replaced if part.replaced else ""
    if not mark and line.conditional_replacement:
        mark = g.conditional
    return f"{applies or ' '}{mark or ' '}"


def _date(value: object) -> str:
    return formats.day(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # 0: takes what is left
    right: bool = False


@localized
class PartsList(ScrollView, can_focus=True):
    """The lines of one exploded view, with a cursor and a filter."""

    HELP = N_(
        "Parts list: ↑ ↓ j k move, g G first and last, PgUp PgDn by page, Enter opens the "
        "part, a adds it to the cart. Marks: ✓ applies to this appliance, ✗ does not, "
        "R replaced part, ≈ replacement depends on the serial number, † obsolete."
    )
    COMPONENT_CLASSES = {"parts-list--cursor", "parts-list--dim"}
    DEFAULT_CSS = """
    PartsList { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    PartsList > .parts-list--cursor { text-style: bold; }
    PartsList:focus > .parts-list--cursor { text-style: bold reverse; }
    PartsList > .parts-list--dim { color: $text-muted; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", N_("Up"), show=False, id="parts-list.up"),
        Binding("down", "move(1)", N_("Down"), show=False, id="parts-list.down"),
        Binding("k", "move(-1)", N_("Up"), show=False, id="list.up"),
        Binding("j", "move(1)", N_("Down"), show=False, id="list.down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="parts-list.page-up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="parts-list.page-down"),
        Binding("home", "first", N_("First row"), show=False, id="parts-list.first"),
        Binding("end", "last", N_("Last row"), show=False, id="parts-list.last"),
        Binding("g", "first", N_("First row"), show=False, id="list.first"),
        Binding("G", "last", N_("Last row"), show=False, id="list.last"),
        Binding("enter", "select", N_("Open the part"), show=False, id="parts-list.open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        def __init__(self, parts_list: PartsList, line: ViewLine | None) -> None:
            super().__init__()
            self.parts_list = parts_list
            self.line = line

    class Selected(Message):
        def __init__(self, parts_list: PartsList, line: ViewLine) -> None:
            super().__init__()
            self.parts_list = parts_list
            self.line = line

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[ViewLine] = []
        self.shown: list[int] = []
        self.appliance_known = False
        self.hide_inapplicable = False
        self._keys: list[str] = []
        self._filter = ""
        self._rows: dict[tuple[int, int], str] = {}
        self._announced: int | None = -1
        """The index of the line last announced by ``Highlighted`` (-1: none yet)."""

    # ------------------------------------------------------------------ data

    def set_lines(self, lines: list[ViewLine], *, appliance_known: bool = False) -> None:
        self.lines = lines
        self.appliance_known = appliance_known
        self._keys = [f"{x.ref_num}\t{x.part.code}\t{x.part.description}".lower() for x in lines]
        self._rows.clear()
        self._announced = -1  # new lines: the cursor's line is announced again
        self._apply()

    def set_filter(self, text: str) -> int:
        """Show the lines whose RefNum, code or description contains ``text``; how many."""
        needle = text.strip().lower()
        if needle != self._filter:
            self._filter = needle
            self._apply()
        return len(self.shown)

    def set_hide_inapplicable(self, hide: bool) -> None:
        self.hide_inapplicable = hide
        self._apply()

    def _apply(self) -> None:
        """Filter again, keep the cursor on its line when the filter keeps it, and repaint.

        Per keystroke in the filter: one substring test per line, the cursor's line found
        again by bisection (``shown`` is in the lines' order), and one repaint of the rows on
        screen. The screen's layout is done again only when the scroll bar comes or goes (a
        new virtual height alone changes no other widget); ``Highlighted`` is posted only when
        the cursor's line is another one."""
        before = self.shown[self.cursor] if 0 <= self.cursor < len(self.shown) else None
        needle = self._filter
        hide = self.hide_inapplicable and self.appliance_known
        keys = self._keys
        if needle:
            shown = [i for i, key in enumerate(keys) if needle in key]
        else:
            shown = list(range(len(keys)))
        if hide:
            lines = self.lines
            shown = [i for i in shown if lines[i].applies is not Applicability.NO]
        self.shown = shown
        index = 0
        if before is not None:
            at = bisect_left(shown, before)
            if at < len(shown) and shown[at] == before:
                index = at
        self._set_height(len(shown))
        if index != self.cursor:
            self.cursor = index
        else:
            self._show_cursor()
            self._announce()
        self.refresh()

    def _set_height(self, height: int) -> None:
        """The list's virtual height: a layout only when the scroll bar comes or goes."""
        if not set_virtual_height(self, height) or not self.size.height:
            return
        top = min(self.scroll_offset.y, max(0, height - self.scrollable_content_region.height))
        if top != self.scroll_offset.y:
            self.scroll_to(y=top, animate=False, immediate=True)

    def _announce(self) -> None:
        """``Highlighted`` when the cursor is on another line than the last one announced."""
        line = self.shown[self.cursor] if 0 <= self.cursor < len(self.shown) else None
        if line != self._announced:
            self._announced = line
            self.post_message(self.Highlighted(self, self.current))

    @property
    def current(self) -> ViewLine | None:
        if 0 <= self.cursor < len(self.shown):
            return self.lines[self.shown[self.cursor]]
        return None

    def select_code(self, code: str) -> bool:
        """Put the cursor on the first visible line of part ``code``."""
        for index, line_index in enumerate(self.shown):
            if self.lines[line_index].part.code == code:
                self.cursor = index
                return True
        return False

    # ------------------------------------------------------------------ cursor

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.shown) - 1)) if self.shown else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if self._show_cursor():  # only the two rows change: repaint only them
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        self._announce()

    def _show_cursor(self) -> bool:
        """Scroll the cursor's row into view; True when no scrolling was needed."""
        top = self.scroll_offset.y
        new = self.cursor
        if not top <= new < top + self.scrollable_content_region.height:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        return self.scroll_offset.y == top

    def action_move(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.size.height - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.shown) - 1

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    @property
    def row_width(self) -> int:
        """Cells a row has (the widget's width less its scrollbar)."""
        return self.scrollable_content_region.width

    def on_resize(self) -> None:
        self._rows.clear()
        self.virtual_size = Size(self.size.width, len(self.shown))

    # ------------------------------------------------------------------ painting

    def columns(self, width: int) -> list[Column]:
        cols = [
            Column("", 2),
            Column(_("Ref"), 5),
            Column(_("Code"), 9),
            Column(_("Qty"), 3, right=True),
            Column(_("Description"), 0),
            Column(_("Stock"), 5, right=True),
            Column(_("Price"), 7, right=True),
        ]
        if width >= 100:
            cols += [Column(_("From"), 10), Column(_("Until"), 10)]
        if width >= 130:
            cols += [Column(_("Serials"), 21)]
        return cols

    def cells(self, line: ViewLine, width: int) -> list[str]:
        part = line.part
        values = [
            status_marks(line, self.appliance_known),
            line.ref_num,
            part.code,
            str(line.quantity),
            part.description,
            availability_text(part.availability, part.stock, part.lead_time_days),
            money(part.price),
        ]
        if width >= 100:
            values += [_date(line.valid_from), _date(line.valid_to)]
        if width >= 130:
            serials = ""
            if line.serial_from or line.serial_to:
                serials = f"{line.serial_from or '…'}–{line.serial_to or '…'}"
            values.append(serials)
        return values

    def _sizes(self, width: int) -> list[int]:
        cols = self.columns(width)
        fixed = sum(c.width for c in cols) + len(cols) - 1
        flexible = max(8, width - GUTTER - fixed)
        return [col.width or flexible for col in cols]

    def format_row(self, values: list[str], width: int) -> str:
        """A line of ``width`` cells: the cursor's gutter, then the columns."""
        out = []
        for col, size, value in zip(self.columns(width), self._sizes(width), values, strict=False):
            text = value if len(value) <= size else value[: size - 1] + "…"
            out.append(text.rjust(size) if col.right else text.ljust(size))
        return " " * GUTTER + " ".join(out)

    def key_span(self, width: int) -> tuple[int, int]:
        """Where the key column (the part code) is in a line."""
        sizes = self._sizes(width)
        start = GUTTER + sum(size + 1 for size in sizes[:KEY])
        return start, start + sizes[KEY]

    def header(self, width: int) -> str:
        return self.format_row([c.title for c in self.columns(width)], width)

    def render_line(self, y: int) -> Strip:
        _scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.row_width
        base = self.rich_style
        if index >= len(self.shown):
            return Strip.blank(width, base)
        line_index = self.shown[index]
        key = (line_index, width)
        text = self._rows.get(key)
        if text is None:
            text = self.format_row(self.cells(self.lines[line_index], width), width)
            self._rows[key] = text
        style: Style = base
        if self.appliance_known and self.lines[line_index].applies is Applicability.NO:
            style = base + self.get_component_rich_style("parts-list--dim")
        if index != self.cursor:
            return Strip([Segment(text, style)]).adjust_cell_length(width, style)
        # the cursor: a marker in the gutter, the key cell (the part code) stands out
        start, end = self.key_span(width)
        cursor = style + self.get_component_rich_style("parts-list--cursor")
        segments = [
            Segment(glyphs.current().cursor, style + Style(bold=True)),
            Segment(text[GUTTER:start], style),
            Segment(text[start:end], cursor),
            Segment(text[end:], style),
        ]
        return Strip(segments).adjust_cell_length(width, style)
