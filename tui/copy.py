"""y copies the current ticket, part or order number, Y the whole line, to the user's own
clipboard.

The text goes to the terminal as an OSC 52 sequence (``App.copy_to_clipboard``): the
terminal the person sits at puts it in its clipboard, however many SSH hops and tmux
sessions lie between (tmux passes it on with ``set -g set-clipboard on``; a terminal may
have to allow it, and the Linux console has no clipboard). sav cannot see whether the
terminal did: the message line says what was sent, so that it can be typed if not.

A screen that copies declares ``COPY_BINDINGS`` among its bindings and says what to copy
in ``copy_text``; the line is tab-separated, so that it pastes into a spreadsheet as cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from tui.i18n import N_, _

if TYPE_CHECKING:
    from textual.screen import Screen

COPY_BINDINGS = [
    Binding("y", "copy(False)", N_("Copy"), id="copy",
            tooltip=N_("Copy the ticket, part or order number to your clipboard")),
    Binding("Y", "copy(True)", N_("Copy the line"), show=False, id="copy-line",
            tooltip=N_("Copy the whole line, tab-separated, to your clipboard")),
]  # fmt: skip


def tab_line(*cells: object) -> str:
    """A whole line: its cells, tab-separated, each on one line."""
    return "\t".join(" ".join(str(cell).split()) for cell in cells)


class Copies:
    """A screen whose y and Y copy (see the module's text)."""

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        """(the text, what it is: "the ticket number") for y (``whole``: for Y), or None
        when there is nothing to copy."""
        raise NotImplementedError

    def action_copy(self, whole: bool) -> None:
        screen: Screen[object] = self  # type: ignore[assignment]
        found = self.copy_text(whole)
        if found is None or not found[0]:
            screen.notify(_("Nothing to copy here."), severity="warning", markup=False)
            return
        text, what = found
        screen.app.copy_to_clipboard(text)
        shown = text.replace("\t", " · ")
        screen.notify(_("Copied {what}: {text}").format(what=what, text=shown), markup=False)


__all__ = ["COPY_BINDINGS", "Copies", "tab_line"]
