"""A DataTable with the list keys technicians expect (j/k, g/G, Home/End)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

from tui.i18n import N_, localized


@localized
class KeyTable(DataTable[str]):
    BINDINGS = [
        Binding("j", "cursor_down", N_("Down"), show=False, id="list.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="list.up"),
        Binding("g", "scroll_top", N_("First row"), show=False, id="list.first"),
        Binding("G", "scroll_bottom", N_("Last row"), show=False, id="list.last"),
    ]
