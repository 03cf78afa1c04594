"""A list's scroll area set to its number of rows without a layout of the whole screen.

A new virtual size asks Textual for a layout of the screen, then paints every widget again:
at each result of a search, at each key of a filter. A list's own size does not follow its
rows, so only the scroll bar's range needs to change (and a layout only when the bar comes
or goes: Textual's scroll bar update asks for it)."""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget


def set_virtual_height(widget: Widget, rows: int) -> bool:
    """``widget``'s virtual size set to ``rows`` lines of its width; False when unchanged."""
    size = Size(widget.size.width, rows)
    if size == widget.virtual_size:
        return False
    if not widget.is_mounted or not widget.container_size.height:  # not laid out yet
        widget.virtual_size = size
        return True
    widget.set_reactive(type(widget).virtual_size, size)  # type: ignore[attr-defined]
    widget._scroll_update(size)  # the scroll bar's range, and whether it shows
    return True
