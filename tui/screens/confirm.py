"""A yes/no question before something that cannot be undone: y or Enter confirms, n or Esc
does not."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Label

from tui.i18n import N_, _, localized
from tui.widgets.key_footer import KeyFooter


@localized
class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(escape(self.question), id="confirm-question")
            if self.detail:
                yield Label(escape(self.detail), classes="hint")
            yield Label(_("y or Enter: yes · n or Esc: no"), classes="hint")
        yield KeyFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
