"""A list of tickets of any length: it holds only the rows near the screen.

The screen gives it a result's first page and its total; the list sizes its scroll
area to the total and, as the cursor or the scroll moves, asks for the blocks of rows
it lacks (``NeedRows``). Rows not yet there show as "…". It keeps at most
``KEEP_BLOCKS`` blocks: paging through 100,000 tickets forgets the blocks far from the
screen (asked for again if the user comes back), so memory stays flat. Painting a line
costs the same for 100 rows or 100,000: nothing is measured over the whole result (the stock
DataTable measures every row to size its columns).

Columns follow the manufacturer portal's list and collapse as the terminal narrows.

The cursor row reads without colour and costs little on the wire: ``▶`` (``>`` on a
console) in the list's first cell, and the ticket number in reverse video while the list
has focus (bold when it has not); the rest of the row is painted as any other. Overdue
tickets say ``!`` before their status (and are bold where colours are few).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from client.models import TicketSort
from tui import formats, glyphs
from tui.i18n import N_, _, language, localized
from tui.widgets.status import ticket_status, ticket_status_width
from tui.widgets.virtual_height import set_virtual_height

if TYPE_CHECKING:
    from client.models import Page, TicketSummary

BLOCK = 50
"""Rows fetched at a time: a result's first page fills the screen of a terminal up to 57
lines tall. Not more: the server answers a first page of 50 rows quicker than one of 100
(a search for ``mart`` on 100,000 tickets, 3,553 matches, finds 50 by walking the date index
but sorts every match for 100), and every key of a search asks for one."""
MARGIN = 50
"""Rows beyond the visible ones that are fetched ahead, once the list has moved (not at each
new result: the keys of a search would each ask for a second block)."""
GUTTER = 1
"""Cells before the columns: the cursor's ``▶``."""


def _short(name: str | None) -> str:
    """'Julien Marchal' -> 'J. Marchal'."""
    if not name:
        return "-"
    first, _sep, rest = name.partition(" ")
    return f"{first[:1]}. {rest}" if rest else first


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone()


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0: takes the room left
    min_terminal: int  # shown only when the list is at least this wide
    cell: Callable[[TicketSummary], str]
    sort: TicketSort | None = None


def _status_cell(t: TicketSummary) -> str:
    marker = glyphs.current().overdue + " " if t.overdue else ""
    return marker + ticket_status(t.status.value)


COLUMNS = (
    Column("id", N_("Ticket"), 6, 0, lambda t: str(t.id), TicketSort.ID),
    Column(
        "created",
        N_("Created"),
        -2,
        0,
        lambda t: formats.short_day(_local(t.created_at).date()),
        TicketSort.CREATED_AT,
    ),
    Column("model", N_("Model"), 10, 0, lambda t: t.model_code, TicketSort.MODEL),
    Column(
        "customer",
        N_("Customer, city"),
        0,
        0,
        lambda t: f"{t.customer_name} · {t.postal_code} {t.city}",
        TicketSort.CUSTOMER,
    ),
    # width -1: the longest status in the interface's language, taken from the customer
    Column("status", N_("Status"), -1, 0, _status_cell, TicketSort.STATUS),
    Column(
        "centre",
        N_("Centre, engineer"),
        19,
        100,
        lambda t: f"{t.service_centre_code or '-'} {_short(t.engineer)}",
        TicketSort.SERVICE_CENTRE,
    ),
    Column("operator", N_("Operator"), 14, 120, lambda t: _short(t.operator), None),
)


def layout(width: int) -> tuple[tuple[Column, int], ...]:
    """The columns shown at ``width`` cells, and each one's width (one space between).

    The status column is as wide as the longest status in the interface's language
    (``En attente de pièces``): the customer's column gives up that room first."""
    return _layout(width, language(), glyphs.current().overdue)


def _fixed_width(width: int) -> int:
    """A column's width: -1 the longest status, -2 the longest short date of the
    interface's language (Dec 28 26, 28/12/26)."""
    if width == -1:
        return ticket_status_width()
    if width == -2:
        return cell_len(formats.short_day(dt.date(2026, 12, 28)))
    return width


@lru_cache(maxsize=16)
def _layout(width: int, _language: str, _mark: str) -> tuple[tuple[Column, int], ...]:
    """(Cached by what the widths depend on: the language's words and dates, the glyphs'
    overdue mark.)"""
    shown = [c for c in COLUMNS if width >= c.min_terminal]
    sizes = {c.key: _fixed_width(c.width) for c in shown}
    fixed = sum(sizes.values()) + len(shown) - 1
    flexible = max(width - fixed, 12)
    return tuple((c, sizes[c.key] or flexible) for c in shown)


def header_text(width: int, sort: TicketSort, desc: bool) -> str:
    cells = []
    for column, size in layout(width):
        title = _(column.title)
        if column.sort is sort:
            title += " " + (glyphs.current().sort_down if desc else glyphs.current().sort_up)
        cells.append(set_cell_size(title, size))
    return " ".join(cells)


class _Paint(NamedTuple):
    """What every line of one paint of the list shares: worked out once per paint, not
    once per line (the widget's style walks up its ancestors' backgrounds each time)."""

    width: int
    top: int
    base: Style
    pending: Style
    overdue: Style
    cursor: Style
    columns: tuple[tuple[Column, int], ...]
    marker: str


@localized
class TicketList(ScrollView, can_focus=True):
    """Tickets of one search result; Enter opens the highlighted one."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticket-list--cursor",
        "ticket-list--overdue",
        "ticket-list--pending",
    }
    DEFAULT_CSS = """
    TicketList { scrollbar-size-vertical: 1; overflow-x: hidden; }
    TicketList > .ticket-list--cursor { text-style: bold; }
    TicketList:focus > .ticket-list--cursor { text-style: bold reverse; }
    TicketList > .ticket-list--overdue { color: $error; }
    TicketList > .ticket-list--pending { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", N_("Up"), show=False, id="ticket-list.up"),
        Binding("down", "move(1)", N_("Down"), show=False, id="ticket-list.down"),
        Binding("k", "move(-1)", N_("Up"), show=False, id="list.up"),
        Binding("j", "move(1)", N_("Down"), show=False, id="list.down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="ticket-list.page-up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="ticket-list.page-down"),
        Binding("home", "jump(0)", N_("First row"), show=False, id="ticket-list.first"),
        Binding("end", "jump(-1)", N_("Last row"), show=False, id="ticket-list.last"),
        Binding("g", "jump(0)", N_("First row"), show=False, id="list.first"),
        Binding("G", "jump(-1)", N_("Last row"), show=False, id="list.last"),
        Binding("enter", "open", N_("Open"), id="ticket-list.open"),
    ]

    BLOCK: ClassVar[int] = BLOCK
    """Rows asked for at a time (a class attribute so that tests can make it small)."""
    KEEP_BLOCKS: ClassVar[int] = 20
    """Blocks kept around the screen: the rows farther away are forgotten."""

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class NeedRows(Message):
        """The list lacks the block of rows starting at ``offset`` of the result."""

        def __init__(self, generation: int, offset: int) -> None:
            super().__init__()
            self.generation = generation
            self.offset = offset

    class Highlighted(Message):
        """The cursor moved."""

    class Opened(Message):
        def __init__(self, ticket: TicketSummary) -> None:
            super().__init__()
            self.ticket = ticket

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.total_exact = True
        """False: ``total`` is a lower bound (the server stopped counting: "10,000+")."""
        self.generation = 0
        self._rows: dict[int, TicketSummary] = {}
        self._asked: set[int] = set()
        self._paint: _Paint | None = None
        self._showing = False
        self._ahead = False
        """Whether the rows beyond the screen (``MARGIN``) are asked for: not until the list
        moves after a new result."""

    # ------------------------------------------------------------------ data

    def show(self, generation: int, page: Page[TicketSummary]) -> None:
        """A new result: its first page (the cursor goes back to the top)."""
        self.generation = generation
        self.total = page.total
        self.total_exact = page.total_exact
        self._rows = {page.offset + i: t for i, t in enumerate(page.items)}
        self._asked = {page.offset - page.offset % self.BLOCK}
        self._ahead = False
        self._showing = True
        try:
            self._set_length(self.total)
            self.scroll_to(0, 0, animate=False, immediate=True)
            self.cursor = 0
        finally:
            self._showing = False
        self._ask_for_visible()  # a terminal taller than a block: the rest of the screen
        self.refresh()

    def add(self, generation: int, page: Page[TicketSummary]) -> None:
        """A block that was asked for (dropped if a newer result came since)."""
        if generation != self.generation:
            return
        for i, t in enumerate(page.items):
            self._rows[page.offset + i] = t
        self._forget_far_blocks()
        if not page.total_exact and page.total < self.total:
            # counted less far than an answer already here (the blocks' answers come in any
            # order: "120+" after "151" would cut the list back): the count stays
            self.refresh()
            return
        self.total_exact = page.total_exact
        if page.total != self.total:  # the result grew or shrank meanwhile (or was counted further)
            self.total = page.total
            self._set_length(self.total)
        self.refresh()

    def _set_length(self, rows: int) -> None:
        """The scroll area for ``rows`` rows, without a layout of the screen at each result
        (tui.widgets.virtual_height)."""
        if set_virtual_height(self, rows):
            self.refresh()

    def _forget_far_blocks(self) -> None:
        """Keep the rows on screen, its margins, and around them up to ``KEEP_BLOCKS``
        blocks in all; forget the others."""
        block = self.BLOCK
        if len(self._rows) <= self.KEEP_BLOCKS * block:
            return
        y = int(self.scroll_offset.y)
        top = max(y - MARGIN, 0)
        top -= top % block
        bottom = y + self.size.height + MARGIN
        spare = max(self.KEEP_BLOCKS * block - (bottom - top), 0) // 2
        low, high = top - spare, bottom + spare
        for index in [i for i in self._rows if not low <= i < high]:
            del self._rows[index]
        self._asked = {start for start in self._asked if low <= start < high}

    def point_at(self, ticket_id: int) -> None:
        """Put the cursor on that ticket, when it is among the rows loaded."""
        for index, ticket in self._rows.items():
            if ticket.id == ticket_id:
                self.cursor = index
                return

    def forget(self, offset: int) -> None:
        """A block could not be fetched: ask again when it is next needed."""
        self._asked.discard(offset)

    @property
    def highlighted(self) -> TicketSummary | None:
        return self._rows.get(self.cursor)

    @property
    def columns_width(self) -> int:
        """Cells for the columns (the width less the scrollbar and the cursor's gutter)."""
        return max(self.scrollable_content_region.width - GUTTER, 0)

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def _ask_for_visible(self) -> None:
        if not self.total:
            return
        margin = MARGIN if self._ahead else 0
        top = max(int(self.scroll_offset.y) - margin, 0)
        bottom = min(int(self.scroll_offset.y) + self.size.height + margin, self.total)
        for start in range(top - top % self.BLOCK, bottom, self.BLOCK):
            if start not in self._asked and start not in self._rows:
                self._asked.add(start)
                self.post_message(self.NeedRows(self.generation, start))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._moved()

    def _moved(self) -> None:
        """The cursor or the scroll moved: from now on the rows around the screen are asked
        for ahead (unless it is a new result going back to the top)."""
        if not self._showing:
            self._ahead = True
        self._ask_for_visible()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)
        self._ask_for_visible()

    # ------------------------------------------------------------------ keys

    def watch_cursor(self, old: int, cursor: int) -> None:
        top = self.scroll_offset.y
        if self.total and not top <= cursor < top + self.scrollable_content_region.height:
            self.scroll_to_region(Region(0, cursor, 1, 1), animate=False, immediate=True)
        self._moved()
        if self.scroll_offset.y == top:  # only the two rows change: repaint only them
            self.refresh_line(old)
            self.refresh_line(cursor)
        else:
            self.refresh()
        self.post_message(self.Highlighted())

    def action_move(self, delta: int) -> None:
        if self.total:
            self.cursor = min(max(self.cursor + delta, 0), self.total - 1)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(self.size.height - 1, 1))

    def action_jump(self, where: int) -> None:
        if self.total:
            self.cursor = 0 if where == 0 else self.total - 1

    def action_open(self) -> None:
        ticket = self.highlighted
        if ticket is None:  # an empty list: the key is answered as one that cannot apply
            raise SkipAction()
        self.post_message(self.Opened(ticket))

    # ------------------------------------------------------------------ painting

    def _paint_now(self) -> _Paint:
        width = self.scrollable_content_region.width
        base = self.rich_style
        return _Paint(
            width,
            int(self.scroll_offset.y),
            base,
            base + self.get_component_rich_style("ticket-list--pending"),
            base + self.get_component_rich_style("ticket-list--overdue"),
            self.get_component_rich_style("ticket-list--cursor"),
            layout(max(width - GUTTER, 1)),
            set_cell_size(glyphs.current().cursor, GUTTER),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint = self._paint_now()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._paint_now()
        width = paint.width
        index = paint.top + y
        if index >= self.total:
            return Strip.blank(width, paint.base)
        ticket = self._rows.get(index)
        if ticket is None:
            return Strip([Segment(set_cell_size("  …", width), paint.pending)], width)
        style = paint.overdue if ticket.overdue else paint.base
        columns = paint.columns
        cells = [set_cell_size(column.cell(ticket), size) for column, size in columns]
        if index != self.cursor:
            text = set_cell_size(" " * GUTTER + " ".join(cells), width)
            return Strip([Segment(text, style)], width)
        # the cursor: a marker in the gutter, the key cell (the ticket number) stands out
        cursor = style + paint.cursor
        marker = paint.marker
        rest = set_cell_size(" " + " ".join(cells[1:]), max(width - GUTTER - columns[0][1], 0))
        segments = [
            Segment(marker, style + Style(bold=True)),
            Segment(cells[0], cursor),
            Segment(rest, style),
        ]
        return Strip(segments).adjust_cell_length(width, style)
