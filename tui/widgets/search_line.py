"""A screen's search line, where ``:`` still opens the command line.

A focused input takes every printable key, so ``:t 116496`` typed on a search screen
became a search for ":t 116496". No search starts with ``:``: typed into an empty line,
it is left to the app's ``:`` key, as everywhere else.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive

from tui.widgets.text_field import TextField


class SearchLine(TextField):
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """The length of the text typed, for scrolling it: every key changes it, and Textual's
    Input lays the whole screen out again for it (then paints every widget again) on each
    key. The line's own size does not follow its text (Input asks for a layout itself when
    it does: a width of ``auto``)."""

    def _opens_command_line(self, character: str | None) -> bool:
        return character == ":" and not self.value

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if self._opens_command_line(character):
            return False  # the footer shows ": Command" while the line is empty
        return super().check_consume_key(key, character)

    def watch_value(self, old: str, new: str) -> None:
        if bool(old) != bool(new):
            self.refresh_bindings()  # the footer shows ": Command" while the line is empty

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls the handler of every class in the MRO: Input's runs after this one
        # unless told not to. The event still bubbles up to the app's ":" binding.
        if self._opens_command_line(event.character):
            event.prevent_default()
