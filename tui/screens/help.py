"""F1 / ?: help for where you are: the screen, the focused widget, the keys, the : commands."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Markdown

from tui import glyphs
from tui.command_line import SPECS, local_names
from tui.i18n import N_, _, localized, ngettext
from tui.keymap import defaults, key_display, keymap_path, split_keys
from tui.widgets.key_footer import KeyFooter
from tui.widgets.session_bar import mark

EVERYWHERE = (
    (("help", "help-alt"), N_("this help")),
    (("command-line",), N_("command line (from a search line: when it is empty)")),
    (("palette",), N_("command palette")),
    (("back",), N_("back one level (never quits)")),
    (("quit",), N_("quit")),
    (("list.down", "list.up", "list.first", "list.last"), N_("move in lists (and ↑ ↓ Home End)")),
    (
        ("copy", "copy-line"),
        N_(
            "copy the ticket, part or order number (y) or the whole line (Y) "
            "to your own clipboard, through your terminal (OSC 52)"
        ),
    ),
    (("note.editor",), N_("in a note: write it in your own editor ($EDITOR)")),
)
"""The keys that work on every screen, and what they do (the keys as the keymap has them)."""
APP_IDS = frozenset(i for ids, _text in EVERYWHERE for i in ids)

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
        more = getattr(screen, "help_more", None)
        if callable(more):  # help made for the user's language (the search keys)
            parts.append(more())
        widget_help = getattr(focused, "HELP", None) if focused is not None else None
        if widget_help and widget_help != screen_help:
            parts.append("**" + _("Here") + f":** {_(widget_help)}")
        rows = self._screen_keys(screen)
        if rows:
            parts.append("## " + _("Keys") + "\n\n" + "\n".join(rows))
        parts.append("## " + _("Everywhere") + "\n\n" + "\n".join(self._everywhere()))
        parts.append("## " + _("Your keys") + "\n\n" + self._yours())
        commands = "\n".join(
            "- `:{name}{arg}`{aliases} {help}".format(
                name=spec.name,
                arg=f" <{_(spec.argument)}>" if spec.argument else "",
                aliases=f" ({', '.join(names)})"
                if (names := (*local_names(spec.name), *spec.aliases))
                else "",
                help=_(spec.help),
            )
            for spec in SPECS
        )
        parts.append("## " + _("Commands") + f"\n\n{commands}")
        line = getattr(self.app, "message_line", None)
        recent = list(line.recent)[-RECENT:] if line is not None else []
        if recent:
            lines = [
                f"- {said.clock} {mark(said.severity)}{md_escape(said.text)}"
                for said in reversed(recent)
            ]
            section = "## " + _("Recent messages") + "\n\n" + "\n".join(lines)
            if time.time() - recent[-1].at < FRESH:  # what was just said comes first
                parts.insert(2 if screen_help else 1, section)
            else:
                parts.append(section)
        return "\n\n".join(parts)

    # ------------------------------------------------------------------ keys

    def _keys(self, binding_id: str, shipped: str) -> str:
        """A binding's keys as the user's keymap makes them, marked * when rebound."""
        mine = self.app._keymap.get(binding_id)
        keys = " ".join(key_display(k) for k in split_keys(mine or shipped))
        return keys + (" *" if mine else "")

    def _screen_keys(self, screen: Screen[object]) -> list[str]:
        """The keys of the screen and of its focused widget (the app's come below)."""
        known = defaults()
        found: dict[str, tuple[list[str], str]] = {}
        for _node, binding, _enabled, _tooltip in screen.active_bindings.values():
            if not binding.description or binding.id not in known or binding.id in APP_IDS:
                continue
            keys, _description = found.setdefault(binding.id, ([], binding.description))
            keys.append(binding.key)
        rows = []
        for binding_id, (keys, description) in found.items():
            shown = " ".join(key_display(k) for k in keys)
            if binding_id in self.app._keymap:
                shown += " *"
            rows.append(f"- `{shown}` {md_escape(description)}")
        return rows

    def _everywhere(self) -> list[str]:
        known = defaults()
        rows = []
        for ids, text in EVERYWHERE:
            keys = " ".join(self._keys(i, known[i][0]) for i in ids if i in known)
            rows.append(f"- `{keys}` {_(text)}")
        return rows

    def _yours(self) -> str:
        user = getattr(self.app, "user_keymap", None)
        path = keymap_path() if user is None or user.path is None else user.path
        example = '\n\n```\n"tickets.export" = "f7"\n"cart.checkout" = ["f9", "ctrl+o"]\n```'
        if user is None or user.path is None:
            return (
                _("As shipped. To change a key, write its id and your keys in `{path}`; "
                  "`sav keys` lists every id.").format(path=path)
                + example + "\n\n"
                + _("A key your terminal keeps for itself (GNOME Terminal: F1, F10): ? or :help "
                    "for help, ctrl+o for checkout, or a key of your own in that file.")
            )  # fmt: skip
        text = ngettext(
            "From `{path}`: {n} key of yours (marked *); `sav keys` lists every id.",
            "From `{path}`: {n} keys of yours (marked *); `sav keys` lists every id.",
            len(user.keys),
        ).format(path=path, n=len(user.keys))
        text += "\n\n" + _(
            "A key your terminal keeps for itself (GNOME Terminal: F1, F10): ? or :help "
            "for help, ctrl+o for checkout, or a key of your own in that file."
        )
        if user.problems:
            text += "\n\n" + "\n".join(
                f"- {'' if p.applied else glyphs.error_mark()}{md_escape(p.text(user.path))}"
                for p in user.problems
            )
        return text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self._text, id="help-text")
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
