"""The top line of every screen: who is signed in, for which centre, on which server; and,
for a few seconds, the app's last message in their place (see ``tui.message_line``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Label

from tui import glyphs
from tui.i18n import _, ngettext
from tui.widgets.status import role

if TYPE_CHECKING:
    from tui.message_line import Said

SEVERITIES = ("information", "warning", "error")


def mark(severity: str) -> str:
    """Before a message, so that its weight reads without colour: ``!`` a warning, ``✗``
    an error (``!`` on a console)."""
    if severity == "error":
        return glyphs.error_mark()
    return "! " if severity == "warning" else ""


class SessionBar(Horizontal):
    DEFAULT_CSS = """
    SessionBar { height: 1; dock: top; background: $panel; color: $text; }
    SessionBar Label { height: 1; padding: 0 1; }
    SessionBar #who { width: auto; text-style: bold; }
    SessionBar #centre { width: 1fr; text-overflow: ellipsis; text-wrap: nowrap; }
    SessionBar #cart { width: auto; text-style: bold; }
    SessionBar #waiting { width: auto; text-style: bold reverse; display: none; }
    SessionBar #server { width: auto; max-width: 40%; color: $text-muted;
                         text-overflow: ellipsis; text-wrap: nowrap; }
    SessionBar #message { width: 1fr; display: none; text-style: bold;
                          text-overflow: ellipsis; text-wrap: nowrap; }
    SessionBar #message.-warning { color: $warning; }
    SessionBar #message.-error { color: $error; text-style: bold reverse; }
    SessionBar.-saying #who, SessionBar.-saying #centre, SessionBar.-saying #server {
        display: none;
    }
    SessionBar.-saying #message { display: block; }
    """

    def compose(self) -> ComposeResult:
        app = self.app
        user = getattr(app, "user", None)
        backend = getattr(app, "backend", None)
        who = "sav"
        centre = ""
        if user is not None:
            who = f"sav │ {user.full_name} ({role(user.role.value)})"
            sc = user.service_centre
            centre = f"{sc.code} {sc.name}" if sc else _("all service centres")
        yield Label(who, id="who")
        yield Label(centre, id="centre")
        yield Label("", id="message")
        cart = Label(self._cart_text(getattr(app, "cart_count", 0)), id="cart")
        cart.display = bool(getattr(app, "cart_count", 0))
        yield cart
        yield Label("", id="waiting")
        label = backend.label if backend else ""
        if user is not None and backend is not None:
            label = backend.short_label  # the full one is on the sign-in screen and in F1
        yield Label(label, id="server")

    def on_mount(self) -> None:
        line = getattr(self.app, "message_line", None)
        if line is not None:
            self.show_message(line.current)

    @staticmethod
    def _cart_text(count: int) -> str:
        return _("cart: {n}").format(n=count) if count else ""

    def show_cart(self, count: int) -> None:
        """The number of lines in the cart ("" when it is empty)."""
        label = self.query_one("#cart", Label)
        label.update(self._cart_text(count))
        label.display = bool(count)

    def show_waiting(self, count: int) -> None:
        """Keys typed ahead and held until the server answers ("" when there are none)."""
        label = self.query_one("#waiting", Label)
        text = ngettext("⌛ {n} key kept", "⌛ {n} keys kept", count)
        label.update(glyphs.text(text).format(n=count))
        label.display = count > 0

    def show_message(self, said: Said | None) -> None:
        """A message in place of the session's names (``None``: the names again)."""
        found = self.query("#message").results(Label)
        label = next(found, None)
        if label is None:  # not composed yet: on_mount shows the current one
            return
        self.set_class(said is not None, "-saying")
        for severity in SEVERITIES:
            label.set_class(said is not None and said.severity == severity, f"-{severity}")
        label.update(escape(mark(said.severity) + said.text) if said else "")
