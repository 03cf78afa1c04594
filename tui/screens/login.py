"""The sign-in screen: the server, user name, password, remember; demo accounts when embedded."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui import glyphs, i18n
from tui.i18n import N_, _, localized
from tui.widgets.check import Check
from tui.widgets.key_footer import KeyFooter
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import role
from tui.widgets.text_field import TextField

CAPTION_WIDTH = 10
"""The captions' width in app.tcss (English's "Password" and a gap)."""

if TYPE_CHECKING:
    from client.models import DemoAccount, Health
    from tui.app import SavApp
    from tui.backend import BackendUnavailable


NATIVE_NAMES = {"en": "English", "fr": "Français", "it": "Italiano"}
"""Each language in its own words: whoever cannot read the current one finds theirs."""


def next_language(current: str) -> str:
    languages = i18n.available()
    if current not in languages:
        return languages[0]
    return languages[(languages.index(current) + 1) % len(languages)]


def language_line() -> str:
    """``Italiano  (F3: English, Français)``: the current language, then the others in the
    order F3 gives them."""
    current = i18n.language()
    others, code = [], next_language(current)
    while code != current and code not in others:
        others.append(code)
        code = next_language(code)
    names = ", ".join(NATIVE_NAMES.get(c, c) for c in others)
    return f"{NATIVE_NAMES.get(current, current)}  (F3: {names})"


@localized
class LoginScreen(Screen[None]):
    """Sign in to the server shown at the top."""

    HELP = N_(
        "Sign in with your user name and password. Tab moves between fields, Enter in the "
        "password field signs in. With *Remember me*, the token (never the password) is kept "
        "in the system keyring, or for this session only when there is none. In the embedded "
        "mode the demo accounts are listed: F2 fills in the next one. F3 switches the "
        "interface's language (French, English, Italian) at once; this terminal remembers it, "
        "and it wins over your profile's language for this session."
    )
    BINDINGS = [
        Binding("f2", "demo_account", N_("Demo account"), id="login.demo",
                tooltip=N_("Fill in the next demo account")),
        Binding("f3", "language", N_("Language"), id="login.language",
                tooltip=N_("Switch the interface's language: French, English, Italian")),
        Binding("f5", "retry", N_("Retry"), id="login.retry",
                tooltip=N_("Try to reach the server again")),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self._accounts: list[DemoAccount] = []
        self._next_account = 0
        self._unreachable = False
        self._unreachable_error: BackendUnavailable | None = None
        self._sign_in_when_connected = False
        self._server_answered = asyncio.Event()

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with Vertical(id="login-box") as box:
            box.border_title = _("Sign in")
            with Horizontal(classes="row"):
                yield Label(_("Server"), classes="caption")
                yield Label(self.sav.backend.label, id="server-label")
            yield Static(_("Connecting…"), id="server-status")
            with Horizontal(classes="row", id="language-row"):
                yield Label(_("Language"), classes="caption")
                yield Label(language_line(), id="language-label")
            with Horizontal(classes="row"):
                yield Label(_("User"), classes="caption")
                yield TextField(
                    id="username", max_length=80, placeholder=_("user name"), compact=True
                )
            yield Label("", id="username-error", classes="field-error")
            with Horizontal(classes="row"):
                yield Label(_("Password"), classes="caption")
                yield TextField(id="password", password=True, max_length=200, compact=True)
            yield Label("", id="password-error", classes="field-error")
            yield Check(
                _("Remember me on this terminal"),
                self.sav.remember_default,
                id="remember",
                compact=True,
            )
            yield Static("", id="login-error")
            yield Button(_("Sign in"), id="sign-in", variant="primary", compact=True)
        yield Static("", id="demo-accounts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fit_captions()
        self.query_one("#username", Input).focus()
        if self.sav.health is not None:
            self.show_connected(self.sav.health)
        self.refresh_bindings()

    def _fit_captions(self) -> None:
        """Captions as wide as the longest in this language, and what sits under the fields
        indented as much: "Identifiant" and "Mot de passe" never run into their fields."""
        width = max(
            [CAPTION_WIDTH] + [cell_len(str(c.render())) + 2 for c in self.query(".caption")]
        )
        if width == CAPTION_WIDTH:
            return
        for caption in self.query(".caption"):
            caption.styles.width = width
        for widget in self.query("#server-status, .field-error, #login-error"):
            widget.styles.padding = (0, 0, 0, width)
        for widget in self.query("#remember, #sign-in"):
            widget.styles.margin = (1, 0, 0, width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self._unreachable
        if action == "demo_account":
            return bool(self._accounts)
        return True

    # ------------------------------------------------------------------ connection state

    def show_connected(self, health: Health) -> None:
        self._unreachable = False
        self.query_one("#server-status", Static).update(
            _("Connected: sav {version}, {database}").format(
                version=health.version, database=health.database
            )
        )
        self.query_one("#server-status").set_class(False, "-error")
        if self._sign_in_when_connected:
            self._sign_in_when_connected = False
            self.submit()
            self._server_answered.set()
        self._accounts = list(health.demo_accounts)
        if self._accounts:
            lines = [_("Demo accounts (F2 fills one in):")]
            for account in self._accounts:
                centre = account.service_centre or _("all centres")
                lines.append(
                    f"  {account.username:<9} {account.password:<6} "
                    f"{role(account.role.value):<12} {centre}"
                )
            self.query_one("#demo-accounts", Static).update("\n".join(lines))
        self.refresh_bindings()

    def show_unreachable(self, error: BackendUnavailable) -> None:
        self._unreachable = True
        self._unreachable_error = error
        self._sign_in_when_connected = False
        self._server_answered.set()
        self._say("")
        text = "\n".join(
            [f"{glyphs.error_mark()}{error.message}", *error.tried, _("Press F5 to try again.")]
        )
        status = self.query_one("#server-status", Static)
        status.update(text)
        status.set_class(True, "-error")
        self.refresh_bindings()

    def action_language(self) -> None:
        """F3: the next language, at once; this terminal remembers it
        (``SavApp.choose_language``)."""
        self.sav.choose_language(next_language(i18n.language()))
        self.call_later(self.relabel)

    async def relabel(self) -> None:
        """Compose the screen again in the interface's language, keeping what was typed."""
        typed = {f: self.query_one(f"#{f}", Input).value for f in ("username", "password")}
        remember = self.query_one("#remember", Checkbox).value
        focused = self.focused.id if self.focused is not None else None
        await self.recompose()
        for field, value in typed.items():
            self.query_one(f"#{field}", Input).value = value
        self.query_one("#remember", Checkbox).value = remember
        if focused:
            self.query(f"#{focused}").focus()
        else:
            self.query_one("#username", Input).focus()
        if self._unreachable and self._unreachable_error is not None:
            self.show_unreachable(self._unreachable_error)
        elif self.sav.health is not None:
            self.show_connected(self.sav.health)
        self.refresh_bindings()

    def action_retry(self) -> None:
        self._unreachable = False
        self.query_one("#server-status", Static).update(_("Connecting…"))
        self.query_one("#server-status").set_class(False, "-error")
        self.refresh_bindings()
        self.sav.retry_connect()

    def action_demo_account(self) -> None:
        if not self._accounts:
            return
        account = self._accounts[self._next_account % len(self._accounts)]
        self._next_account += 1
        self.query_one("#username", Input).value = account.username
        password = self.query_one("#password", Input)
        password.value = account.password
        password.focus()

    # ------------------------------------------------------------------ the form

    @on(Input.Submitted, "#username")
    def _username_entered(self) -> None:
        """Enter in the user name goes on to the password."""
        if self._check("username"):
            self.set_focus(self.query_one("#password", Input))

    @on(Input.Submitted, "#password")
    def _password_entered(self) -> None:
        self.submit()

    def _field_error(self, field: str, text: str) -> None:
        label = self.query_one(f"#{field}-error", Label)
        label.update(text)
        label.display = bool(text)
        self.query_one(f"#{field}", Input).set_class(bool(text), "-invalid")

    def _check(self, field: str) -> bool:
        value = self.query_one(f"#{field}", Input).value
        empty = not value.strip() if field == "username" else not value
        message = {
            "username": _("Enter your user name."),
            "password": _("Enter your password."),
        }[field]
        self._field_error(field, message if empty else "")
        return not empty

    @on(Input.Blurred)
    def _left_field(self, event: Input.Blurred) -> None:
        if event.input.id in ("username", "password") and event.input.value:
            self._check(event.input.id)

    @on(Button.Pressed, "#sign-in")
    def submit(self) -> None:
        for field in ("username", "password"):
            if not self._check(field):
                self.query_one(f"#{field}", Input).focus()
                return
        if self.sav.client is None:  # typed before the backend answered: go on once it does
            self._sign_in_when_connected = True
            self._server_answered.clear()
            self._say(_("Signing in as soon as the server answers…"))
            self._hold_keys_until_signed_in()
            return
        self._say(_("Signing in…"))
        self.sav.sign_in(
            self.query_one("#username", Input).value,
            self.query_one("#password", Input).value,
            self.query_one("#remember", Checkbox).value,
        )

    @work(exclusive=True, group="sign-in-pending", exit_on_error=False)
    async def _hold_keys_until_signed_in(self) -> None:
        """Enter typed before the server answered: the keys typed after it wait (the
        type-ahead holds them while this worker runs) until the sign-in it asked for is
        done, so they reach the home screen, not the password field."""
        await self._server_answered.wait()  # show_connected started the sign-in
        for worker in [w for w in self.app.workers if w.group == "session"]:
            with contextlib.suppress(Exception):  # a failed sign-in is said on the form
                await worker.wait()

    def _say(self, text: str, *, error: bool = False) -> None:
        """The line under the form: progress, or (marked ✗, not by colour alone) an error."""
        line = self.query_one("#login-error", Static)
        line.update(f"{glyphs.error_mark()}{text}" if error else text)
        line.set_class(error, "-error")
        line.display = bool(text)

    def show_error(self, message: str, fields: tuple[str, ...] = ()) -> None:
        """Show why signing in failed; everything typed stays where it is."""
        self._say(message, error=True)
        for field in ("username", "password"):
            self.query_one(f"#{field}", Input).set_class(field in fields, "-invalid")
        if "password" in fields:  # kept, and selected: typing replaces it
            password = self.query_one("#password", Input)
            password.focus()
            password.select_all()
