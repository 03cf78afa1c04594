"""A checkbox whose state and focus read without colour.

Textual's ``Checkbox`` draws ``▐X▌`` whether it is ticked or not: only the colour of the
``X`` tells. Here the ``X`` is there only when it is ticked (``▐X▌`` / ``▐ ▌``), and on a
console, whose font lacks the half blocks' meaning, ``[X]`` / ``[ ]``.

Its label is in reverse video while it has focus where colours are few (the theme's
cursor text style, ``tui.appearance``): Textual 8.2's ``Widget.get_visual_style``, which
styles the label, keeps bold, dim, italic, underline and strike but drops reverse, so the
reverse is put back here.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox

from tui import glyphs


class Check(Checkbox):
    @property
    def _button(self) -> Content:
        inner = "X" if self.value else " "
        button_style = self.get_visual_style("toggle--button")
        if glyphs.mode() == "ascii":
            label_style = self.get_visual_style("toggle--label")
            return Content.assemble(("[", label_style), (inner, button_style), ("]", label_style))
        base = super()._button
        return Content.assemble(base[0], (inner, button_style), base[2])

    def render(self) -> Content:
        content = super().render()
        if self.get_component_rich_style("toggle--label").reverse:
            button = len(self._button)
            content = content.stylize(Style(reverse=True), button, len(content))
        return content
