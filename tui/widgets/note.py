"""Note fields where ctrl+e opens the person's own editor on the text (``tui.editor``)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import TextArea

from tui.editor import edit
from tui.i18n import N_, localized
from tui.widgets.text_field import TextField
from tui.wire import text_area_cursor_blink

text_area_cursor_blink()  # as the app was told (TextArea is imported here, not at start-up)

EDITOR_BINDING = Binding(
    "ctrl+e", "editor", N_("Editor"), id="note.editor",
    tooltip=N_("Write the note in your own editor ($EDITOR)"),
)  # fmt: skip
"""In place of the text field's own ctrl+e (end of line: End does the same)."""

NOTE_HELP = N_(
    "A note: type it here, or press ctrl+e to write it in your own editor ($EDITOR, else "
    "$VISUAL, else nano or vi); what you save there comes back here."
)


@localized
class NoteArea(TextArea):
    """A note of several lines."""

    HELP = NOTE_HELP
    BINDINGS = [EDITOR_BINDING]

    def action_editor(self) -> None:
        edited = edit(self.app, self.text)
        if edited.text is not None:
            self.text = edited.text
            self.move_cursor(self.document.end)
        self.notify(
            edited.message,
            severity="warning" if edited.failed else "information",
            markup=False,
        )


@localized
class NoteInput(TextField):
    """A note on one line (the editor's lines come back joined)."""

    HELP = NOTE_HELP
    BINDINGS = [EDITOR_BINDING]

    def action_editor(self) -> None:
        edited = edit(self.app, self.value)
        if edited.text is not None:
            self.value = " ".join(edited.text.split("\n")).strip()
            self.cursor_position = len(self.value)
        self.notify(
            edited.message,
            severity="warning" if edited.failed else "information",
            markup=False,
        )


__all__ = ["EDITOR_BINDING", "NoteArea", "NoteInput"]
