"""The DataTable of every list: list keys (j/k, g/G) and a cursor that reads without colour.

The stock row cursor paints the whole row in a background colour: invisible without
colour, and costly on the wire (each move repaints two whole rows). Here the cursor row
is marked by ``▶`` (``>`` on a console) in the padding before its first cell, and its
*key cell* (the ticket, order or part number: ``key_column``) is in reverse video while
the table has focus, bold when it has not. The rest of the row is painted as any other
row, so a move changes a few cells of two rows.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CursorType, RowKey

from tui import glyphs
from tui.i18n import N_, localized

_NOWHERE = Coordinate(-2, -2)
"""A cursor on no row (-1 is the header): the stock rendering of a row without cursor."""

SegmentLines = list[list[Segment]]


@localized
class KeyTable(DataTable[str]):
    DEFAULT_CSS = """
    KeyTable > .datatable--cursor {
        background: transparent; color: $foreground; text-style: bold;
    }
    KeyTable:focus > .datatable--cursor {
        background: transparent; color: $foreground; text-style: bold reverse;
    }
    """
    BINDINGS = [
        Binding("j", "cursor_down", N_("Down"), show=False, id="list.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="list.up"),
        Binding("g", "scroll_top", N_("First row"), show=False, id="list.first"),
        Binding("G", "scroll_bottom", N_("Last row"), show=False, id="list.last"),
    ]

    def __init__(
        self, *args: Any, key_column: int | str = 0, cursor_type: CursorType = "row", **kwargs: Any
    ) -> None:
        """``key_column``: the column (index or key) that names the row."""
        super().__init__(*args, cursor_type=cursor_type, **kwargs)
        self.key_column = key_column
        if cursor_type == "none":
            self.can_focus = False  # nothing would show that it has focus

    @property
    def key_column_index(self) -> int:
        if isinstance(self.key_column, int):
            return self.key_column
        try:
            return self.get_column_index(self.key_column)
        except Exception:  # not added yet
            return 0

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        if self.cursor_type != "row":
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        fixed, cells = super()._render_line_in_row(
            row_key, line_no, base_style, _NOWHERE, hover_location
        )
        row = self._row_locations.get(row_key) if row_key in self._row_locations else None
        if row is None or row != cursor_location.row or not self.show_cursor:
            return fixed, cells
        cells = list(cells)
        plain = cells[0][0].style if cells and cells[0] else None
        key = min(self.key_column_index, len(self.ordered_columns) - 1)
        if key >= 0:
            width = self.ordered_columns[key].get_render_width(self)
            style = self._get_row_style(row, base_style)
            cells[key] = self._render_cell(row, key, style, width, cursor=True)[line_no]
        if line_no == 0 and cells and self.cell_padding:
            first = cells[0]
            _pad, rest = Segment.divide(first, [1, Segment.get_line_length(first)])
            marker = (plain or Style()) + Style(bold=True)
            cells[0] = [Segment(glyphs.current().cursor, marker), *rest]
        return fixed, cells
