"""F1 / ?: help for where you are: the screen, the focused widget, the keys, the : commands."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Markdown

from tui import glyphs
from tui.command_line import SPECS
from tui.i18n import N_, _, localized


@localized
class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="help.close"),
        Binding("f1", "close", N_("Close"), show=False, id="help.close-f1"),
        Binding("q", "close", N_("Close"), show=False, id="help.close-q"),
    ]

    def __init__(self, screen: Screen[object], focused: Widget | None, server: str = "") -> None:
        super().__init__()
        self._text = glyphs.text(self._build(screen, focused))  # ascii glyphs on a console
        if server:
            self._text += "\n\n" + _("Server: {label}").format(label=server)
        look = getattr(self.app, "look", None)
        if look is not None:
            self._text += "\n\n" + _(
                'Display: {look} (NO_COLOR, TERM, SAV_GLYPHS or "glyphs" in config.json).'
            ).format(look=look.describe())

    def _build(self, screen: Screen[object], focused: Widget | None) -> str:
        parts = ["# " + _("Help")]
        screen_help = getattr(screen, "HELP", None)
        if screen_help:
            parts.append(_(screen_help))
        widget_help = getattr(focused, "HELP", None) if focused is not None else None
        if widget_help and widget_help != screen_help:
            parts.append("**" + _("Here") + f":** {_(widget_help)}")
        rows = []
        seen = set()
        for node, binding, _enabled, _tooltip in screen.active_bindings.values():
            if node is not screen or not binding.description:  # the app's keys come below
                continue
            if (binding.action, binding.description) in seen:
                continue
            seen.add((binding.action, binding.description))
            display = self.app.get_key_display(binding)
            rows.append(f"- `{display}` {binding.description}")
        if rows:
            parts.append("## " + _("Keys") + "\n\n" + "\n".join(rows))
        everywhere = (
            ("F1 ?", _("this help")),
            (":", _("command line (from a search line: when it is empty)")),
            ("ctrl+p", _("command palette")),
            ("Esc", _("back one level (never quits)")),
            ("ctrl+q", _("quit")),
            ("j k ↑ ↓ g G", _("move in lists")),
        )
        parts.append(
            "## " + _("Everywhere") + "\n\n" + "\n".join(f"- `{k}` {v}" for k, v in everywhere)
        )
        commands = "\n".join(
            "- `:{name}{arg}`{aliases} {help}".format(
                name=spec.name,
                arg=f" <{_(spec.argument)}>" if spec.argument else "",
                aliases=f" ({', '.join(spec.aliases)})" if spec.aliases else "",
                help=_(spec.help),
            )
            for spec in SPECS
        )
        parts.append("## " + _("Commands") + f"\n\n{commands}")
        return "\n\n".join(parts)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self._text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
