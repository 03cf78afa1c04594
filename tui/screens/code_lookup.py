"""F4 lookup on a coded list (or on the parts ordered for a ticket): type to filter by code
or name, ↑ ↓ to move, Enter to pick, Esc to leave the field as it was."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.i18n import N_, _, localized
from tui.widgets.key_footer import KeyFooter
from tui.widgets.text_field import TextField


def fold(text: str) -> str:
    """Lower case without accents: "Brûleur" is found by typing "bru"."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@localized
class CodeLookup(ModalScreen[str | None]):
    """Choose one of ``choices`` (value, code shown, name); dismissed with the value."""

    HELP = N_(
        "A list to choose from: type part of a code or of a name to narrow it, ↑ and ↓ "
        "move, Enter picks the highlighted entry, Esc goes back without changing the field."
    )
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="lookup.cancel"),
        Binding("enter", "pick", N_("Pick"), id="lookup.pick", priority=True),
        Binding("down", "move(1)", N_("Next"), show=False, priority=True, id="lookup.down"),
        Binding("up", "move(-1)", N_("Previous"), show=False, priority=True, id="lookup.up"),
    ]  # fmt: skip

    def __init__(self, title: str, choices: list[tuple[str, str, str]], current: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup") as box:
            box.border_title = self.title_text
            yield TextField(placeholder=_("type to filter"), id="lookup-filter", compact=True)
            yield OptionList(id="lookup-list")
            yield Label("", id="lookup-count")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fill("")
        self.set_focus(self.query_one("#lookup-filter", Input))

    def _fill(self, text: str) -> None:
        wanted = fold(text.strip())
        options = self.query_one("#lookup-list", OptionList)
        options.clear_options()
        shown = [
            (value, code, name)
            for value, code, name in self.choices
            if not wanted or wanted in fold(code) or wanted in fold(name)
        ]
        width = max((len(code) for _v, code, _n in shown), default=0)
        options.add_options(
            Option(escape(f"{code:<{width}}  {name}"), id=value) for value, code, name in shown
        )
        if shown:
            index = next((i for i, c in enumerate(shown) if c[0] == self.current), 0)
            options.highlighted = index
        self.query_one("#lookup-count", Label).update(
            _("{shown} of {total}").format(shown=len(shown), total=len(self.choices))
        )

    @on(Input.Changed, "#lookup-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(OptionList.OptionSelected, "#lookup-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one("#lookup-list", OptionList)
        if options.option_count == 0:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_pick(self) -> None:
        options = self.query_one("#lookup-list", OptionList)
        if options.highlighted is None or options.option_count == 0:
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)
