"""F1 / ?: help for where you are: the screen, the focused widget, the keys, the : commands."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Markdown

from tui.command_line import SPECS
from tui.i18n import N_, _, localized
from tui.widgets.key_footer import KeyFooter
from tui.widgets.session_bar import MARK

RECENT = 8
"""Messages of the message line listed, newest first (they may have been cut there)."""
FRESH = 120
"""Seconds during which the recent messages come first in the help."""


def md_escape(text: str) -> str:
    """Text shown as it is in Markdown (a server's message, a customer's name)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~" else c for c in text)


@localized
class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="help.close"),
        Binding("q", "close", N_("Close"), show=False, id="help.close-q"),
    ]

    def __init__(self, screen: Screen[object], focused: Widget | None, server: str = "") -> None:
        super().__init__()
        self._text = self._build(screen, focused)
        if server:
            self._text += "\n\n" + _("Server: {label}").format(label=server)

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
        line = getattr(self.app, "message_line", None)
        recent = list(line.recent)[-RECENT:] if line is not None else []
        if recent:
            lines = [
                f"- {said.clock} {MARK.get(said.severity, '')}{md_escape(said.text)}"
                for said in reversed(recent)
            ]
            section = "## " + _("Recent messages") + "\n\n" + "\n".join(lines)
            if time.time() - recent[-1].at < FRESH:  # what was just said comes first
                parts.insert(2 if screen_help else 1, section)
            else:
                parts.append(section)
        return "\n\n".join(parts)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self._text, id="help-text")
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
