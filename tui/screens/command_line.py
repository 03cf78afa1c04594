"""The ``:`` command line, at the bottom of the screen like vim's or k9s's."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui import glyphs
from tui.command_line import Command, CommandError, parse
from tui.i18n import N_, localized
from tui.widgets.text_field import TextField


@localized
class CommandLineScreen(ModalScreen[Command | None]):
    """Type a short command and Enter; Esc cancels. A wrong command stays here with why."""

    HELP = N_("Short commands: t 116496 opens a ticket, home, lang fr, q quits; help lists all.")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="command-line.cancel")]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="command-line"):
            yield Label("", id="command-error", classes="field-error")
            yield TextField(self._text, id="command", placeholder="t 116496", max_length=120)

    def on_mount(self) -> None:
        self.query_one("#command", Input).focus()

    @on(Input.Submitted, "#command")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            command = parse(event.value)
        except CommandError as exc:
            error = self.query_one("#command-error", Label)
            error.update(f"{glyphs.error_mark()}{exc}")
            error.display = True
            return
        if command.name == "ticket" and getattr(self.app, "user", None) is not None:
            # the ticket takes this line's place: the screen under it is not restyled and
            # laid out again first, only to be covered at once
            self.app.open_ticket(int(command.argument), replace=True)  # type: ignore[attr-defined]
            return
        self.dismiss(command)

    @on(Input.Changed, "#command")
    def _typing(self) -> None:
        error = self.query_one("#command-error", Label)
        error.update("")
        error.display = False

    def action_cancel(self) -> None:
        self.dismiss(None)
