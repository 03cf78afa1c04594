"""A text field whose line always fills its width.

Textual's ``Input`` draws an empty value with its cursor showing as one cell, and leaves
the rest of its width to the background: a focused field shown by an attribute (reverse
video, where colours are few: ``tui.appearance``) then shrinks to that one cell whenever
the cursor is on. Here the line is always as wide as the field.
"""

from __future__ import annotations

from textual.strip import Strip
from textual.widgets import Input


class TextField(Input):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        return strip.extend_cell_length(self.scrollable_content_region.width, self.rich_style)
